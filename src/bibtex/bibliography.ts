/**
 * A .bib file's entries: what they already hold (parsed with @retorquere/bibtex-parser), the key to cite a paper under,
 * and how to append an entry. Pure: no `vscode` import and no file access; callers read the files.
 */
import type { Entry } from '@retorquere/bibtex-parser' with { 'resolution-mode': 'import' };
import type { Paper } from '../papers/paper';
import { bibPreambles } from './bibEntryCopy';
import { foldTitle } from '../papers/slug';
import { uniqueKey } from '../papers/keys';


/** What a .bib file says about one of its entries, enough to show it and to recognise the paper it is. */
export interface BibEntry {
  readonly key: string;
  readonly type: string;
  readonly title?: string;
  readonly authors: readonly string[];
  readonly year?: string;
  readonly doi?: string;
  readonly arxivId?: string;
  /** `primaryClass`: the arXiv category, as written. */
  readonly primaryClass?: string;
  readonly url?: string;
  readonly abstract?: string;
  /** `journal` or `booktitle`. */
  readonly venue?: string;
}

/** Parses .bib text into entries: `parseBibEntries` here, or the same in a worker thread (./bibParseWorker.ts). */
export type BibParser = (bibText: string) => Promise<BibEntry[]>;

/**
 * The entries of a .bib text, in file order. The parser picks up again at the next `@` after an entry it cannot
 * read, which it lists by its key alone: a half-written entry in the user's file must not hide the others.
 * An entry written without a key (`@article{,`) has `""` as its key.
 *
 * Async because @retorquere/bibtex-parser is loaded on first use: its CommonJS build does not load in plain Node
 * (only its ES module build does), and loading it lazily also keeps it off the extension's activation path.
 */
export async function parseBibEntries(bibText: string): Promise<BibEntry[]> {
  const { parse } = await import('@retorquere/bibtex-parser');
  const { text, restore } = withMathSetAside(withoutLanguageSwitches(withoutPreambles(bibText)));
  // No sentence-casing (we show titles as written); commands the parser does not know are read as their text.
  const library = parse(text, { english: false, unsupported: unknownCommandText });
  const plain = (markup: string): string => plainText(restore(markup));
  const optionalPlain = (markup: string | undefined): string | undefined => (markup ? plain(markup) : undefined);
  return library.entries.map(({ key, type, fields }) => ({
    key: restore(key),
    type,
    title: fields.title !== undefined ? plain(fields.title) : undefined,
    authors: (fields.author ?? []).map((creator) =>
      plain(creator.name ?? [creator.firstName, creator.prefix, creator.lastName, creator.suffix].filter(Boolean).join(' ')),
    ),
    year: fields.year ?? fields.date?.slice(0, 4),
    doi: optionalRestored(fields.doi, restore),
    arxivId: arxivIdOf(fields),
    primaryClass: fields.primaryclass?.trim() || undefined,
    url: optionalRestored(fields.url, restore),
    abstract: optionalPlain(fields.abstract),
    venue: optionalPlain(fields.journal || fields.booktitle),
  }));
}

function optionalRestored(value: string | undefined, restore: (text: string) => string): string | undefined {
  return value === undefined ? undefined : restore(value);
}

/**
 * The text without its `@preamble{…}` blocks. They hold definitions for LaTeX (`\newcommand{\bibcyr}[1]{---}` to hide
 * Cyrillic from a Latin font), which the parser applies when it reads the fields: a title in `\bibcyr{…}` read as `[`.
 * Read without them, a command keeps its own meaning or, unknown, the text of its argument.
 */
function withoutPreambles(text: string): string {
  return bibPreambles(text).reduce((rest, preamble) => rest.replace(preamble, ''), text);
}

/**
 * `\foreignlanguage{german}{Text}` and `\selectlanguage{german}` name a language for babel: the name is no text of
 * the title. The parser does not know them and would read the name as text (`germanText`).
 */
function withoutLanguageSwitches(text: string): string {
  return text.replace(/\\(?:foreignlanguage|selectlanguage|otherlanguage)\s*(?:\[[^\]{}]*\])?\s*\{[A-Za-z-]*\}/g, '');
}

/**
 * Math (`$…$`, `$$…$$`, `\(…\)`) in the text, with its braces balanced: kept as written, so that the reader can
 * typeset it, instead of the parser's Unicode approximation (`Cu$_2$O` → `Cu₂O`, `$\alpha$` → `α`) that neither a
 * reader nor pdflatex can do anything with. Bounded in length and by blank lines, so a stray `$` cannot pair with
 * one in another entry.
 */
const MATH = /(?<!\\)\$\$(?:[^$\\\n]|\\[^\n]|\n(?![ \t]*\n)){1,800}?\$\$|(?<!\\)\$(?:[^$\\\n]|\\[^\n]|\n(?![ \t]*\n)){1,800}?\$|\\\((?:[^\\\n]|\\[^)\n]){1,800}?\\\)/g;

/**
 * The text with each math span replaced by a placeholder (its number between two private-use characters), which the
 * parser passes through as text, and the function that puts the spans back into what the parser returns.
 */
function withMathSetAside(text: string): { text: string; restore: (parsed: string) => string } {
  const spans: string[] = [];
  const replaced = text.replace(MATH, (math) => {
    if (!bracesBalanced(math)) return math;
    spans.push(math.replace(/\s+/g, ' '));
    return `\uE000${spans.length - 1}\uE001`;
  });
  if (spans.length === 0) return { text, restore: (parsed) => parsed };
  return {
    text: replaced,
    restore: (parsed) => parsed.replace(/\uE000(\d+)\uE001/g, (placeholder, index: string) => spans[Number(index)] ?? placeholder),
  };
}

function bracesBalanced(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length && depth >= 0; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
  }
  return depth === 0;
}

/** Logos and spacing commands the parser does not know, as the text they typeset. */
const COMMAND_TEXT: Record<string, string> = {
  TeX: 'TeX',
  LaTeX: 'LaTeX',
  LaTeXe: 'LaTeX2e',
  BibTeX: 'BibTeX',
  XeTeX: 'XeTeX',
  XeLaTeX: 'XeLaTeX',
  LuaTeX: 'LuaTeX',
  LuaLaTeX: 'LuaLaTeX',
  ConTeXt: 'ConTeXt',
  AmS: 'AMS',
  AmSTeX: 'AMS-TeX',
  METAFONT: 'METAFONT',
  MF: 'METAFONT',
  ' ': ' ',
};

/**
 * What an unknown command reads as: a logo its name (`{\TeX}book` is "TeXbook", not "book"), a command with an
 * argument (`\bibcyr{…}`, `\textcyrillic{…}`, a user's macro) the text of its last argument, any other nothing.
 */
function unknownCommandText(node: object, tex: string): string {
  const name = 'content' in node && typeof node.content === 'string' ? node.content : '';
  if (Object.hasOwn(COMMAND_TEXT, name)) return COMMAND_TEXT[name];
  const argument = /\{((?:[^{}]|\{[^{}]*\})*)\}\s*$/.exec(tex);
  return argument ? argument[1].replace(/[{}]/g, '') : '';
}

/**
 * The HTML tags @retorquere/bibtex-parser marks text up with (`\emph`, `\textsc`, case protection, …). Only these are
 * removed: its output does not escape a literal `<`, so `\textless{}script\textgreater{}` comes out as `<script>`,
 * which is the title's own text. A title that spells out one of these tags loses it.
 */
const PARSER_MARKUP = /<\/?(?:a|b|br|code|i|li|ncx|p|span|sub|sup)(?:\s[^>]*)?>/g;

/**
 * Plain, composed text: the parser marks up italics and the like as HTML, turns `{\'e}` into e + U+0301, and `\'\i`
 * into a dotless ı + U+0301, which no precomposed letter has: an accented dotless i or j is the dotted letter's.
 * Its rendering of `\LaTeX` (`Lᴬ` `T<sub>E</sub>X`) is spelt out.
 */
function plainText(markup: string): string {
  return markup
    .replace(/Lᴬ\s*T<sub>E<\/sub>X/g, 'LaTeX')
    .replace(PARSER_MARKUP, '')
    .replace(/ı(?=[\u0300-\u036f])/g, 'i')
    .replace(/ȷ(?=[\u0300-\u036f])/g, 'j')
    .normalize('NFC');
}

/** An arXiv id, new style ("2302.11556") or old ("hep-th/9901001"), then an optional version that is not kept. */
const ARXIV_ID = String.raw`(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?`;

/** Where .bib files keep an arXiv id: `eprint`, an arxiv.org `url`, or Google Scholar's `journal = {arXiv preprint arXiv:…}`. */
const ARXIV_ID_IN = {
  eprint: new RegExp(String.raw`^\s*(?:arXiv:)?${ARXIV_ID}\s*$`),
  url: new RegExp(String.raw`arxiv\.org/(?:abs|pdf)/${ARXIV_ID}`),
  journal: new RegExp(String.raw`arXiv:\s*${ARXIV_ID}`),
};

function arxivIdOf(fields: Entry['fields']): string | undefined {
  // An eprint of another archive (PubMed, HAL…) is no arXiv id, even if it looks like one.
  const archive = (fields.archiveprefix ?? fields.eprinttype ?? 'arXiv').toLowerCase();
  const inEprint = archive === 'arxiv' && fields.eprint ? ARXIV_ID_IN.eprint.exec(fields.eprint) : null;
  return (inEprint ?? ARXIV_ID_IN.url.exec(fields.url ?? '') ?? ARXIV_ID_IN.journal.exec(fields.journal ?? ''))?.[1];
}

/** A DOI as compared: case-insensitive (DOIs are), without a resolver or `doi:` prefix. */
function normalisedDoi(doi: string): string {
  return doi.trim().replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s*)/i, '').toLowerCase();
}

/**
 * The key of an entry in the .bib that is the same paper, so it is cited under that key instead of being added
 * twice: the same arXiv id, else the same DOI, else the same title once case, accents and punctuation are folded.
 */
export function findExistingKey(entries: readonly BibEntry[], paper: Pick<Paper, 'title' | 'arxivId' | 'doi'>): string | undefined {
  const samePaper: ((entry: BibEntry) => boolean)[] = [];
  const arxivId = paper.arxivId?.replace(/v\d+$/, '');
  if (arxivId) samePaper.push((entry) => entry.arxivId === arxivId);
  const doi = paper.doi && normalisedDoi(paper.doi);
  if (doi) samePaper.push((entry) => entry.doi !== undefined && normalisedDoi(entry.doi) === doi);
  const title = foldTitle(paper.title);
  // A title that folds to nothing (no Latin letters or digits) would match every other such title.
  if (title) samePaper.push((entry) => entry.title !== undefined && foldTitle(entry.title) === title);
  for (const matches of samePaper) {
    const entry = entries.find(matches);
    if (entry) return entry.key;
  }
  return undefined;
}

/**
 * The text to append to a .bib file to add `entry`: a blank line between it and what is there, the entry, and a
 * final line break, in the file's own line-break style. Existing text is never changed, only added to.
 */
export function appendEntryText(bibText: string, entry: string): string {
  const eol = /\r\n/.test(bibText) ? '\r\n' : '\n';
  const content = bibText.trimEnd();
  const trailingBreaks = (bibText.slice(content.length).match(/\n/g) ?? []).length;
  const hasContent = content !== '';
  // After content, enough breaks for one blank line; in an empty or blank file, only finish an unfinished line.
  const breaksNeeded = hasContent ? Math.max(0, 2 - trailingBreaks) : bibText === '' || trailingBreaks > 0 ? 0 : 1;
  return eol.repeat(breaksNeeded) + entry.trim().replace(/\r?\n/g, eol) + eol;
}

/** The key a paper is cited under in a .bib, and whether the .bib already has the paper under it. */
export interface KeyInBibliography {
  readonly key: string;
  readonly inBibliography: boolean;
}

/**
 * The key to cite a paper under when `entries` are its .bib: the .bib's own key for the same paper, else the
 * paper's key made unique among the .bib's keys, whatever their letter case (`key`, `keya`, …), the one it is added
 * under. Deciding this before the citation is written keeps `\cite{key}` from naming another paper the .bib already
 * has as `key`.
 *
 * A paper read from a .bib (one with `bibtex`) whose key the .bib already has is that entry — the document's .bib
 * is often the index file itself, or a copy of it — unless that entry's DOI or arXiv id says it is another paper.
 * BibTeX keys match whatever their letter case, so the .bib's spelling is the one cited.
 */
export function keyInBibliography(
  entries: readonly BibEntry[],
  paper: Pick<Paper, 'title' | 'arxivId' | 'doi' | 'bibtex'> & { readonly key: string },
): KeyInBibliography {
  const lowerKey = paper.key.toLowerCase();
  if (paper.bibtex !== undefined) {
    const sameKey = entries.find((entry) => entry.key === paper.key) ?? entries.find((entry) => entry.key.toLowerCase() === lowerKey);
    if (sameKey && !isOtherPaper(sameKey, paper)) return { key: sameKey.key, inBibliography: true };
  }
  const existing = findExistingKey(entries, paper);
  if (existing !== undefined) return { key: existing, inBibliography: true };
  // Free whatever its letter case: BibTeX reads `smith2020` beside `Smith2020` as a repeated entry. The suffix is
  // lower case, so it is the one the lower-case key needs.
  const free = uniqueKey(lowerKey, new Set(entries.map((entry) => entry.key.toLowerCase())));
  return { key: paper.key + free.slice(lowerKey.length), inBibliography: false };
}

/** Whether the entry has a DOI or arXiv id, as the paper does, and a different one. */
function isOtherPaper(entry: BibEntry, paper: Pick<Paper, 'arxivId' | 'doi'>): boolean {
  const otherArxivId = entry.arxivId !== undefined && paper.arxivId !== undefined && entry.arxivId !== paper.arxivId.replace(/v\d+$/, '');
  const otherDoi = entry.doi !== undefined && paper.doi !== undefined && normalisedDoi(entry.doi) !== normalisedDoi(paper.doi);
  return otherArxivId || otherDoi;
}
