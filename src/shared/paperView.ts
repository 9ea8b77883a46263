/**
 * Turns a loaded paper into what the abstract webview renders, and decides which links may leave the
 * editor. Pure module (no `vscode` import) so the link rules are unit-tested in plain Node.
 */
import type { LoadedPaper, Paper } from '../index/paper';
import type { PaperView } from './protocol';

export type PaperLink = PaperView['links'][number];

/** Longest panel title, in characters, before it is cut with an ellipsis. */
export const PANEL_TITLE_MAX_LENGTH = 40;

export function toPaperView(paper: LoadedPaper): PaperView {
  return {
    id: paper.id,
    key: paper.key,
    title: paper.title,
    abstract: paper.abstract,
    authors: paper.authors ?? [],
    ...(paper.year !== undefined ? { year: paper.year } : {}),
    ...(paper.venue ? { venue: paper.venue } : {}),
    source: paper.source,
    links: paperLinks(paper),
  };
}

/**
 * The paper's outbound links, every one an `https:` URL: its arXiv abstract page, its DOI resolver
 * page, and its own `url` only when that is `https:` (so `javascript:`, `file:` or `http:` never reach
 * a link). A link equal to an earlier one is left out.
 */
export function paperLinks(paper: Pick<Paper, 'arxivId' | 'doi' | 'url'>): PaperLink[] {
  const candidates: { label: string; href: string | undefined }[] = [];
  const arxivId = paper.arxivId?.trim();
  if (arxivId) candidates.push({ label: `arXiv:${arxivId}`, href: httpsUrl(`https://arxiv.org/abs/${encodePath(arxivId)}`) });
  const doi = paper.doi?.trim();
  if (doi) candidates.push({ label: `doi:${doi}`, href: httpsUrl(`https://doi.org/${encodePath(doi)}`) });
  const url = paper.url ? httpsUrl(paper.url.trim()) : undefined;
  if (url) candidates.push({ label: new URL(url).host, href: url });

  const links: PaperLink[] = [];
  for (const { label, href } of candidates) {
    if (href && !links.some((link) => link.href === href)) links.push({ label, href });
  }
  return links;
}

/** Whether `href` is exactly one of the links built for `paper`: the only URLs the host will open. */
export function isPaperLink(paper: Pick<Paper, 'arxivId' | 'doi' | 'url'>, href: string): boolean {
  return httpsUrl(href) === href && paperLinks(paper).some((link) => link.href === href);
}

/** `candidate` in normalized form when it parses as an absolute `https:` URL with a host; otherwise undefined. */
export function httpsUrl(candidate: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'https:' && parsed.hostname !== '' ? parsed.href : undefined;
}

/** A title short enough for an editor tab: whitespace collapsed, cut at a character boundary with "…". */
export function panelTitle(title: string, maxLength = PANEL_TITLE_MAX_LENGTH): string {
  const characters = Array.from(title.replace(/\s+/g, ' ').trim());
  if (characters.length <= maxLength) return characters.join('');
  return `${characters.slice(0, maxLength - 1).join('').trimEnd()}…`;
}

/**
 * Percent-encodes an identifier for use as a URL path, keeping its `/` separators: old-style arXiv ids
 * (`hep-th/9901001`) and DOIs contain slashes, and DOIs may contain `?`, `#` or `%`, which must not
 * turn into a query or fragment.
 */
function encodePath(identifier: string): string {
  return identifier.split('/').map(encodeURIComponent).join('/');
}
