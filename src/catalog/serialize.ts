/**
 * A prebuilt search index, and optionally its papers, as bytes: for the on-disk cache that makes the
 * second start fast (keyed by the source's size and mtime; the glue that reads and writes the file is not
 * here). Pure: no `vscode` import, no file access.
 *
 * Layout: "PLSI", a u32 format version, a u32 header length, a JSON header, then sections aligned to
 * 8 bytes: the typed arrays of the index as they are in memory (little-endian), the vocabulary, ids and
 * citation keys among them as packed UTF-16 (../search/engine/packedStrings.ts), the years, and one record per
 * paper with its other fields (./paperStore.ts). Loading makes almost no JavaScript objects: every section but the
 * records is read into one buffer and used in place, and the records are only checksummed and left in the file,
 * each read when its paper is asked for (`CachedPaperStore`). Objects made at load, all surviving it, are what
 * pause the event loop: each of V8's young-generation collections copies every survivor.
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
 * steps (../shared/cooperative.ts) that pause between blocks of papers.
 */
import { crc32 } from 'node:zlib';
import { runToEnd, type Steps } from '../shared/cooperative';
import { asPaperList, type PaperList } from '../papers/paper';
import { INDEX_FORMAT_VERSION, type SearchIndex } from '../search/engine/invertedIndex';
import { PackedStrings, packStringSteps } from '../search/engine/packedStrings';
import { CachedPaperStore, encodeRecordSteps, type RecordReader, type StoredPaper } from './paperStore';

const MAGIC = 'PLSI';
/**
 * Sections are read and checksummed in pieces of this size, with a pause after each: reading into fresh
 * memory costs a page fault per 4 KB, and on a virtual machine 4 MB pieces took 30 ms each, 1 MB pieces
 * up to 20 ms on a busy one.
 */
const PIECE_BYTES = 256 << 10;
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

export interface DeserializedIndex {
  readonly index: SearchIndex;
  /** The papers, when they were serialized with the index: read from `source` when asked for, until closed. */
  readonly papers?: CachedPaperStore;
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
 * which is most of the cost of loading. The papers' records are read through it when asked for, after loading: it
 * must keep working until the papers' store is closed.
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
export function serializeIndex(index: SearchIndex, papers?: readonly StoredPaper[] | PaperList<StoredPaper>): Uint8Array[] {
  return runToEnd(serializeIndexSteps(index, papers));
}

/** Papers handled between pauses. */
const PAPERS_PER_STEP = 1024;

export function* serializeIndexSteps(index: SearchIndex, given?: readonly StoredPaper[] | PaperList<StoredPaper>): Steps<Uint8Array[]> {
  const papers = given && asPaperList(given);
  if (papers && papers.size !== index.docCount) throw new Error(`Index of ${index.docCount} papers, ${papers.size} given.`);
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
    const years = new Float64Array(papers.size);
    for (let i = 0; i < papers.size; i++) years[i] = papers.paperAt(i).year ?? NaN;
    yield* add('year', years);
    yield* addPacked('id', yield* packStringSteps(papers.size, (i) => papers.idAt(i)));
    yield* addPacked('key', yield* packStringSteps(papers.size, (i) => papers.paperAt(i).key ?? ''));
    const records = yield* encodeRecordSteps(papers);
    yield* add('papers.starts', records.starts);
    yield* add('papers.text', records.bytes, records.crc);
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
      paperCount: papers ? papers.size : null,
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

/** `release`: called when the papers' store is closed (the caller closes the file there). */
export function deserializeIndex(source: Uint8Array | ByteReader, release?: () => void): DeserializedIndex {
  return runToEnd(deserializeIndexSteps(source, release));
}

export function* deserializeIndexSteps(source: Uint8Array | ByteReader, release: () => void = () => {}): Steps<DeserializedIndex> {
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
  const starts = yield* f64('papers.starts');
  const records = section('papers.text');
  if (starts.length !== count + 1 || starts[0] !== 0 || starts[count] !== records.byteLength) throw new Error('Inconsistent search index cache (papers).');
  for (let i = 0; i < count; i++) {
    if (i % (16 * PAPERS_PER_STEP) === 0) yield;
    if (!(starts[i + 1] >= starts[i])) throw new Error('Inconsistent search index cache (papers).');
  }
  // The records stay in the file; their bytes are only checksummed here, in pieces.
  const scratch = new Uint8Array(PIECE_BYTES);
  let crc = 0;
  for (let from = 0; from < records.byteLength; from += PIECE_BYTES) {
    yield;
    crc = crc32(raw(records.name, from, Math.min(records.byteLength, from + PIECE_BYTES), scratch), crc);
  }
  checkCrc(records.name, crc);
  const papers = new CachedPaperStore({ ids, keys, years, starts }, recordReader(read, records), release);
  return { index, papers, ids, keys };
}

/** Whether a section's bytes are kept once loaded: all but the text read on demand, which stays in the file. */
function keptAfterLoad(name: string): boolean {
  return !name.endsWith('.text');
}

/** Reads ranges of the records; a function of its own so that it keeps only the reader alive, not the loader's state. */
function recordReader(read: ByteReader, { name, offset }: SectionInfo): RecordReader {
  return (from, to, scratch) => {
    const bytes = read(offset + from, to - from, scratch);
    if (bytes.byteLength !== to - from) throw new Error(`Truncated search index cache (${name}).`);
    return bytes;
  };
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
