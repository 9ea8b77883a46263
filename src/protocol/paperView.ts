/**
 * Turns loaded papers into what the webviews render (the reader's paper, list items with highlighted
 * matches), and decides which links may leave the editor. Pure module (no `vscode` import) so these
 * rules are unit-tested in plain Node.
 */
import type { LoadedPaper, Paper } from '../papers/paper';
import { snippetAround, type FieldMatch } from '../search/search';
import { readableText, readableTextWithMap, widenToWholeRuns } from '../shared/latexText';
import type { HighlightedText, PaperListItem, PaperView } from './protocol';
import { inertBidi } from '../shared/untrustedText';

export type PaperLink = PaperView['links'][number];

/** Longest panel title, in characters, before it is cut with an ellipsis. */
export const PANEL_TITLE_MAX_LENGTH = 40;

/** Text fields go out with their bidirectional controls made inert (`inertBidi`): they could make a title read backwards. */
export function toPaperView(paper: LoadedPaper): PaperView {
  return {
    id: paper.id,
    key: inertBidi(paper.key),
    title: inertBidi(paper.title),
    abstract: inertBidi(paper.abstract),
    authors: (paper.authors ?? []).map(inertBidi),
    ...(paper.year !== undefined ? { year: paper.year } : {}),
    ...(paper.venue ? { venue: inertBidi(paper.venue) } : {}),
    source: inertBidi(paper.source),
    links: paperLinks(paper),
    ...(paper.collections?.length ? { collections: paper.collections.map(inertBidi) } : {}),
    ...(paper.pdfFile ? { hasPdf: true } : {}),
    ...(paper.zoteroLink ? { inZotero: true } : {}),
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

/**
 * A paper as a list entry. A search result passes its hit's `matches`: the matched parts of the title are
 * highlighted, and a snippet of the abstract around its longest match shows why it was found. Other lists
 * (related papers, the reading list) have no matches and show no snippet.
 */
export function toPaperListItem(paper: LoadedPaper, matches?: readonly FieldMatch[]): PaperListItem {
  const rangesIn = (field: FieldMatch['field']) => matches?.find((match) => match.field === field)?.ranges ?? [];
  const description = describeAuthorsAndYear(paper);
  return {
    id: paper.id,
    title: { text: inertBidi(paper.title), highlights: mergedRanges(rangesIn('title'), paper.title.length) },
    ...(description ? { description: inertBidi(description) } : {}),
    ...(matches && paper.abstract ? { snippet: highlightedSnippet(inertBidi(paper.abstract), rangesIn('abstract')) } : {}),
  };
}

/** "Puny, Lim, Kiani et al. · 2023" — whatever of the two is known. */
export function describeAuthorsAndYear(paper: Pick<Paper, 'authors' | 'year'>): string | undefined {
  const authors = paper.authors ?? [];
  const names = authors.slice(0, 3).join(', ') + (authors.length > 3 ? ' et al.' : '');
  const parts = [names, paper.year !== undefined ? String(paper.year) : ''].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/**
 * The one-line snippet of `text` (see `snippetAround`) with the matched ranges that fall inside it, moved to
 * the snippet's offsets. `text` is source that may carry LaTeX, which the webview decodes: the snippet is
 * widened so that it cuts no math and no command, and decodes as the same text it is inside the whole.
 */
export function highlightedSnippet(text: string, ranges: readonly (readonly [number, number])[], width?: number): HighlightedText {
  const snippet = snippetAround(text, ranges, width);
  const leading = snippet.startsWith('…') ? 1 : 0;
  const trailing = snippet.endsWith('…') ? 1 : 0;
  const piece = snippet.slice(leading, snippet.length - trailing);
  const found = text.indexOf(piece);
  if (found < 0) return { text: snippet, highlights: [] };
  const [start, end] = widenToWholeRuns(text, found, found + piece.length);
  const before = start > 0 ? '…' : '';
  const shown = `${before}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
  const shift = before.length - start;
  const inside = ranges
    .map(([from, to]): [number, number] => [Math.max(from, start) + shift, Math.min(to, end) + shift])
    .filter(([from, to]) => from < to);
  return { text: shown, highlights: mergedRanges(inside, shown.length) };
}

/**
 * The picker's snippet of `text` as plain text (LaTeX decoded, math as its source without delimiters): the
 * ranges are placed on the decoded text first, so the snippet is cut where its words are.
 */
export function readableSnippet(text: string, ranges: readonly (readonly [number, number])[], width?: number): string {
  const readable = readableTextWithMap(text);
  const moved = ranges.map(([from, to]): [number, number] => [readable.toText(from, 'start'), readable.toText(to, 'end')]);
  return snippetAround(readable.text, moved, width);
}

/** Ranges sorted, clipped to `[0, length)`, with overlapping and touching ones joined. */
function mergedRanges(ranges: readonly (readonly [number, number])[], length: number): [number, number][] {
  const merged: [number, number][] = [];
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const [start, end] = [Math.max(0, from), Math.min(length, to)];
    if (start >= end) continue;
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/**
 * A title short enough for an editor tab: plain text (LaTeX decoded, math as its source), whitespace
 * collapsed, cut at a character boundary with "…".
 */
export function panelTitle(title: string, maxLength = PANEL_TITLE_MAX_LENGTH): string {
  const characters = Array.from(readableText(title).replace(/\s+/g, ' ').trim());
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
