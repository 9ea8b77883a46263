/**
 * Turns the saved Hugging Face trending-papers page and its checked metadata into an index file.
 * Pure module (no `vscode`, no file system): `scripts/import-seed.ts` does the reading and writing.
 */

import { INDEX_SCHEMA_VERSION, type IndexFileV1, type Paper } from '../src/papers/paper';
import { foldTitle, slugify } from '../src/papers/slug';

/** Display name of the bundled index built from the seed page. */
export const BUNDLED_INDEX_NAME = 'Hugging Face trending papers (bundled)';

/**
 * Longest paragraph the page parser takes for a title; anything longer is an abstract.
 * The saved page has no markup, so length is what tells the two apart: paper titles stay
 * well under this, abstracts run to a thousand characters and more.
 */
export const MAX_TITLE_LENGTH = 300;

/**
 * An arXiv identifier: new style (`2302.11556`) or old style (`hep-th/9901001`, `math.GT/0309136`),
 * optionally with a version (`v2`). `data/paper-index.schema.json` uses the same pattern.
 */
export const ARXIV_ID_PATTERN = /^(?:\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/;

/** One paper block of the saved page. */
export interface SeedPaper {
  readonly title: string;
  readonly abstract: string;
  /** 1-based line of the title in the page, for error messages. */
  readonly line: number;
}

/** The page does not have the structure the parser expects; `line` is 1-based. */
export class SeedFormatError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'SeedFormatError';
  }
}

/** Checked facts about one paper, matched to the page by title. Absent means unknown. */
export interface PaperMetadata {
  readonly title: string;
  readonly authors?: readonly string[];
  readonly year?: number;
  readonly arxivId?: string;
  readonly venue?: string;
  readonly doi?: string;
}

/** The index built from the page, and what did not match between page and metadata. */
export interface SeedImport {
  readonly index: IndexFileV1;
  /** Titles of page papers that no metadata entry matched. */
  readonly papersWithoutMetadata: readonly string[];
  /** Titles of metadata entries that matched no page paper. */
  readonly unmatchedMetadata: readonly string[];
}

interface Paragraph {
  /** The paragraph's lines joined, whitespace normalised. */
  readonly text: string;
  /** 1-based line the paragraph starts on. */
  readonly line: number;
  readonly lineCount: number;
}

function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The saved page's text lost the math of arXiv's `$60\times$` (S4, 2111.00396) and `1.37$\times$` (TCNCA,
 * 2312.05605): Hugging Face's page gives them as "60times", with the `$` delimiters and the backslash gone,
 * while it keeps `\(…\)` and `91\%` as written. Nothing downstream can tell "60times" was math, so it is
 * repaired here, where the text comes in: a digit glued to "times" is never English, it was `\times`.
 */
export function restoreTimesSigns(abstract: string): string {
  return abstract.replace(/(\d)times\b/g, '$1$\\times$$');
}

/**
 * Finds the paper blocks of the saved page: a one-line title, a blank line, an abstract paragraph.
 * Everything before the first block is page boilerplate and is skipped; from the first block on,
 * blocks must follow one another to the end of the page, or this throws a `SeedFormatError`.
 */
export function parseTrendingPage(page: string): SeedPaper[] {
  const paragraphs = splitParagraphs(page);
  const firstAbstract = paragraphs.findIndex(isAbstract);
  if (firstAbstract === -1) {
    throw new SeedFormatError(1, `no paper found: no paragraph is longer than ${MAX_TITLE_LENGTH} characters`);
  }
  if (firstAbstract === 0) {
    throw new SeedFormatError(paragraphs[0].line, 'the first abstract has no title line before it');
  }

  const papers: SeedPaper[] = [];
  for (let i = firstAbstract - 1; i < paragraphs.length; i += 2) {
    const title = paragraphs[i];
    const abstract = paragraphs[i + 1];
    if (isAbstract(title)) {
      throw new SeedFormatError(
        title.line,
        `expected a title (one line of at most ${MAX_TITLE_LENGTH} characters), found a paragraph of ${title.text.length} characters`,
      );
    }
    if (title.lineCount > 1) {
      throw new SeedFormatError(title.line, `expected a one-line title, found ${title.lineCount} lines: "${title.text}"`);
    }
    if (abstract === undefined) {
      throw new SeedFormatError(title.line, `the title "${title.text}" is not followed by an abstract`);
    }
    if (!isAbstract(abstract)) {
      throw new SeedFormatError(
        abstract.line,
        `expected the abstract of "${title.text}" (longer than ${MAX_TITLE_LENGTH} characters), found "${abstract.text}"`,
      );
    }
    papers.push({ title: title.text, abstract: restoreTimesSigns(abstract.text), line: title.line });
  }
  return papers;
}

function isAbstract(paragraph: Paragraph): boolean {
  return paragraph.text.length > MAX_TITLE_LENGTH;
}

/** Splits text into runs of non-blank lines; a line holding only whitespace counts as blank. */
function splitParagraphs(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: string[] = [];
  let startLine = 0;
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') {
      if (current.length > 0) {
        paragraphs.push({ text: normaliseWhitespace(current.join(' ')), line: startLine, lineCount: current.length });
        current = [];
      }
      return;
    }
    if (current.length === 0) {
      startLine = index + 1;
    }
    current.push(line);
  });
  if (current.length > 0) {
    paragraphs.push({ text: normaliseWhitespace(current.join(' ')), line: startLine, lineCount: current.length });
  }
  return paragraphs;
}

/**
 * Validates the parsed `metadata.json` (an array of `{title, authors, year, arxivId, venue, doi, ...}`)
 * and keeps only the fields an index carries; a `null` or missing field stays absent.
 * Other keys (`sources`, `confidence`, `note`) are research notes and are dropped.
 */
export function parseMetadata(json: unknown): PaperMetadata[] {
  if (!Array.isArray(json)) {
    throw new Error('metadata must be a JSON array');
  }
  return json.map((entry: unknown, index) => {
    const record: Record<string, unknown> = typeof entry === 'object' && entry !== null ? { ...entry } : {};
    if (!isNonBlankString(record.title)) {
      throw new Error(`metadata entry ${index}: expected an object with a non-empty "title"`);
    }
    const title = normaliseWhitespace(record.title);
    const checked = <T>(field: keyof PaperMetadata, isValid: (value: unknown) => value is T, expected: string): T | undefined => {
      const value = record[field];
      if (value === null || value === undefined) {
        return undefined;
      }
      if (!isValid(value)) {
        throw new Error(`metadata entry ${index} ("${title}"): "${field}" must be ${expected} or null`);
      }
      return value;
    };
    return withoutUndefined<PaperMetadata>({
      title,
      authors: optionalMap(checked('authors', isAuthorList, 'a non-empty array of non-empty strings'), (names) =>
        names.map(normaliseWhitespace),
      ),
      year: checked('year', isYear, 'a four-digit integer'),
      arxivId: checked('arxivId', isArxivId, 'an arXiv id such as 2302.11556 or hep-th/9901001'),
      venue: optionalMap(checked('venue', isNonBlankString, 'a non-empty string'), normaliseWhitespace),
      doi: checked('doi', isDoi, 'a DOI starting with "10."'),
    });
  });
}

function isNonBlankString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isYear(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1000 && (value as number) <= 9999;
}

function isAuthorList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every(isNonBlankString);
}

function isArxivId(value: unknown): value is string {
  return typeof value === 'string' && ARXIV_ID_PATTERN.test(value);
}

function isDoi(value: unknown): value is string {
  return typeof value === 'string' && /^10\.\S+$/.test(value);
}

function optionalMap<T, U>(value: T | undefined, map: (present: T) => U): U | undefined {
  return value === undefined ? undefined : map(value);
}

/** A copy without the keys whose value is `undefined`, so an absent field is an absent key. Key order is kept. */
function withoutUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Builds an index file from the page's papers, adding metadata matched by folded title
 * (case, accents, punctuation and spacing ignored). Each paper's id is the slug of its title;
 * throws if a title yields no slug or two titles yield the same one.
 */
export function buildIndex(seedPapers: readonly SeedPaper[], metadata: readonly PaperMetadata[], name: string): SeedImport {
  const metadataByTitle = new Map<string, PaperMetadata>();
  for (const entry of metadata) {
    const key = foldTitle(entry.title);
    const existing = metadataByTitle.get(key);
    if (existing !== undefined) {
      throw new Error(`two metadata entries have the same title: "${existing.title}" and "${entry.title}"`);
    }
    metadataByTitle.set(key, entry);
  }

  const seedPaperById = new Map<string, SeedPaper>();
  const matchedTitles = new Set<string>();
  const papersWithoutMetadata: string[] = [];
  const papers = seedPapers.map((seedPaper) => {
    const id = slugify(seedPaper.title);
    if (id === '') {
      throw new SeedFormatError(seedPaper.line, `the title "${seedPaper.title}" has no ASCII letters or digits to make an id from`);
    }
    const other = seedPaperById.get(id);
    if (other !== undefined) {
      throw new SeedFormatError(
        seedPaper.line,
        `the title "${seedPaper.title}" has the id "${id}", already taken by "${other.title}" (line ${other.line})`,
      );
    }
    seedPaperById.set(id, seedPaper);

    const key = foldTitle(seedPaper.title);
    const paperMetadata = metadataByTitle.get(key);
    if (paperMetadata === undefined) {
      papersWithoutMetadata.push(seedPaper.title);
    } else {
      matchedTitles.add(key);
    }
    return toPaper(id, seedPaper, paperMetadata);
  });

  const unmatchedMetadata = metadata.filter((entry) => !matchedTitles.has(foldTitle(entry.title))).map((entry) => entry.title);
  return { index: { version: INDEX_SCHEMA_VERSION, name, papers }, papersWithoutMetadata, unmatchedMetadata };
}

/** The canonical link for an arXiv id: derived, not looked up, so it adds no unchecked fact. */
function arxivAbsUrl(arxivId: string): string {
  return `https://arxiv.org/abs/${arxivId}`;
}

/** A paper with its keys in the order the index file stores them; absent fields get no key at all. */
function toPaper(id: string, seedPaper: SeedPaper, metadata: PaperMetadata | undefined): Paper {
  return withoutUndefined<Paper>({
    id,
    title: seedPaper.title,
    authors: metadata?.authors,
    year: metadata?.year,
    venue: metadata?.venue,
    arxivId: metadata?.arxivId,
    doi: metadata?.doi,
    url: metadata?.arxivId === undefined ? undefined : arxivAbsUrl(metadata.arxivId),
    abstract: seedPaper.abstract,
  });
}

/** The index file's text: 2-space indent and a trailing newline, so the same input gives the same bytes. */
export function serializeIndex(index: IndexFileV1): string {
  return `${JSON.stringify(index, null, 2)}\n`;
}
