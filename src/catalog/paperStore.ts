/**
 * Where a catalog's papers are kept, and how a paper read from the index cache is made. Pure: no `vscode` import,
 * no file access (the cache file is read through the function it is given).
 *
 * A catalog built from its sources holds its papers in memory (`paperListOf`). A catalog read from the cache
 * (./indexCache.ts) leaves their text in the file: making 100,000 paper objects, or decoding a hundred megabytes
 * of abstracts, at load is what paused the event loop and took most of a second start, and few papers are ever
 * shown. So `CachedPaperStore` makes a paper when it is asked for: one read of the paper's record, decoded into a
 * plain, frozen object with every field its own property. The last few papers made are kept, so the rows of a
 * search and the paper being read are not read again on every keystroke.
 *
 * A record, one per paper, is the UTF-8 text of the paper's `RECORD_FIELDS` after a header of one u32 per field
 * (little-endian): its length in bytes, or `ABSENT`. The id, the citation key and the year are not in it: they are
 * kept in memory (packed ids and keys, for lookups; years as numbers).
 */
import { crc32 } from 'node:zlib';
import type { Steps } from '../shared/cooperative';
import { frozenPaper, paperListOf, type LoadedPaper, type Paper, type PaperList } from '../papers/paper';
import type { PackedStrings } from '../search/engine/packedStrings';

/** A catalog's papers, by position, and what it releases when the catalog is disposed. */
export interface PaperStore extends PaperList<LoadedPaper> {
  /** After this, every read throws. Idempotent. */
  close(): void;
}

/** Papers built in memory (frozen: see `frozenPaper`), as a store. */
export function memoryPaperStore(papers: readonly LoadedPaper[]): PaperStore {
  let list: PaperList<LoadedPaper> | undefined = paperListOf(papers);
  const open = (): PaperList<LoadedPaper> => {
    if (!list) throw disposedError();
    return list;
  };
  return {
    size: papers.length,
    paperAt: (position) => open().paperAt(position),
    idAt: (position) => open().idAt(position),
    [Symbol.iterator]: () => open()[Symbol.iterator](),
    close: () => (list = undefined),
  };
}

/** What reading a disposed catalog throws. */
export function disposedError(): Error {
  return new Error('This catalog was disposed: ask for the current catalog.');
}

/** A paper as stored in a cache file: with its citation key and source names when it was written from a catalog. */
export type StoredPaper = Paper & Partial<Pick<LoadedPaper, 'key' | 'source'>>;

/** The fields in a record, in this order. */
const RECORD_FIELDS = ['title', 'abstract', 'authors', 'arxivId', 'arxivCategory', 'doi', 'url', 'venue', 'bibtex', 'collections', 'pdfFile', 'zoteroLink', 'source'] as const;
type RecordField = (typeof RECORD_FIELDS)[number];
const HEADER_BYTES = 4 * RECORD_FIELDS.length;
const ABSENT = 0xffffffff;
/** Between the authors (or the collections) of one paper. */
const AUTHOR_SEPARATOR = '\u001f';
/** Papers encoded between pauses. */
const PAPERS_PER_STEP = 1024;

/** The papers' records back to back, where each starts (`starts[i]`; `starts[size]` is the end), and their CRC-32. */
export interface EncodedRecords {
  readonly bytes: Uint8Array;
  readonly starts: Float64Array;
  readonly crc: number;
}

export function* encodeRecordSteps(papers: PaperList<StoredPaper>): Steps<EncodedRecords> {
  const encoder = new TextEncoder();
  const starts = new Float64Array(papers.size + 1);
  // One buffer, sized up front (UTF-8 is as long as UTF-16 for ASCII; it grows for the rest): a million
  // abstracts are a gigabyte, and growing piecemeal makes V8 collect garbage each time.
  let capacity = 1024;
  for (let i = 0; i < papers.size; i++) {
    if (i % (16 * PAPERS_PER_STEP) === 0) yield;
    const paper = papers.paperAt(i);
    capacity += HEADER_BYTES;
    for (const field of RECORD_FIELDS) capacity += fieldText(paper, field)?.length ?? 0;
  }
  let bytes: Uint8Array = new Uint8Array(Math.ceil(capacity * 1.05));
  let at = 0;
  let crc = 0;
  let checked = 0;
  for (let i = 0; i < papers.size; i++) {
    if (i % PAPERS_PER_STEP === 0) {
      crc = crc32(bytes.subarray(checked, at), crc);
      checked = at;
      yield;
    }
    const paper = papers.paperAt(i);
    starts[i] = at;
    const header = at;
    at += HEADER_BYTES;
    if (at > bytes.length) bytes = grown(bytes, at, at);
    for (const [f, field] of RECORD_FIELDS.entries()) {
      const value = fieldText(paper, field);
      let length = value === undefined ? ABSENT : 0;
      while (value) {
        const { read, written } = encoder.encodeInto(value, bytes.subarray(at));
        if (read === value.length) {
          at += written;
          length = written;
          break;
        }
        bytes = grown(bytes, at, at + 3 * value.length);
      }
      for (let b = 0; b < 4; b++) bytes[header + 4 * f + b] = (length >>> (8 * b)) & 0xff;
    }
  }
  starts[papers.size] = at;
  crc = crc32(bytes.subarray(checked, at), crc);
  return { bytes: bytes.subarray(0, at), starts, crc };
}

/** A buffer of at least `atLeast` bytes (and at least twice `bytes`), with the first `used` bytes of `bytes`. */
function grown(bytes: Uint8Array, used: number, atLeast: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(bytes.length * 2, atLeast));
  bigger.set(bytes.subarray(0, used));
  return bigger;
}

function fieldText(paper: StoredPaper, field: RecordField): string | undefined {
  if (field === 'authors' || field === 'collections') return paper[field]?.map((name) => name.split(AUTHOR_SEPARATOR).join(' ')).join(AUTHOR_SEPARATOR);
  return paper[field];
}

/**
 * Returns bytes `[from, to)` of the records. With `scratch` (at least `to - from` bytes) the reader may fill it
 * and return a view of it.
 */
export type RecordReader = (from: number, to: number, scratch?: Uint8Array) => Uint8Array;

/** What a store of cached papers keeps in memory, besides the records it reads. */
export interface CachedPaperColumns {
  readonly ids: PackedStrings;
  /** Empty for a paper without a key. */
  readonly keys: PackedStrings;
  /** NaN for a paper without a year. */
  readonly years: Float64Array;
  /** Where each record starts in the records; `starts[size]` is where the last one ends. */
  readonly starts: Float64Array;
}

/**
 * Papers made and kept, most recently asked for last: the hits of the last several keystrokes (a search asks for
 * 50) and the paper being read, about 2 KB each.
 */
const KEPT_PAPERS = 1024;
/** Records read at a time when iterating. */
const WINDOW_BYTES = 256 << 10;

/**
 * The papers of a cache file, each made when asked for from its record (one read), as a plain, frozen object.
 * `close` calls `release` (which closes the file) once; after that every read throws, so a paper is never read
 * through a file descriptor that may since name another file.
 */
export class CachedPaperStore implements PaperList<StoredPaper> {
  readonly size: number;
  private readonly kept = new Map<number, StoredPaper>();
  private scratch = new Uint8Array(4096);
  private closed = false;

  constructor(
    private readonly columns: CachedPaperColumns,
    private readonly read: RecordReader,
    private readonly release: () => void,
  ) {
    this.size = columns.ids.size;
  }

  idAt(position: number): string {
    this.check(position);
    return this.columns.ids.at(position);
  }

  paperAt(position: number): StoredPaper {
    this.check(position);
    const kept = this.kept.get(position);
    if (kept) {
      this.kept.delete(position);
      this.kept.set(position, kept);
      return kept;
    }
    const { starts } = this.columns;
    const length = starts[position + 1] - starts[position];
    if (this.scratch.byteLength < length) this.scratch = new Uint8Array(length);
    const paper = this.decode(position, this.read(starts[position], starts[position + 1], this.scratch), 0);
    this.kept.set(position, paper);
    if (this.kept.size > KEPT_PAPERS) this.kept.delete(this.kept.keys().next().value!);
    return paper;
  }

  /** Every paper in order, reading many records at a time; the papers made are not kept. */
  *[Symbol.iterator](): Iterator<StoredPaper> {
    const { starts } = this.columns;
    let window: Uint8Array = new Uint8Array(WINDOW_BYTES);
    for (let from = 0; from < this.size; ) {
      this.check(from);
      let to = from + 1;
      while (to < this.size && starts[to + 1] - starts[from] <= WINDOW_BYTES) to++;
      const length = starts[to] - starts[from];
      if (window.byteLength < length) window = new Uint8Array(length);
      const bytes = this.read(starts[from], starts[to], window);
      for (let position = from; position < to; position++) {
        this.check(position);
        yield this.kept.get(position) ?? this.decode(position, bytes, starts[position] - starts[from]);
      }
      from = to;
    }
  }

  /** Releases the cache file. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.kept.clear();
    this.release();
  }

  private check(position: number): void {
    if (this.closed) throw disposedError();
    if (!(position >= 0 && position < this.size)) throw new RangeError(`No paper at position ${position} of ${this.size}.`);
  }

  /** The paper at `position`, from its record at `offset` in `bytes`. */
  private decode(position: number, bytes: Uint8Array, offset: number): StoredPaper {
    const { ids, keys, years, starts } = this.columns;
    const record = Buffer.from(bytes.buffer, bytes.byteOffset + offset, starts[position + 1] - starts[position]);
    const text: Partial<Record<RecordField, string>> = {};
    let at = HEADER_BYTES;
    for (const [f, field] of RECORD_FIELDS.entries()) {
      const length = record.readUInt32LE(4 * f);
      if (length === ABSENT) continue;
      text[field] = record.toString('utf8', at, at + length);
      at += length;
    }
    if (at !== record.byteLength) throw new Error(`The index cache's record of paper "${ids.at(position)}" is inconsistent.`);
    const year = years[position];
    const paper: { -readonly [F in keyof StoredPaper]: StoredPaper[F] } = { id: ids.at(position), title: text.title ?? '', abstract: text.abstract ?? '' };
    if (text.authors !== undefined) paper.authors = text.authors === '' ? [] : text.authors.split(AUTHOR_SEPARATOR);
    if (text.collections !== undefined) paper.collections = text.collections === '' ? [] : text.collections.split(AUTHOR_SEPARATOR);
    if (!Number.isNaN(year)) paper.year = year;
    for (const field of ['arxivId', 'arxivCategory', 'doi', 'url', 'venue'] as const) if (text[field] !== undefined) paper[field] = text[field];
    if (keys.lengthOf(position) > 0) paper.key = keys.at(position);
    if (text.bibtex !== undefined) paper.bibtex = text.bibtex;
    for (const field of ['pdfFile', 'zoteroLink'] as const) if (text[field] !== undefined) paper[field] = text[field];
    if (text.source !== undefined) paper.source = text.source;
    return frozenPaper(paper);
  }
}
