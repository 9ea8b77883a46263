/**
 * What completion items and hovers say about a paper or a .bib entry, as Markdown. Pure: no `vscode` import.
 *
 * Paper data comes from index files and .bib files the user may not have written, so every piece of it is
 * escaped: a title such as `[x](command:…)` must show as text, never become a link — least of all in a hover
 * that is trusted to run our commands. LaTeX in it (`{\'e}`, `91\%`) shows as the text it typesets, as in the
 * picker and the reader (../shared/latexText.ts).
 */
import type { Paper } from '../papers/paper';
import { readableText } from '../shared/latexText';
import { markdownText } from '../shared/untrustedText';
import type { BibEntry } from '../bibtex/bibliography';

/** A link that runs a VS Code command with arguments; only works where the Markdown trusts that command. */
export interface CommandLink {
  readonly label: string;
  readonly command: string;
  readonly args: readonly unknown[];
}

/** How many authors are named before "et al.". */
const MAX_AUTHORS_SHOWN = 5;

/** Completion documentation: the abstract's first two sentences, cut if they run longer than this. */
const SENTENCES_MAX_LENGTH = 400;

/** Hovers: about this many characters of the abstract. */
const HOVER_ABSTRACT_LENGTH = 300;

/** Words whose period ends no sentence (compared lower-cased, without the final period). */
const ABBREVIATIONS = new Set(['al', 'approx', 'ca', 'cf', 'e.g', 'eq', 'eqs', 'etc', 'fig', 'figs', 'i.e', 'no', 'ref', 'refs', 'resp', 'sec', 'vs', 'viz']);

/** Completion item documentation: authors, year · venue, and the abstract's first two sentences. */
export function paperDocumentation(source: Paper): string {
  const paper = readablePaper(source);
  return paragraphs([
    escapeMarkdown(authorList(paper.authors ?? [])),
    escapeMarkdown(yearAndVenue(paper)),
    escapeMarkdown(excerpt(firstSentences(paper.abstract, 2), SENTENCES_MAX_LENGTH)),
  ]);
}

/**
 * A hover on a cited key of ours: bold title, the formatted reference when given, authors, year · venue, the start
 * of the abstract, then the actions: command links, or plain notes (such as which .bib already has the paper),
 * separated by " · ".
 */
export function paperHover(source: Paper, actions: readonly (CommandLink | string)[], reference?: string): string {
  const paper = readablePaper(source);
  return paragraphs([
    bold(paper.title),
    ...(reference ? [escapeMarkdown(reference)] : []),
    escapeMarkdown(authorList(paper.authors ?? [])),
    escapeMarkdown(yearAndVenue(paper)),
    escapeMarkdown(excerpt(paper.abstract, HOVER_ABSTRACT_LENGTH)),
    actions.map((action) => (typeof action === 'string' ? escapeMarkdown(action) : commandLink(action))).join(' · '),
  ]);
}

/** The fields a summary shows, with their LaTeX as the text it typesets. */
function readablePaper(paper: Paper): Pick<Paper, 'title' | 'abstract' | 'authors' | 'year' | 'venue'> {
  return {
    title: readableText(paper.title),
    abstract: readableText(paper.abstract),
    authors: paper.authors?.map(readableText),
    year: paper.year,
    venue: paper.venue === undefined ? undefined : readableText(paper.venue),
  };
}

/** A hover on a key only the .bib knows: what the .bib says about it, and which .bib that is. */
export function bibEntryHover(entry: BibEntry, bibFileName: string): string {
  return paragraphs([
    bold(entry.title?.trim() || entry.key),
    escapeMarkdown(authorList(entry.authors)),
    escapeMarkdown(yearAndVenue(entry)),
    escapeMarkdown(excerpt(entry.abstract ?? '', HOVER_ABSTRACT_LENGTH)),
    `*${escapeMarkdown(`from ${bibFileName}`)}*`,
  ]);
}

/**
 * The first `count` sentences of `text`, whitespace collapsed; all of it when it has fewer. A sentence ends at
 * `.`, `!` or `?` (and any closing quotes or brackets) before a space and a word that is not lower-case — but not
 * after an abbreviation ("e.g.", "et al.", "Fig.") or an initial ("J. Smith").
 */
export function firstSentences(text: string, count: number): string {
  const clean = collapseWhitespace(text);
  let found = 0;
  for (const boundary of clean.matchAll(/[.!?]+["'”’)\]]*(?= )/g)) {
    const end = boundary.index + boundary[0].length;
    if (/\p{Ll}/u.test(clean[end + 1] ?? '')) continue;
    if (boundary[0].startsWith('.') && endsWithAbbreviation(clean.slice(0, boundary.index))) continue;
    if (++found === count) return clean.slice(0, end);
  }
  return clean;
}

function endsWithAbbreviation(textBeforePeriod: string): boolean {
  const word = /[\p{L}.]+$/u.exec(textBeforePeriod)?.[0] ?? '';
  return ABBREVIATIONS.has(word.toLowerCase()) || /^\p{Lu}$/u.test(word);
}

/** `text` with whitespace collapsed, cut at a word boundary to at most `maxLength` characters plus "…". */
export function excerpt(text: string, maxLength: number): string {
  const clean = collapseWhitespace(text);
  const characters = Array.from(clean);
  if (characters.length <= maxLength) return clean;
  const cut = characters.slice(0, maxLength).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > 0 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/** "A, B, C"; past `MAX_AUTHORS_SHOWN` names, the first ones and "et al.". */
export function authorList(authors: readonly string[]): string {
  const names = authors.map(collapseWhitespace).filter((name) => name !== '');
  return names.length <= MAX_AUTHORS_SHOWN ? names.join(', ') : `${names.slice(0, MAX_AUTHORS_SHOWN).join(', ')} et al.`;
}

/** "2015 · NIPS 2015", or whichever of the two it has. */
export function yearAndVenue({ year, venue }: { readonly year?: number | string; readonly venue?: string }): string {
  return [year?.toString().trim(), venue?.trim()].filter((part) => part).join(' · ');
}

/**
 * `text` as Markdown that renders as exactly that text, on one line: see `markdownText`. Every piece of data in
 * the Markdown built here goes through it.
 */
export function escapeMarkdown(text: string): string {
  return markdownText(text);
}

/** `[label](command:id?args)`, the arguments percent-encoded JSON (brackets too, which would end the link). */
export function commandLink({ label, command, args }: CommandLink): string {
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${escapeMarkdown(label)}](command:${command}?${query})`;
}

function bold(text: string): string {
  return `**${escapeMarkdown(text)}**`;
}

/** Markdown paragraphs, leaving out the empty ones. */
function paragraphs(parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join('\n\n');
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
