/**
 * BibTeX files as paper indexes (a Zotero or JabRef export, a lab's shared .bib). Pure: no `vscode` import.
 * Parsing is @retorquere/bibtex-parser's (through `parseBibEntries`); this module maps entries to papers
 * and reports the ones that cannot be papers, with their line and column, without losing the rest.
 *
 * A paper keeps the entry's key (it is cited under it) and the entry's text as written (it is copied whole into a
 * document's bibliography; see ../bibtex/bibEntryCopy.ts). An entry without a key gets none: the catalog makes
 * one from the key template, as for papers of other formats.
 */
import { bibPreambles, bibStrings, entryWithPreambles, scanEntry, selfContainedEntry, unbalancedBraceFields } from '../bibtex/bibEntryCopy';
import { parseBibEntries, type BibEntry, type BibParser } from '../bibtex/bibliography';
import { slugify } from '../papers/slug';
import { cleanText, computeLineStarts, isArxivCategory, isHttpsLink, positionAt, type IndexProblem, type ParsedIndex } from './parseIndex';
import { withoutUndefined, type Paper } from '../papers/paper';
import { wholeText, type SourceFormat } from './sourceFormat';

/** BibTeX files (`.bib`), read whole; their entries are parsed by `parseBib` when given (off the host's thread). */
export const bibFormat: SourceFormat = {
  name: 'BibTeX',
  matches: (fileName) => /\.bib$/i.test(fileName),
  streamed: false,
  read: async (file, { parseBib }) => parseBibIndexText(await wholeText(file), file.location, parseBib),
};

/** `parse` parses the entries; in this thread by default. */
export async function parseBibIndexText(text: string, file: string, parse: BibParser = parseBibEntries): Promise<ParsedIndex> {
  const problems: IndexProblem[] = [];
  const papers: Paper[] = [];
  const headers = entryHeaders(text);
  const seenIds = new Set<string>();
  const report = (severity: IndexProblem['severity'], { line, column }: Position, message: string): void => {
    problems.push({ severity, file, line, column, message });
  };
  if (text.trim() === '') {
    // An empty .bib is a bibliography nobody has added to yet (a new references.bib), not a broken one.
    report('warning', { line: 1, column: 1 }, 'The file is empty; no papers loaded.');
    return { papers, problems };
  }
  let parsedText = withoutControlCharacters(text);
  const oversized = headers.oversized();
  for (const header of oversized) {
    report('error', header, `Entry "${header.key}" is ${header.text.length.toLocaleString('en-US')} characters long, more than the ${MAX_ENTRY_CHARACTERS.toLocaleString('en-US')} an entry may have; skipped.`);
  }
  // Last first, so the offsets of the ones before stay right.
  for (const header of [...oversized].reverse()) parsedText = withoutRange(parsedText, header.start, header.start + header.text.length);
  const strings = bibStrings(parsedText);
  const preambles = bibPreambles(parsedText);
  const keysByCase = new Map<string, { key: string; line: number }>();
  const keyless: Position[] = [];
  for (const entry of await parse(parsedText)) {
    const header = headers.take(entry.key);
    const at = header ?? { line: 1, column: 1 };
    const name = entry.key === '' ? `Entry at line ${at.line}` : `Entry "${entry.key}"`;
    const title = cleanText(entry.title);
    if (!title) {
      // The parser gives up on an entry at an unbalanced brace or quote and returns its key alone: a title field
      // that is there and not empty was lost that way.
      const titleField = header && /\btitle\s*=\s*(\{\s*\}|"\s*")?/i.exec(header.text);
      const unreadable = titleField && titleField[1] === undefined;
      report('error', at, unreadable ? `${name} could not be read (unbalanced braces or quotes?); skipped.` : `${name} has no title; skipped.`);
      continue;
    }
    if (entry.key !== '' && seenIds.has(entry.key)) {
      report('error', at, `Duplicate key "${entry.key}" (already used by an earlier entry); skipped.`);
      continue;
    }
    // The entry as written, with the control characters the parser was spared also out of the copy.
    const raw = header && scanEntry(withoutControlCharacters(header.text));
    for (const field of header && raw ? unbalancedBraceFields(raw) : []) {
      report('warning', header?.fieldPosition(field.name) ?? at, `${name}: "${field.name}" has unbalanced braces once \\{ and \\} are counted, as BibTeX counts them; BibTeX will not read this entry as written (use \\textbraceleft / \\textbraceright).`);
    }
    if (entry.key === '') keyless.push(at);
    else {
      const sameButCase = keysByCase.get(entry.key.toLowerCase());
      if (sameButCase) report('warning', at, `Key "${entry.key}" differs only in letter case from "${sameButCase.key}" (line ${sameButCase.line}); BibTeX treats them as one key.`);
      else keysByCase.set(entry.key.toLowerCase(), { key: entry.key, line: at.line });
    }
    // An entry without a key gets an id from its title, unique in the file; the catalog gives it a key.
    const id = entry.key !== '' ? entry.key : uniqueId(slugify(title) || `entry-line-${at.line}`, seenIds);
    seenIds.add(id);
    const year = entry.year !== undefined && /^\d{4}$/.test(entry.year) ? Number(entry.year) : undefined;
    // The same rule as for JSON indexes: only https links reach a panel or a .bib (no javascript:, command:, …).
    const url = entry.url?.trim();
    if (url !== undefined && !isHttpsLink(url)) {
      const position = header?.fieldPosition('url') ?? at;
      if (/^https:\/\/\S+\s/.test(url)) report('warning', position, `${name}: "url" has spaces in it (several links in one field, or a space to write as %20); ignored.`);
      else report('warning', position, `${name}: "url" should be an https:// link; ignored.`);
    }
    const { primaryClass } = entry;
    const arxivCategory = primaryClass !== undefined && isArxivCategory(primaryClass) ? primaryClass : undefined;
    if (primaryClass !== undefined && arxivCategory === undefined) {
      report('warning', header?.fieldPosition('primaryclass') ?? at, `${name}: "primaryClass" should be an arXiv category such as "cs.LG"; ignored.`);
    }
    papers.push(
      withoutUndefined<Paper>({
        id,
        title,
        abstract: cleanText(entry.abstract),
        authors: entry.authors.length > 0 ? entry.authors.map(cleanText).filter(Boolean) : undefined,
        year,
        arxivId: entry.arxivId,
        arxivCategory,
        doi: entry.doi,
        url: url !== undefined && isHttpsLink(url) ? url : undefined,
        venue: cleanText(entry.venue) || undefined,
        key: entry.key || undefined,
        bibtex: raw ? entryWithPreambles(selfContainedEntry(raw, strings), preambles) : undefined,
      }),
    );
  }
  if (keyless.length > 0) {
    const lines = keyless.map((position) => position.line);
    const shown = lines.length > 5 ? `${lines.slice(0, 5).join(', ')}, …` : lines.join(', ');
    report('warning', keyless[0], `${keyless.length === 1 ? '1 entry has' : `${keyless.length} entries have`} no citation key (line ${shown}); each is cited under a key made from the key template.`);
  }
  // Entries the parser dropped without a word (it throws on some inputs and skips the entry).
  for (const header of headers.untaken()) report('error', header, `Entry "${header.key}" could not be read; skipped.`);
  if (papers.length === 0 && problems.length === 0 && !/@\w+\s*[{(]/.test(text)) {
    report('error', { line: 1, column: 1 }, 'No BibTeX entries found.');
  }
  return { papers, problems };
}

/**
 * The entries of a document's bibliography, with entries longer than `MAX_ENTRY_CHARACTERS` not parsed (the
 * parser would take seconds to minutes on them) but listed by key and type alone, so the key still counts as
 * taken when a new entry is added.
 */
export async function parseBibliographyWithin(text: string, parse: BibParser = parseBibEntries): Promise<BibEntry[]> {
  const oversized = entryHeaders(text).oversized();
  let parsedText = text;
  for (const header of [...oversized].reverse()) parsedText = withoutRange(parsedText, header.start, header.start + header.text.length);
  const entries = await parse(parsedText);
  const stubs = oversized.map((header): BibEntry => ({ key: header.key, type: header.type, authors: [] }));
  return stubs.length === 0 ? entries : [...entries, ...stubs];
}

interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * The longest entry handed to the parser. Its time grows faster than linearly with a field's length (measured:
 * a 50 000-character abstract 1.3 s, 200 000 characters 22 s, 1 MB about 4 minutes); a real entry with a long
 * abstract is a few thousand characters (arXiv caps abstracts at 1,920).
 */
export const MAX_ENTRY_CHARACTERS = 50_000;

interface EntryHeader extends Position {
  readonly key: string;
  /** `article`, `misc`, … as written. */
  readonly type: string;
  /** Where the entry starts in the text. */
  readonly start: number;
  /** The entry's text, up to the next entry. */
  readonly text: string;
  /** Where `field = ` starts inside the entry, if it is there. */
  fieldPosition(field: string): Position | undefined;
}

/** `@type{key,` (or `@type(key,`) at the start of an entry; `@string`, `@preamble` and `@comment` hold no paper. */
const ENTRY_HEADER = /@[ \t]*(\w+)[ \t]*[{(][ \t\r\n]*([^\s,{}()"#%=]*)[ \t\r\n]*,/g;
const NOT_AN_ENTRY = /^(?:string|preamble|comment)$/i;

/**
 * Every entry header in the text, found in one pass (a per-entry search from the top took quadratic time on a
 * big export and found the first of two entries with the same key for both). `take` hands out each key's headers
 * in file order, as the parser returns the entries.
 */
function entryHeaders(text: string): { take(key: string): EntryHeader | undefined; untaken(): EntryHeader[]; oversized(): EntryHeader[] } {
  const lineStarts = computeLineStarts(text);
  const positionOf = (offset: number): Position => positionAt(lineStarts, offset);
  const matches = [...text.matchAll(ENTRY_HEADER)].filter((match) => !NOT_AN_ENTRY.test(match[1]));
  const pending = new Map<string, EntryHeader[]>();
  matches.forEach((match, i) => {
    const start = match.index;
    const entryText = text.slice(start, matches[i + 1]?.index ?? text.length);
    const header: EntryHeader = {
      key: match[2],
      type: match[1].toLowerCase(),
      start,
      ...positionOf(start),
      text: entryText,
      fieldPosition(field) {
        const found = new RegExp(`[,\\s]${field}\\s*=`, 'i').exec(entryText);
        return found ? positionOf(start + found.index + 1) : undefined;
      },
    };
    const list = pending.get(header.key);
    if (list) list.push(header);
    else pending.set(header.key, [header]);
  });
  return {
    take: (key) => pending.get(key)?.shift(),
    untaken: () => [...pending.values()].flat().sort((a, b) => a.line - b.line || a.column - b.column),
    /** Entries too long to parse, taken out of the pending ones: they are reported as too long, not as unreadable. */
    oversized() {
      const found: EntryHeader[] = [];
      for (const [key, list] of pending) {
        pending.set(key, list.filter((header) => header.text.length <= MAX_ENTRY_CHARACTERS || !found.push(header)));
      }
      return found.sort((a, b) => a.start - b.start);
    },
  };
}

/** `base`, or `base-2`, `base-3`, … : the first that `taken` does not have. */
function uniqueId(base: string, taken: ReadonlySet<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * `text` without `[start, end)`. Positions in messages come from `entryHeaders` over the original text, not from
 * the parser, so the text handed to the parser may shrink.
 */
function withoutRange(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(end);
}

/**
 * C0 control characters other than tab and line breaks, and DEL, as spaces: they mean nothing in BibTeX, and a NUL
 * makes the parser drop the entry it is in. One character for one, so positions stay right.
 */
function withoutControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ');
}
