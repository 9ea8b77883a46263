/**
 * A prebuilt search index, and optionally its papers, as bytes: for the on-disk cache that makes the
 * second start fast (keyed by the source's size and mtime; the glue that reads and writes the file is not
 * here). Pure: no `vscode` import, no file access.
 *
 * Layout: "PLSI", a u32 format version, a u32 header length, a JSON header, then sections aligned to
 * 8 bytes: the typed arrays of the index as they are in memory (little-endian), the vocabulary, ids and
 * citation keys among them as packed UTF-16 (./packedStrings.ts), and the other fields of the papers in
 * columns of UTF-8 text plus each value's length in bytes. Loading makes almost no JavaScript objects: the
 * arrays are read into one buffer and used in place, a paper object is made when the paper is first read
 * (`arrayMadeOnRead`), and its `title`, `abstract` and so on are read from the file and decoded whenever they
 * are asked for (see `OnDemandColumn`). Objects made at load, all surviving it, are what paused the event
 * loop: with the vocabulary, ids and keys as 360 000 strings and 100 000 paper objects, each of V8's
 * young-generation collections took 12–33 ms while a 100k-paper cache loaded.
 *
 * Big indexes outgrow one buffer (Node reads at most 2 GB with `readFile`, and a typed array holds at most
 * 4 GB; a cached arXiv snapshot is more), so `serializeIndex` returns the file as a list of chunks to write
 * in order, and `deserializeIndex` reads through a `ByteReader` (offset, length) → bytes, which the glue
 * implements with `fs.readSync` on an open file; `bytesReader` wraps a file already in memory.
 * Sections are read in pieces. It throws on anything it does not recognise (another format
 * version, a truncated file, a section whose CRC-32 does not match — a flipped bit must not become a wrong
 * search result); the caller then rebuilds the index from the source.
 *
 * Writing and reading a big index take long enough to stall the event loop, so both are also available as
 * steps (../cooperative.ts) that pause between blocks of papers.
 */
import { crc32 } from 'node:zlib';
import { runToEnd, type Steps } from '../shared/cooperative';
import type { LoadedPaper, Paper } from '../papers/paper';
import { INDEX_FORMAT_VERSION, type SearchIndex } from '../search/engine/invertedIndex';
import { PackedStrings, packStringSteps } from '../search/engine/packedStrings';

const MAGIC = 'PLSI';
/**
 * Sections are read and checksummed in pieces of this size, with a pause after each: reading into fresh
 * memory costs a page fault per 4 KB, and on a virtual machine 4 MB pieces took 30 ms each, 1 MB pieces
 * up to 20 ms on a busy one.
 */
const PIECE_BYTES = 256 << 10;
const ABSENT = 0xffffffff;
/**
 * The text columns read per paper when asked for. `source`, like the citation key, is there only for papers
 * of a catalog (LoadedPaper). Ids and keys, which the catalog's lookups need for every paper, are packed.
 */
const STRING_FIELDS = ['title', 'abstract', 'authors', 'arxivId', 'arxivCategory', 'doi', 'url', 'venue', 'bibtex', 'collections', 'pdfFile', 'zoteroLink', 'source'] as const;
type StringField = (typeof STRING_FIELDS)[number];
/** Fields that are lists of strings, stored joined by `AUTHOR_SEPARATOR`. */
type ListField = 'authors' | 'collections';
/** Between the authors (or collections) of one paper. */
const AUTHOR_SEPARATOR = '\u001f';

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
  /** With the papers: their ids in order, packed, for lookups that make no string per paper. */
  readonly ids?: PackedStrings;
  /** With the papers: their citation keys in order, packed; empty for a paper without one. */
  readonly keys?: PackedStrings;
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
  const addPacked = function* (name: string, strings: PackedStrings): Steps<void> {
    yield* add(`${name}.units`, strings.units);
    yield* add(`${name}.starts`, strings.starts);
  };
  yield* addPacked('terms', index.terms);
  for (const name of ['postStart', 'postImpact', 'postByteStart', 'postBytes', 'fwdSegStart', 'fwdLow', 'fwdImpact'] as const) {
    yield* add(name, index[name]);
  }
  if (papers) {
    const years = new Float64Array(papers.length);
    papers.forEach((paper, i) => (years[i] = paper.year ?? NaN));
    yield* add('year', years);
    yield* addPacked('id', yield* packStringSteps(papers.length, (i) => papers[i].id));
    yield* addPacked('key', yield* packStringSteps(papers.length, (i) => papers[i].key ?? ''));
    for (const field of STRING_FIELDS) {
      // One buffer per column, sized up front (UTF-8 is as long as UTF-16 for ASCII; it grows for the
      // rest): a million abstracts are a gigabyte, and growing piecemeal makes V8 collect garbage each time.
      const lengths = new Uint32Array(papers.length);
      let capacity = 1024;
      for (const paper of papers) capacity += stringValue(paper, field)?.length ?? 0;
      let text = new Uint8Array(Math.ceil(capacity * 1.05));
      let at = 0;
      // The column's checksum, computed over each step's text as it is written.
      let crc = 0;
      let checked = 0;
      for (let i = 0; i < papers.length; i++) {
        if (i % PAPERS_PER_STEP === 0) {
          crc = crc32(text.subarray(checked, at), crc);
          checked = at;
          yield;
        }
        const value = stringValue(papers[i], field);
        lengths[i] = value === undefined ? ABSENT : 0;
        while (value) {
          const { read, written } = encoder.encodeInto(value, text.subarray(at));
          if (read === value.length) {
            at += written;
            lengths[i] = written;
            break;
          }
          const bigger = new Uint8Array(Math.max(text.length * 2, at + 3 * value.length));
          bigger.set(text.subarray(0, at));
          text = bigger;
        }
      }
      crc = crc32(text.subarray(checked, at), crc);
      yield* add(`${field}.lengths`, lengths);
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
      termCount: index.terms.size,
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
  const packed = function* (name: string): Steps<PackedStrings> {
    const units = yield* whole(`${name}.units`);
    const starts = yield* u32(`${name}.starts`);
    if (units.byteLength % 2 !== 0 || starts.length === 0 || starts[0] !== 0 || starts[starts.length - 1] !== units.byteLength / 2) {
      throw new Error(`Inconsistent search index cache (${name}).`);
    }
    return new PackedStrings(new Uint16Array(units.buffer, units.byteOffset, units.byteLength / 2), starts);
  };

  const terms = yield* packed('terms');
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
    terms.size !== header.termCount ||
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
  const ids = yield* packed('id');
  const keys = yield* packed('key');
  if (years.length !== count || ids.size !== count || keys.size !== count) throw new Error('Inconsistent search index cache (papers).');
  const scratch = new Uint8Array(PIECE_BYTES);
  const columns: Partial<Record<StringField, OnDemandColumn>> = {};
  for (const field of STRING_FIELDS) {
    const lengths = yield* u32(`${field}.lengths`);
    const textSection = section(`${field}.text`);
    if (lengths.length !== count) throw new Error(`Inconsistent search index cache (${field}).`);
    // Where each value starts; the text is only checksummed, in pieces.
    const starts = new Float64Array(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (i % (16 * PAPERS_PER_STEP) === 0) yield;
      starts[i] = at;
      if (lengths[i] !== ABSENT) at += lengths[i];
    }
    if (at !== textSection.byteLength) throw new Error(`Inconsistent search index cache (${field}).`);
    let crc = 0;
    for (let from = 0; from < textSection.byteLength; from += PIECE_BYTES) {
      yield;
      crc = crc32(raw(textSection.name, from, Math.min(textSection.byteLength, from + PIECE_BYTES), scratch), crc);
    }
    checkCrc(textSection.name, crc);
    columns[field] = new OnDemandColumn(sectionReader(read, textSection), starts, lengths);
  }
  const CachedPaper = cachedPaperClass({ ...(columns as OnDemandColumns), ids, keys, years });
  return { index, papers: arrayMadeOnRead(count, (i) => Object.freeze(new CachedPaper(i))), ids, keys };
}

/**
 * An array of `length` elements, element i made by `make(i)` when it is first read and kept, so it is the
 * same object on every read; array methods, spreading and iteration see every element. Why not make them all
 * at load: 100 000 papers made at once all survive V8's young-generation collections, which copy every
 * survivor, and two of those collections paused the event loop for 20–27 ms each while a cache loaded. Made
 * on read, only the papers shown or searched for exist. A `Proxy`, so callers keep an ordinary array; an
 * element read costs a little more, which the few rows a search or a view shows do not notice.
 */
function arrayMadeOnRead<T extends object>(length: number, make: (i: number) => T): T[] {
  const position = (property: string | symbol): number => {
    if (typeof property !== 'string') return -1;
    const i = Number(property);
    return Number.isInteger(i) && i >= 0 && i < length && String(i) === property ? i : -1;
  };
  return new Proxy(new Array<T>(length), {
    get(made, property, receiver) {
      const i = position(property);
      return i < 0 ? Reflect.get(made, property, receiver) : (made[i] ??= make(i));
    },
    has(made, property) {
      return position(property) >= 0 || Reflect.has(made, property);
    },
    getOwnPropertyDescriptor(made, property) {
      const i = position(property);
      return i < 0 ? Reflect.getOwnPropertyDescriptor(made, property) : { value: (made[i] ??= make(i)), writable: true, enumerable: true, configurable: true };
    },
  });
}

/** Whether a section's bytes are kept once loaded: all but the text read on demand, which stays in the file. */
function keptAfterLoad(name: string): boolean {
  return !name.endsWith('.text');
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

type OnDemandColumns = Readonly<Record<StringField, OnDemandColumn>>;
/** Where a cache file's papers' fields are. */
interface PaperColumns extends OnDemandColumns {
  readonly ids: PackedStrings;
  readonly keys: PackedStrings;
  /** NaN for a paper without a year. */
  readonly years: Float64Array;
}
/** A deserialized paper's position in its cache file's columns. */
const POSITION = Symbol('position');

/**
 * The class of one cache file's papers: a paper is an object holding only its position, and every field is
 * a getter on the prototype that reads the paper's value from the columns (`undefined` for an optional field
 * the paper lacks), making a new string each time. One small object per paper and no property definitions:
 * defining a dozen accessors on each of 100,000 papers took 0.3–0.5 s of a one-second load. Spreading such a
 * paper copies nothing; `paperFields` (../paper.ts) copies every field.
 */
function cachedPaperClass(columns: PaperColumns): new (position: number) => StoredPaper {
  const { ids, keys, years } = columns;
  const text = (field: StringField, position: number): string | undefined => columns[field].value(position);
  const list = (field: ListField, position: number): string[] | undefined => {
    const joined = text(field, position);
    return joined === undefined ? undefined : joined === '' ? [] : joined.split(AUTHOR_SEPARATOR);
  };
  return class CachedPaper implements StoredPaper {
    private readonly [POSITION]: number;

    constructor(position: number) {
      this[POSITION] = position;
    }

    get id(): string {
      return ids.at(this[POSITION]);
    }
    get key(): string | undefined {
      return keys.lengthOf(this[POSITION]) === 0 ? undefined : keys.at(this[POSITION]);
    }
    get year(): number | undefined {
      const year = years[this[POSITION]];
      return Number.isNaN(year) ? undefined : year;
    }

    get title(): string {
      return text('title', this[POSITION]) ?? '';
    }
    get abstract(): string {
      return text('abstract', this[POSITION]) ?? '';
    }
    get authors(): string[] | undefined {
      return list('authors', this[POSITION]);
    }
    get collections(): string[] | undefined {
      return list('collections', this[POSITION]);
    }
    get pdfFile(): string | undefined {
      return text('pdfFile', this[POSITION]);
    }
    get zoteroLink(): string | undefined {
      return text('zoteroLink', this[POSITION]);
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
    get bibtex(): string | undefined {
      return text('bibtex', this[POSITION]);
    }
    get source(): string | undefined {
      return text('source', this[POSITION]);
    }
  };
}

function stringValue(paper: StoredPaper, field: StringField): string | undefined {
  if (field === 'authors' || field === 'collections') return paper[field]?.map((name) => name.split(AUTHOR_SEPARATOR).join(' ')).join(AUTHOR_SEPARATOR);
  return paper[field];
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
