/**
 * JSON Lines paper indexes in the arXiv metadata snapshot format (one JSON object per line, the format of
 * Kaggle's "arXiv dataset": `id`, `title`, `authors`, `abstract`, `update_date`, `doi`, `journal-ref`,
 * `categories`, …). Pure: no `vscode` import, no file access.
 *
 * The reader takes the file as an async iterable of chunks (strings, or bytes from a file stream) and never
 * holds more than one chunk and one unfinished line, so a multi-gigabyte snapshot never sits in memory
 * whole. It yields a batch per chunk (papers, problems, lines read so far), so the caller can report
 * progress and yield to the event loop between batches. A bad line is a problem with its line number and
 * never stops the stream.
 *
 * Mapping: `id` → `id` and `arxivId`; `title`, `abstract` with whitespace collapsed (the snapshot wraps
 * lines); `authors` ("A, B and C") split at top-level commas and "and", affiliations in parentheses
 * dropped; LaTeX accents (`Bal\'azs`) become letters (`Balázs`); `year` from the first version's date,
 * else from the id (0704.0001 → 2007), else from `update_date`; `doi` (the first, when several);
 * `journal-ref` → `venue`; `url` → the abstract page; the first of `categories` (arXiv lists the primary
 * category first: "cs.LG stat.ML") → `arxivCategory`.
 */
import { parseTree, type ParseError } from 'jsonc-parser';
import { cleanText, describeParseError, isArxivCategory, type IndexProblem, type ParsedIndex } from './parseIndex';
import type { Paper } from '../papers/paper';
import type { SourceFormat } from './sourceFormat';

/**
 * JSON Lines files (`.jsonl`, `.ndjson`), streamed a chunk at a time. Papers read before a read error (a file
 * truncated or removed while it was read) still load, with a problem that says how far the read got.
 */
export const jsonLinesFormat: SourceFormat = {
  name: 'JSON Lines (arXiv metadata snapshot)',
  matches: (fileName) => /\.(jsonl|ndjson)$/i.test(fileName),
  streamed: true,
  async read(file, { onBytesRead, isCancelled }) {
    const papers: Paper[] = [];
    const problems: IndexProblem[] = [];
    let bytesRead = 0;
    const counted = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of file.chunks()) {
        bytesRead += chunk.byteLength;
        yield chunk;
      }
    };
    try {
      for await (const batch of readArxivJsonl(counted(), file.location)) {
        for (const paper of batch.papers) papers.push(paper);
        for (const problem of batch.problems) problems.push(problem);
        onBytesRead?.(bytesRead);
        // Leaving the loop closes the generators, and with them the read stream.
        if (isCancelled?.()) return undefined;
      }
    } catch (error) {
      if (papers.length === 0 && problems.length === 0) throw error;
      problems.push({ severity: 'error', file: file.location, line: 1, column: 1, message: `${file.describeError(error)} (after ${bytesRead} bytes)` });
    }
    return { papers, problems };
  },
};

/** Why a line is not a paper, and the column (1-based, in the line) where the problem is. */
export interface LineProblem {
  readonly message: string;
  readonly column: number;
}

export interface JsonlBatch {
  readonly papers: Paper[];
  readonly problems: IndexProblem[];
  /** Lines read so far, in the whole file. */
  readonly lines: number;
}

/** Past this many problems in one file, the rest are counted in one last problem rather than listed. */
export const MAX_REPORTED_PROBLEMS = 100;

export async function* readArxivJsonl(chunks: AsyncIterable<string | Uint8Array>, file: string): AsyncGenerator<JsonlBatch> {
  const decoder = new TextDecoder();
  const seenIds = new Set<string>();
  let pending = '';
  let line = 0;
  let problemCount = 0;
  let first = true;

  const readLines = (text: string, final: boolean): JsonlBatch => {
    const papers: Paper[] = [];
    const problems: IndexProblem[] = [];
    const report = (severity: IndexProblem['severity'], message: string, column = 1): void => {
      problemCount++;
      if (problemCount <= MAX_REPORTED_PROBLEMS) problems.push({ severity, file, line, column, message });
    };
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline < 0 && !final) break;
      const end = newline < 0 ? text.length : newline;
      if (newline < 0 && start === end) break;
      line++;
      let raw = text.slice(start, end);
      start = end + 1;
      // A byte-order mark before the first line is not part of the JSON, but it is a column in the file.
      let bomLength = 0;
      if (first) {
        first = false;
        if (raw.charCodeAt(0) === 0xfeff) {
          raw = raw.slice(1);
          bomLength = 1;
        }
      }
      if (raw.trim() === '') continue;
      const result = recordToPaper(raw);
      if (isLineProblem(result)) {
        report('error', result.message, result.column + bomLength);
      } else if (seenIds.has(result.id)) {
        report('error', `Duplicate id "${result.id}" (already on an earlier line); skipped.`);
      } else {
        seenIds.add(result.id);
        papers.push(result);
      }
      if (newline < 0) break;
    }
    pending = start < text.length ? text.slice(start) : '';
    if (final && line === 0) {
      problemCount++;
      problems.push({ severity: 'warning', file, line: 1, column: 1, message: 'The file is empty; no papers loaded.' });
    }
    if (final && problemCount > MAX_REPORTED_PROBLEMS) {
      problems.push({ severity: 'error', file, line, column: 1, message: `…and ${problemCount - MAX_REPORTED_PROBLEMS} more problems not listed.` });
    }
    return { papers, problems, lines: line };
  };

  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length === 0) continue;
    yield readLines(pending + text, false);
  }
  yield readLines(pending + decoder.decode(), true);
}

/** The whole file as one parsed index (papers and problems), for callers that do not need batches. */
export async function parseArxivJsonl(chunks: AsyncIterable<string | Uint8Array>, file: string): Promise<ParsedIndex> {
  const papers: Paper[] = [];
  const problems: IndexProblem[] = [];
  for await (const batch of readArxivJsonl(chunks, file)) {
    for (const paper of batch.papers) papers.push(paper);
    for (const problem of batch.problems) problems.push(problem);
  }
  return { papers, problems };
}

/** One line as a paper, or what is wrong with it. */
export function recordToPaper(line: string): Paper | LineProblem {
  const problem = (message: string, column = 1): LineProblem => ({ message, column });
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    // JSON.parse's message quotes the line, which may be megabytes of hostile text; jsonc-parser says where and
    // what, in the same words as for JSON index files.
    const syntaxError = firstSyntaxError(line);
    return problem(`Invalid JSON: ${describeParseError(syntaxError)}; line skipped.`, (syntaxError?.offset ?? 0) + 1);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return problem('Expected one JSON object per line; line skipped.');
  const fields = record as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value.trim() !== '' ? cleanText(value) : undefined;
  };
  const id = text('id');
  if (id === undefined) return problem(typeof fields.id === 'number' ? 'The "id" is a number; arXiv ids must be strings ("0704.0001"); line skipped.' : 'Missing "id"; line skipped.');
  const title = text('title');
  if (title === undefined) return problem(`Paper "${id}" has no title; skipped.`);
  const paper: { -readonly [K in keyof Paper]: Paper[K] } = {
    id,
    title: decodeLatexAccents(title),
    abstract: text('abstract') ?? '',
  };
  const authors = authorList(fields.authors, fields.authors_parsed);
  if (authors.length > 0) paper.authors = authors;
  const year = yearOf(fields, id);
  if (year !== undefined) paper.year = year;
  paper.arxivId = id;
  const category = text('categories')?.split(' ')[0];
  if (category && isArxivCategory(category)) paper.arxivCategory = category;
  const doi = text('doi')?.split(/\s+/)[0];
  if (doi) paper.doi = doi;
  paper.url = `https://arxiv.org/abs/${id}`;
  const venue = text('journal-ref');
  if (venue) paper.venue = decodeLatexAccents(venue);
  return paper;
}

export function isLineProblem(result: Paper | LineProblem): result is LineProblem {
  return 'message' in result;
}

/** The first syntax error in a line JSON.parse rejected; undefined if jsonc-parser cannot say (too deeply nested). */
function firstSyntaxError(line: string): ParseError | undefined {
  const errors: ParseError[] = [];
  try {
    parseTree(line, errors, { disallowComments: true, allowTrailingComma: false });
  } catch {
    return undefined;
  }
  return errors[0];
}


/**
 * The paper's authors. The snapshot's `authors_parsed` ([[last, first, suffix, affiliation…], …]) comes first:
 * arXiv split those names itself, with the affiliations apart and the accents already letters. Without it,
 * the `authors` string ("A, B and C") is split, or an array of names taken as it is.
 */
function authorList(authors: unknown, parsed: unknown): string[] {
  const fromParsed = Array.isArray(parsed) ? parsedAuthors(parsed) : [];
  if (fromParsed.length > 0) return fromParsed;
  if (typeof authors === 'string' && authors.trim() !== '') {
    return splitAuthors(authors).map((name) => decodeLatexAccents(name)).filter((name) => name !== '');
  }
  if (Array.isArray(authors)) return authors.filter((name): name is string => typeof name === 'string').map((name) => cleanText(name)).filter(Boolean);
  return [];
}

/** `authors_parsed` entries as "First Last Suffix"; entries without a last name are no names. */
function parsedAuthors(parsed: readonly unknown[]): string[] {
  const names: string[] = [];
  for (const entry of parsed) {
    if (!Array.isArray(entry)) continue;
    const [last, first, suffix] = entry.slice(0, 3).map((part) => (typeof part === 'string' ? cleanText(part) : ''));
    if (!last) continue;
    // arXiv's parser writes hyphenated initials "C.-P." as "C. -P.".
    const given = first.replace(/\.\s+-(?=\p{L})/gu, '.-');
    names.push(decodeLatexAccents([given, last, suffix].filter(Boolean).join(' ')));
  }
  return names;
}

/**
 * Splits an arXiv `authors` string at commas, semicolons and " and " outside parentheses and braces, and
 * drops every parenthesised affiliation, nested ones included ("Gordon Ritter (1) ((1) Harvard
 * University)") and "et al.". A line break is only a wrapped line (the snapshot wraps at ~80 columns, also
 * inside a name: "Nicholas\n  Chapman"), never a separator.
 */
export function splitAuthors(authors: string): string[] {
  const names: string[] = [];
  let parentheses = 0;
  let braces = 0;
  let current = '';
  const flush = (): void => {
    const name = cleanText(current).replace(/^and\s+/i, '');
    if (name !== '' && !/^et\.?\s*al\.?$/i.test(name)) names.push(name);
    current = '';
  };
  const andSeparator = /\s+and\s/iy;
  for (let i = 0; i < authors.length; i++) {
    const c = authors[i];
    // Text in parentheses is an affiliation or a footnote mark, never part of a name.
    if (c === '(') {
      parentheses++;
      continue;
    }
    if (c === ')' && parentheses > 0) {
      parentheses--;
      current += ' ';
      continue;
    }
    if (parentheses > 0) continue;
    // Braces are LaTeX groups (`{\"o}`): kept, and never split inside.
    if (c === '{') braces++;
    else if (c === '}' && braces > 0) braces--;
    if (braces === 0 && (c === ',' || c === ';')) {
      flush();
      continue;
    }
    andSeparator.lastIndex = i;
    if (braces === 0 && andSeparator.test(authors)) {
      flush();
      i = andSeparator.lastIndex - 2;
      continue;
    }
    current += c;
  }
  flush();
  return names;
}

function yearOf(fields: Record<string, unknown>, id: string): number | undefined {
  const versions = fields.versions;
  if (Array.isArray(versions) && versions.length > 0) {
    const created = (versions[0] as { created?: unknown } | null)?.created;
    const match = typeof created === 'string' ? /\b(19|20)\d{2}\b/.exec(created) : null;
    if (match) return Number(match[0]);
  }
  // New-style ids start with YYMM (0704.0001 is April 2007); old-style ones are archive/YYMMNNN.
  const fromId = /^(\d{2})(\d{2})\.\d{4,5}(v\d+)?$/.exec(id) ?? /^[a-z-]+(?:\.[A-Z]{2})?\/(\d{2})(\d{2})\d{3}(v\d+)?$/.exec(id);
  if (fromId) {
    const yy = Number(fromId[1]);
    return yy >= 91 ? 1900 + yy : 2000 + yy;
  }
  const updated = fields.update_date;
  const match = typeof updated === 'string' ? /^(\d{4})-\d{2}-\d{2}/.exec(updated) : null;
  return match ? Number(match[1]) : undefined;
}

const ACCENTS: Readonly<Record<string, string>> = {
  "'": '\u0301',
  '`': '\u0300',
  '^': '\u0302',
  '"': '\u0308',
  '~': '\u0303',
  '=': '\u0304',
  '.': '\u0307',
  u: '\u0306',
  v: '\u030c',
  H: '\u030b',
  c: '\u0327',
  k: '\u0328',
  r: '\u030a',
};
const LETTERS: Readonly<Record<string, string>> = {
  o: 'ø',
  O: 'Ø',
  ss: 'ß',
  aa: 'å',
  AA: 'Å',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
};

/** LaTeX accent commands in names and titles as Unicode letters: `Bal\'azs` → `Balázs`, `{\"o}` → `ö`. */
export function decodeLatexAccents(text: string): string {
  if (!text.includes('\\')) return text;
  const decoded = text
    // Letters of their own: \o, \ss, \aa, … (not followed by another letter).
    .replace(/\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])\s*(?:\{\})?/g, (_, name: string) => LETTERS[name])
    // Symbol accents: \'a, \'{a}, \' a.
    .replace(/\\(['`^"~=.])\s*(?:\{\s*([A-Za-zıȷ])\s*\}|([A-Za-zıȷ]))/g, (_, accent: string, braced?: string, bare?: string) => accentuate(braced ?? bare ?? '', accent))
    // Letter accents need braces or a space: \v{s}, \c c.
    .replace(/\\([uvHckr])(?:\s*\{\s*([A-Za-zıȷ])\s*\}|\s+([A-Za-zıȷ]))/g, (_, accent: string, braced?: string, bare?: string) => accentuate(braced ?? bare ?? '', accent))
    // Braces left around a decoded letter: {á} → á (braces around ASCII stay: they may be an argument).
    .replace(/\{([^\p{ASCII}]\p{M}*)\}/gu, '$1');
  return decoded.normalize('NFC');
}

function accentuate(letter: string, accent: string): string {
  const base = letter === 'ı' ? 'i' : letter === 'ȷ' ? 'j' : letter;
  return `${base}${ACCENTS[accent]}`.normalize('NFC');
}
