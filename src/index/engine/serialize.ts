/**
 * A prebuilt search index, and optionally its papers, as bytes: for the on-disk cache that makes the
 * second start fast (keyed by the source's size and mtime; the glue that reads and writes the file is not
 * here). Pure: no `vscode` import, no file access.
 *
 * Layout: "PLSI", a u32 format version, a u32 header length, a JSON header, then sections aligned to
 * 8 bytes: the vocabulary (UTF-8, one term per line), the typed arrays of the index as they are in
 * memory (little-endian), and the papers in columns: per field, UTF-8 text in blocks of 2048 papers plus
 * each value's length. Ids and citation keys, which the catalog's lookups need for every paper, are
 * decoded at load, one decode per block and a slice per value. Every other field is only checked at load:
 * its column records byte lengths, and a paper's `title`, `abstract` and so on are read from the file and
 * decoded whenever they are asked for (see `OnDemandColumn`). Abstracts and author lists are most of the
 * bytes; the short fields are most of the strings, and 600 000 strings that all survive made V8's young-
 * generation collections pause the event loop for 20–120 ms each while a 100k-paper cache loaded.
 *
 * Big indexes outgrow one buffer (Node reads at most 2 GB with `readFile`, and a typed array holds at most
 * 4 GB; a cached arXiv snapshot is more), so `serializeIndex` returns the file as a list of chunks to write
 * in order, and `deserializeIndex` reads through a `ByteReader` (offset, length) → bytes, which the glue
 * implements with `fs.readSync` on an open file; `bytesReader` wraps a file already in memory.
 * Each section is read into a buffer of its own, in pieces, and kept. It throws on anything it does not recognise (another format
 * version, a truncated file, a section whose CRC-32 does not match — a flipped bit must not become a wrong
 * search result); the caller then rebuilds the index from the source.
 *
 * Writing and reading a big index take long enough to stall the event loop, so both are also available as
 * steps (../cooperative.ts) that pause between blocks of papers.
 */
import { crc32 } from 'node:zlib';
import { runToEnd, type Steps } from '../cooperative';
import type { LoadedPaper, Paper } from '../paper';
import { INDEX_FORMAT_VERSION, type SearchIndex } from './invertedIndex';

const MAGIC = 'PLSI';
/** Papers per block of a text column: a column decoded at load is decoded a block at a time. */
const BLOCK = 2048;
/**
 * Sections are read and checksummed in pieces of this size, with a pause after each: reading into fresh
 * memory costs a page fault per 4 KB, and on a virtual machine 4 MB pieces took 30 ms each, 1 MB pieces
 * up to 20 ms on a busy one.
 */
const PIECE_BYTES = 256 << 10;
const ABSENT = 0xffffffff;
/** `key` and `source` are there only for papers of a catalog (LoadedPaper). */
const STRING_FIELDS = ['id', 'title', 'abstract', 'authors', 'arxivId', 'arxivCategory', 'doi', 'url', 'venue', 'key', 'source'] as const;
type StringField = (typeof STRING_FIELDS)[number];
/** Between the authors of one paper. */
const AUTHOR_SEPARATOR = '\u001f';
/**
 * The columns decoded at load: the catalog looks every paper up by these. Their lengths are in UTF-16 code
 * units, for slicing a decoded block. The others are left in the file and read per paper when asked for
 * (see `OnDemandColumn`); their lengths are in bytes.
 */
const DECODED: ReadonlySet<StringField> = new Set(['id', 'key']);

interface SectionInfo {
  readonly name: string;
  readonly offset: number;
  readonly byteLength: number;
  /** CRC-32 of the section's bytes. */
  readonly crc: number;
}

interface Header {
  readonly docCount: number;
  readonly termCount: number;
  readonly postingCount: number;
  readonly segments: number;
  readonly paperCount: number | null;
  readonly sections: SectionInfo[];
}

/** A paper as stored: with its citation key and source names when it was written from a catalog. */
export type StoredPaper = Paper & Partial<Pick<LoadedPaper, 'key' | 'source'>>;

export interface DeserializedIndex {
  readonly index: SearchIndex;
  /** The papers, when they were serialized with the index. */
  readonly papers?: StoredPaper[];
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('The search index cache assumes a little-endian machine.');

/**
 * Returns `length` bytes of the cache file from `offset`. Without `scratch`, in a buffer of its own: the
 * index keeps it, so it must not be a view into memory that is reused or that holds the whole file. With
 * `scratch` (at least `length` bytes), the reader may fill it and return a view of it: the bytes are only
 * decoded or checksummed (paper text), and reusing one buffer spares touching fresh memory for every piece,
 * which is most of the cost of loading. The papers' text is read through it when asked for, after loading: it must
 * keep working as long as the papers are in use.
 */
export type ByteReader = (offset: number, length: number, scratch?: Uint8Array) => Uint8Array;

/** A reader over a cache file already in memory; what the index keeps is copied, so `bytes` can be dropped after loading. */
export function bytesReader(bytes: Uint8Array): ByteReader {
  return (offset, length, scratch) => {
    if (offset + length > bytes.byteLength) throw new Error('Truncated search index cache.');
    return scratch ? bytes.subarray(offset, offset + length) : bytes.slice(offset, offset + length);
  };
}

/** The cache file for `index` (and its `papers`, to load without the source): chunks to write in this order. */
export function serializeIndex(index: SearchIndex, papers?: readonly StoredPaper[]): Uint8Array[] {
  return runToEnd(serializeIndexSteps(index, papers));
}

/** Papers handled between pauses. */
const PAPERS_PER_STEP = 1024;
/** Vocabulary entries split off between pauses. */
const LINES_PER_STEP = 4096;

export function* serializeIndexSteps(index: SearchIndex, papers?: readonly StoredPaper[]): Steps<Uint8Array[]> {
  if (papers && papers.length !== index.docCount) throw new Error(`Index of ${index.docCount} papers, ${papers.length} given.`);
  const encoder = new TextEncoder();
  /** A section: one or more byte arrays written back to back. */
  const parts: { name: string; bytes: Uint8Array; crc: number }[] = [];
  /** Adds a section; its checksum is computed here in pieces, unless the caller already has it. */
  const add = function* (name: string, view: ArrayBufferView, knownCrc?: number): Steps<void> {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    let crc = knownCrc ?? 0;
    for (let at = 0; knownCrc === undefined && at < bytes.byteLength; at += PIECE_BYTES) {
      crc = crc32(bytes.subarray(at, at + PIECE_BYTES), crc);
      yield;
    }
    parts.push({ name, bytes, crc });
  };
  yield* add('terms', encoder.encode(index.terms.join('\n')));
  for (const name of ['postStart', 'postImpact', 'postByteStart', 'postBytes', 'fwdSegStart', 'fwdLow', 'fwdImpact'] as const) {
    yield* add(name, index[name]);
  }
  if (papers) {
    const years = new Float64Array(papers.length);
    papers.forEach((paper, i) => (years[i] = paper.year ?? NaN));
    yield* add('year', years);
    for (const field of STRING_FIELDS) {
      // One buffer per column, sized up front (UTF-8 is as long as UTF-16 for ASCII; it grows for the
      // rest): a million abstracts are a gigabyte, and growing piecemeal makes V8 collect garbage each time.
      const lengths = new Uint32Array(papers.length);
      let capacity = 1024;
      for (const paper of papers) capacity += stringValue(paper, field)?.length ?? 0;
      let text = new Uint8Array(Math.ceil(capacity * 1.05));
      let at = 0;
      // The column's checksum, a block at a time as the text is written.
      let crc = 0;
      // Where each block's bytes end, so a block can be decoded on its own.
      const blockEnds = new Float64Array(Math.ceil(papers.length / BLOCK));
      for (let i = 0; i < papers.length; i++) {
        if (i % PAPERS_PER_STEP === 0) yield;
        const value = stringValue(papers[i], field);
        lengths[i] = value === undefined ? ABSENT : DECODED.has(field) ? value.length : 0;
        while (value) {
          const { read, written } = encoder.encodeInto(value, text.subarray(at));
          if (read === value.length) {
            at += written;
            if (!DECODED.has(field)) lengths[i] = written;
            break;
          }
          const bigger = new Uint8Array(Math.max(text.length * 2, at + 3 * value.length));
          bigger.set(text.subarray(0, at));
          text = bigger;
        }
        if ((i + 1) % BLOCK === 0 || i + 1 === papers.length) {
          const block = Math.floor(i / BLOCK);
          crc = crc32(text.subarray(block === 0 ? 0 : blockEnds[block - 1], at), crc);
          blockEnds[block] = at;
        }
      }
      yield* add(`${field}.lengths`, lengths);
      yield* add(`${field}.blocks`, blockEnds);
      yield* add(`${field}.text`, text.subarray(0, at), crc);
    }
  }

  const sections: SectionInfo[] = [];
  const headerFor = (dataStart: number): Header => {
    let offset = dataStart;
    sections.length = 0;
    for (const part of parts) {
      sections.push({ name: part.name, offset, byteLength: part.bytes.byteLength, crc: part.crc });
      offset = align8(offset + part.bytes.byteLength);
    }
    return {
      docCount: index.docCount,
      termCount: index.terms.length,
      postingCount: index.postImpact.length,
      segments: index.segments,
      paperCount: papers ? papers.length : null,
      sections,
    };
  };
  // The header's length depends on the offsets it lists, and they on its length: settle it in two rounds.
  let headerBytes = encoder.encode(JSON.stringify(headerFor(0)));
  let dataStart = align8(12 + headerBytes.byteLength + 64);
  headerBytes = encoder.encode(JSON.stringify(headerFor(dataStart)));
  while (12 + headerBytes.byteLength > dataStart) {
    dataStart = align8(12 + headerBytes.byteLength + 64);
    headerBytes = encoder.encode(JSON.stringify(headerFor(dataStart)));
  }
  const head = new Uint8Array(dataStart);
  head.set(encoder.encode(MAGIC), 0);
  const view = new DataView(head.buffer);
  view.setUint32(4, INDEX_FORMAT_VERSION, true);
  view.setUint32(8, headerBytes.byteLength, true);
  head.set(headerBytes, 12);
  const chunks: Uint8Array[] = [head];
  parts.forEach((part, i) => {
    chunks.push(part.bytes);
    const padding = align8(part.bytes.byteLength) - part.bytes.byteLength;
    if (padding > 0 && i + 1 < parts.length) chunks.push(new Uint8Array(padding));
  });
  return chunks;
}

export function deserializeIndex(source: Uint8Array | ByteReader): DeserializedIndex {
  return runToEnd(deserializeIndexSteps(source));
}

export function* deserializeIndexSteps(source: Uint8Array | ByteReader): Steps<DeserializedIndex> {
  const read = typeof source === 'function' ? source : bytesReader(source);
  const decoder = new TextDecoder();
  const start = read(0, 12);
  if (start.byteLength < 12 || decoder.decode(start.subarray(0, 4)) !== MAGIC) throw new Error('Not a search index cache.');
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  const version = view.getUint32(4, true);
  if (version !== INDEX_FORMAT_VERSION) throw new Error(`Search index cache format ${version}; this version reads ${INDEX_FORMAT_VERSION}.`);
  const headerLength = view.getUint32(8, true);
  const header = JSON.parse(decoder.decode(read(12, headerLength))) as Header;
  const byName = new Map(header.sections.map((section) => [section.name, section]));
  const section = (name: string): SectionInfo => {
    const found = byName.get(name);
    if (!found) throw new Error(`Incomplete search index cache (no ${name}).`);
    return found;
  };
  const checkCrc = (name: string, crc: number): void => {
    if (crc !== section(name).crc) throw new Error(`Corrupt search index cache (${name} fails its checksum).`);
  };
  const raw = (name: string, from: number, to: number, scratch?: Uint8Array): Uint8Array => {
    const bytes = read(section(name).offset + from, to - from, scratch);
    if (bytes.byteLength !== to - from) throw new Error(`Truncated search index cache (${name}).`);
    return bytes;
  };
  // The sections kept after loading share one buffer, allocated before anything else is read: V8 runs a
  // full garbage collection each time a program's buffers have grown by tens of megabytes, and one at the
  // start, with little on the heap yet, is cheap. Allocated section by section, the arrays of a 100k-paper
  // index set off such collections halfway through the load, with the vocabulary on the heap: 40–80 ms.
  const keptAt = new Map<string, number>();
  let keptBytes = 0;
  for (const info of header.sections.filter((candidate) => keptAfterLoad(candidate.name))) {
    keptAt.set(info.name, keptBytes);
    keptBytes = align8(keptBytes + info.byteLength);
  }
  const keptBuffer = new ArrayBuffer(keptBytes);
  /** A whole section, aligned for any typed array, in the shared buffer if it is kept: read and checked in pieces. */
  const whole = function* (name: string): Steps<Uint8Array> {
    const { byteLength } = section(name);
    const keptOffset = keptAt.get(name);
    const bytes = keptOffset === undefined ? new Uint8Array(byteLength) : new Uint8Array(keptBuffer, keptOffset, byteLength);
    let crc = 0;
    for (let at = 0; at < byteLength; at += PIECE_BYTES) {
      const end = Math.min(byteLength, at + PIECE_BYTES);
      const piece = raw(name, at, end, bytes.subarray(at, end));
      if (piece.buffer !== bytes.buffer || piece.byteOffset !== bytes.byteOffset + at) bytes.set(piece, at);
      crc = crc32(piece, crc);
      yield;
    }
    checkCrc(name, crc);
    return bytes;
  };
  const u32 = function* (name: string): Steps<Uint32Array> {
    const bytes = yield* whole(name);
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  };
  const f64 = function* (name: string): Steps<Float64Array> {
    const bytes = yield* whole(name);
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  };

  const terms = yield* splitLines(decoder.decode(yield* whole('terms')), header.termCount);
  const postStart = yield* u32('postStart');
  const postImpact = yield* whole('postImpact');
  const postByteStart = yield* u32('postByteStart');
  const postBytes = yield* whole('postBytes');
  const fwdSegStart = yield* u32('fwdSegStart');
  const fwdLowBytes = yield* whole('fwdLow');
  const fwdLow = new Uint16Array(fwdLowBytes.buffer, fwdLowBytes.byteOffset, fwdLowBytes.byteLength / 2);
  const fwdImpact = yield* whole('fwdImpact');
  const index: SearchIndex = { docCount: header.docCount, terms, postStart, postImpact, postByteStart, postBytes, segments: header.segments, fwdSegStart, fwdLow, fwdImpact };
  if (
    terms.length !== header.termCount ||
    index.postStart.length !== header.termCount + 1 ||
    index.postByteStart.length !== header.termCount + 1 ||
    index.postBytes.length !== index.postByteStart[header.termCount] ||
    index.fwdSegStart.length !== header.docCount * header.segments + 1 ||
    index.postImpact.length !== header.postingCount ||
    index.fwdLow.length !== header.postingCount ||
    index.fwdImpact.length !== header.postingCount
  ) {
    throw new Error('Inconsistent search index cache.');
  }
  if (header.paperCount === null) return { index };

  const count = header.paperCount;
  const years = yield* f64('year');
  let scratch = new Uint8Array(0);
  const decoded = new Map<StringField, (string | undefined)[]>();
  const onDemand = new Map<StringField, OnDemandColumn>();
  for (const field of STRING_FIELDS) {
    const lengths = yield* u32(`${field}.lengths`);
    const blockEnds = yield* f64(`${field}.blocks`);
    const textSection = section(`${field}.text`);
    if (!DECODED.has(field)) {
      // Where each value starts; the text is only checksummed, in pieces of its own size, not per block.
      const starts = new Float64Array(count);
      let at = 0;
      for (let b = 0; b < blockEnds.length; b++) {
        yield;
        for (let i = b * BLOCK; i < Math.min(count, (b + 1) * BLOCK); i++) {
          starts[i] = at;
          if (lengths[i] !== ABSENT) at += lengths[i];
        }
        if (at !== blockEnds[b]) throw new Error(`Inconsistent search index cache (${field}).`);
      }
      if (at !== textSection.byteLength) throw new Error(`Inconsistent search index cache (${field}).`);
      if (scratch.byteLength < PIECE_BYTES) scratch = new Uint8Array(PIECE_BYTES);
      let crc = 0;
      for (let from = 0; from < textSection.byteLength; from += PIECE_BYTES) {
        yield;
        crc = crc32(raw(textSection.name, from, Math.min(textSection.byteLength, from + PIECE_BYTES), scratch), crc);
      }
      checkCrc(textSection.name, crc);
      onDemand.set(field, new OnDemandColumn(sectionReader(read, textSection), starts, lengths));
      continue;
    }
    const values = new Array<string | undefined>(count);
    let blockStart = 0;
    let crc = 0;
    for (let b = 0; b < blockEnds.length; b++) {
      yield;
      const length = blockEnds[b] - blockStart;
      if (scratch.byteLength < length) scratch = new Uint8Array(Math.max(length, scratch.byteLength * 2));
      const bytes = raw(textSection.name, blockStart, blockEnds[b], scratch);
      crc = crc32(bytes, crc);
      const block = decoder.decode(bytes);
      let at = 0;
      for (let i = b * BLOCK; i < Math.min(count, (b + 1) * BLOCK); i++) {
        const length = lengths[i];
        if (length === ABSENT) continue;
        values[i] = block.slice(at, at + length);
        at += length;
      }
      blockStart = blockEnds[b];
    }
    if (blockStart !== textSection.byteLength) throw new Error(`Inconsistent search index cache (${field}).`);
    checkCrc(textSection.name, crc);
    decoded.set(field, values);
  }
  const ids = decoded.get('id') ?? [];
  const keys = decoded.get('key') ?? [];
  const columns = Object.fromEntries(onDemand) as OnDemandColumns;
  const papers = new Array<StoredPaper>(count);
  const CachedPaper = cachedPaperClass(columns);
  for (let i = 0; i < count; i++) {
    if (i % PAPERS_PER_STEP === 0) yield;
    papers[i] = new CachedPaper(ids[i] ?? '', i, years[i], keys[i]);
  }
  return { index, papers };
}

/** Whether a section's bytes are kept once loaded: the index's arrays, the years, the lengths of the columns read on demand. */
function keptAfterLoad(name: string): boolean {
  if (name === 'terms' || name.endsWith('.text') || name.endsWith('.blocks')) return false;
  return ![...DECODED].some((field) => name === `${field}.lengths`);
}

/** Bytes read around a value on demand: reading abstracts in order reads the file in pieces this big. */
const WINDOW_BYTES = 64 << 10;

/**
 * A text column left in the cache file and read value by value when asked for, through the reader the
 * index was loaded with (so that reader must stay usable as long as the papers are). Decoding a hundred
 * megabytes of abstracts was a quarter of a warm start, and holding them, in fresh memory that costs a
 * page fault per 4 KB, much of the rest; few abstracts are ever shown. The short fields cost garbage
 * collections instead (see the top of this file). The bytes were checked against the section's checksum at
 * load. Values near the last one read come from the same window of bytes, so a pass over every value reads the
 * file in big pieces rather than one call a paper.
 */
class OnDemandColumn {
  /** Reused for every window that fits, so that reading does not touch fresh memory each time. */
  private scratch = new Uint8Array(WINDOW_BYTES);
  private window: Buffer = Buffer.alloc(0);
  /** The section's bytes from here are in `window`. */
  private windowFrom = 0;

  constructor(
    private readonly section: SectionReader,
    /** Where each value starts in the section, in bytes. */
    private readonly starts: Float64Array,
    /** Each value's length in bytes, or `ABSENT`. */
    private readonly lengths: Uint32Array,
  ) {}

  has(i: number): boolean {
    return this.lengths[i] !== ABSENT;
  }

  value(i: number): string | undefined {
    const length = this.lengths[i];
    if (length === ABSENT) return undefined;
    const from = this.starts[i];
    if (from < this.windowFrom || from + length > this.windowFrom + this.window.byteLength) {
      const to = Math.min(this.section.byteLength, from + Math.max(length, WINDOW_BYTES));
      if (this.scratch.byteLength < to - from) this.scratch = new Uint8Array(to - from);
      const bytes = this.section.read(from, to, this.scratch);
      this.window = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.windowFrom = from;
    }
    return this.window.toString('utf8', from - this.windowFrom, from + length - this.windowFrom);
  }
}

interface SectionReader {
  readonly byteLength: number;
  read(from: number, to: number, scratch: Uint8Array): Uint8Array;
}

/** Reads ranges of one section; a function of its own so that it keeps only the reader alive, not the loader's state. */
function sectionReader(read: ByteReader, { name, offset, byteLength }: SectionInfo): SectionReader {
  return {
    byteLength,
    read(from, to, scratch) {
      const bytes = read(offset + from, to - from, scratch);
      if (bytes.byteLength !== to - from) throw new Error(`Truncated search index cache (${name}).`);
      return bytes;
    },
  };
}

type OnDemandField = Exclude<StringField, 'id' | 'key'>;
type OnDemandColumns = Readonly<Record<OnDemandField, OnDemandColumn>>;
/** A deserialized paper's position in its cache file's columns. */
const POSITION = Symbol('position');

/**
 * The class of one cache file's papers: `id`, `year` and `key` are their own fields, every other field is a
 * getter on the prototype that reads the paper's value from the file (`undefined` for an optional field the
 * paper lacks). One small object per paper and no property definitions: defining a dozen accessors on each
 * of 100,000 papers took 0.3–0.5 s of a one-second load. Spreading such a paper copies only its own fields;
 * `paperFields` (../paper.ts) copies them all.
 */
function cachedPaperClass(columns: OnDemandColumns): new (id: string, position: number, year: number, key: string | undefined) => StoredPaper {
  const text = (field: OnDemandField, position: number): string | undefined => columns[field].value(position);
  return class CachedPaper implements StoredPaper {
    readonly year?: number;
    readonly key?: string;
    private readonly [POSITION]: number;

    constructor(
      readonly id: string,
      position: number,
      year: number,
      key: string | undefined,
    ) {
      this[POSITION] = position;
      if (!Number.isNaN(year)) this.year = year;
      if (key !== undefined) this.key = key;
    }

    get title(): string {
      return text('title', this[POSITION]) ?? '';
    }
    get abstract(): string {
      return text('abstract', this[POSITION]) ?? '';
    }
    get authors(): string[] | undefined {
      const names = text('authors', this[POSITION]);
      return names === undefined ? undefined : names === '' ? [] : names.split(AUTHOR_SEPARATOR);
    }
    get arxivId(): string | undefined {
      return text('arxivId', this[POSITION]);
    }
    get arxivCategory(): string | undefined {
      return text('arxivCategory', this[POSITION]);
    }
    get doi(): string | undefined {
      return text('doi', this[POSITION]);
    }
    get url(): string | undefined {
      return text('url', this[POSITION]);
    }
    get venue(): string | undefined {
      return text('venue', this[POSITION]);
    }
    get source(): string | undefined {
      return text('source', this[POSITION]);
    }
  };
}

/** The first `count` lines of `text`, in steps: splitting the 160 000-word vocabulary of 100k papers at once took 30–80 ms, 16 384 lines 30 ms. */
function* splitLines(text: string, count: number): Steps<string[]> {
  const lines = new Array<string>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (i % LINES_PER_STEP === 0) yield;
    const end = text.indexOf('\n', at);
    const lineEnd = end === -1 ? text.length : end;
    lines[i] = text.slice(at, lineEnd);
    at = lineEnd + 1;
  }
  if (at !== (count === 0 ? 0 : text.length + 1)) throw new Error('Inconsistent search index cache (terms).');
  return lines;
}

function stringValue(paper: StoredPaper, field: StringField): string | undefined {
  if (field === 'authors') return paper.authors?.map((name) => name.split(AUTHOR_SEPARATOR).join(' ')).join(AUTHOR_SEPARATOR);
  return paper[field];
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
