/**
 * A paper as a CSL-JSON item, the input of every CSL processor (citeproc-js here, pandoc's citeproc in the tests).
 * Pure: no `vscode` import.
 *
 * Fields follow what Zotero and Better BibTeX export, so a style renders our papers as it renders theirs:
 * - the type: a .bib paper's own entry type where it has one, else the one its venue calls for (the rule the
 *   BibTeX writer uses: a conference → `paper-conference`, a journal → `article-journal`); an arXiv paper without a
 *   venue is a preprint, which Zotero exports as `article` with the repository as `publisher` ("arXiv") and the
 *   identifier as `number` ("arXiv:1706.03762");
 * - names split into `family` (with its particles, Better BibTeX's reading — see `familyName`) and `given`;
 * - the venue as `container-title` (it is a .bib's `journal` or `booktitle`), else as `publisher` for a type
 *   without a container;
 * - text as it reads, LaTeX decoded (`{\"u}` → ü; math as its TeX without the dollars).
 */
import { bibtexEntryType } from '../../bibtex/entryWriter';
import { familyName } from '../../papers/keys';
import type { Paper } from '../../papers/paper';
import { readableText } from '../../shared/latexText';

export interface CslName {
  readonly family?: string;
  readonly given?: string;
  readonly suffix?: string;
  /** A name that cannot be split ("OpenAI", "The Royal Society"): printed as it is. */
  readonly literal?: string;
}

export interface CslItem {
  readonly id: string;
  readonly type: string;
  readonly title?: string;
  readonly author?: readonly CslName[];
  readonly issued?: { readonly 'date-parts': readonly (readonly number[])[] };
  readonly 'container-title'?: string;
  readonly publisher?: string;
  readonly number?: string;
  readonly DOI?: string;
  readonly URL?: string;
}

/** CSL types for BibTeX entry types, as Better BibTeX maps them on import. */
const CSL_TYPE_OF_ENTRY: Readonly<Record<string, string>> = {
  article: 'article-journal',
  inproceedings: 'paper-conference',
  conference: 'paper-conference',
  incollection: 'chapter',
  inbook: 'chapter',
  book: 'book',
  phdthesis: 'thesis',
  mastersthesis: 'thesis',
  thesis: 'thesis',
  techreport: 'report',
  report: 'report',
  manual: 'report',
  online: 'webpage',
  misc: 'document',
  unpublished: 'manuscript',
};

/** The types whose venue is the work it appears in; for the others a venue is who published it. */
const CONTAINED_TYPES: ReadonlySet<string> = new Set(['article-journal', 'paper-conference', 'chapter']);

export function toCslItem(paper: Paper): CslItem {
  const type = cslType(paper);
  const venue = paper.venue ? readableText(paper.venue) : undefined;
  const preprint = type === 'article';
  const authors = (paper.authors ?? []).map((author) => cslName(readableText(author))).filter((name) => name !== undefined);
  const link = paper.url?.trim() || (paper.arxivId ? `https://arxiv.org/abs/${paper.arxivId}` : undefined);
  return withoutEmpty({
    id: paper.id,
    type,
    title: readableText(paper.title),
    author: authors.length > 0 ? authors : undefined,
    issued: paper.year !== undefined ? { 'date-parts': [[paper.year]] } : undefined,
    'container-title': venue && CONTAINED_TYPES.has(type) ? venue : undefined,
    publisher: preprint ? 'arXiv' : venue && !CONTAINED_TYPES.has(type) ? venue : undefined,
    number: preprint ? `arXiv:${paper.arxivId}` : undefined,
    DOI: paper.doi?.trim() || undefined,
    URL: link,
  });
}

function cslType(paper: Paper): string {
  const entryType = paper.bibtex ? /^\s*@\s*(\w+)/.exec(paper.bibtex)?.[1]?.toLowerCase() : undefined;
  const type = (entryType && CSL_TYPE_OF_ENTRY[entryType]) ?? CSL_TYPE_OF_ENTRY[bibtexEntryType(paper.venue)];
  // An arXiv paper that is not known to be anything else is a preprint.
  return type === 'document' && paper.arxivId ? 'article' : type;
}

/**
 * An author's name split as a .bib's name is read: "Family, Given" and "Family, Jr, Given" at their commas; else
 * the family name with its particles (`familyName`) and the words before it as the given name. A single word is a
 * family name alone; undefined for an empty name.
 */
export function cslName(author: string): CslName | undefined {
  const name = author.replace(/\s+/g, ' ').trim();
  if (name === '') return undefined;
  const parts = name.split(',').map((part) => part.trim());
  if (parts.length >= 3) return withoutEmpty({ family: parts[0], suffix: parts[1], given: parts.slice(2).join(', ') });
  if (parts.length === 2) return withoutEmpty({ family: parts[0], given: parts[1] });
  const family = familyName(name);
  return withoutEmpty({ family, given: name.slice(0, name.length - family.length).trim() });
}

/** The object without its undefined and empty-string properties: CSL processors print an empty field's affixes. */
function withoutEmpty<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== '')) as T;
}
