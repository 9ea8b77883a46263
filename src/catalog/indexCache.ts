/**
 * The on-disk cache of a built catalog, so the second start with big indexes skips parsing, merging and
 * building the search index. Pure: no `vscode` import (Node's `fs` only); the extension says where the
 * cache folder is (its global storage) and which files the catalog was built from.
 *
 * One file per set of sources: its name is a hash of the sources' locations and the citation-key template,
 * so reloading the same sources overwrites it. Inside, the key it was made for — every source's location,
 * size and mtime, the key template and the format versions — is checked in full before anything else is
 * read: a source edited since, or a cache from another release, is never used.
 *
 * Layout: "PLCC", u32 file version, u32 metadata length, u32 CRC-32 of the metadata, the metadata (JSON:
 * the key, the source summaries with their reading times, problems, merged ids, the file's length), padding to 8 bytes, then the
 * search index with the papers (./serialize.ts, which checksums every section).
 * So a truncated file, a flipped byte or another version is found out and the catalog rebuilt from the
 * sources; it is never searched. Files are written under a temporary name and renamed, so a reader never
 * sees half a file, and only the newest few cache files are kept.
 *
 * A hit keeps the file open: its papers are read from it when asked for (./paperStore.ts). The file is closed
 * when the catalog is disposed (`PaperCatalog.dispose`, which closes its paper store); files are replaced by
 * renaming, never rewritten in place, so the bytes checked at load are the bytes read later.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { CatalogContents, SourceSummary } from './catalog';
import type { SourceStamp } from '../sources/paperSource';
import { runCooperatively, type Steps } from '../shared/cooperative';
import { INDEX_FORMAT_VERSION } from '../search/engine/invertedIndex';
import { deserializeIndexSteps, serializeIndexSteps, type ByteReader } from './serialize';
import type { IndexProblem } from '../sources/parseIndex';
import type { PaperStore } from './paperStore';
import type { ReadLimits } from '../sources/regularFile';
import { stampFile } from '../sources/sourceFiles';

/** Bumped when the metadata, the layout around the index or the papers' stored fields or layout change, or when the same files make another catalog (other keys, say). */
export const CACHE_FILE_VERSION = 7;
const MAGIC = 'PLCC';
const HEAD_BYTES = 16;
export const CACHE_FILE_EXTENSION = '.plcache';
/** Cache files kept in the folder: the newest few, so switching between a few sets of indexes stays fast. */
export const KEPT_CACHE_FILES = 4;
/** A temporary file this old was left by a writer that died; a live one finishes within minutes. */
const ABANDONED_TEMP_MS = 60 * 60 * 1000;

/** What a cached catalog was made from; the cache is used only when all of it is the same now. */
export interface CacheKey {
  readonly keyTemplate: string;
  readonly sources: readonly SourceStamp[];
}

interface CacheMetadata {
  readonly key: CacheKey;
  readonly indexFormat: number;
  readonly fileBytes: number;
  readonly sources: readonly SourceSummary[];
  readonly problems: readonly IndexProblem[];
  readonly mergedIds: CatalogContents['mergedIds'];
}

export type CacheRead =
  | { readonly status: 'hit'; readonly contents: CatalogContents }
  | { readonly status: 'missing' }
  /** A file that is there but cannot be used: `reason` says why, for the log. */
  | { readonly status: 'rejected'; readonly reason: string };

/**
 * The size and mtime of each file (absolute paths), for a cache key. Rejects, as ./regularFile.ts says, when one is
 * not a regular file within `limits`: such a file is never handed to the worker or to the cache.
 */
export async function stampSources(locations: readonly string[], limits: ReadLimits = {}): Promise<SourceStamp[]> {
  return Promise.all(locations.map((location) => stampFile(location, limits)));
}

/** The cache file in `folder` for catalogs built from these sources with this key template. */
export function cacheFileFor(folder: string, key: CacheKey): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([key.keyTemplate, key.sources.map((source) => source.location)]))
    .digest('hex')
    .slice(0, 16);
  return path.join(folder, `catalog-${hash}${CACHE_FILE_EXTENSION}`);
}

/** Reads the catalog cached in `file` if it was made for exactly `key`; see `CacheRead`. */
export function* readCatalogCache(file: string, key: CacheKey): Steps<CacheRead> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'rejected', reason: (error as Error).message };
  }
  let contents: CatalogContents | undefined;
  try {
    contents = yield* readOpenCache(fileReader(fd), key, () => closeSync(fd));
    return { status: 'hit', contents };
  } catch (error) {
    return { status: 'rejected', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    if (!contents) closeSync(fd);
  }
}

/** Reads ranges of the open file, as `ByteReader` says. */
function fileReader(fd: number): ByteReader & { readonly fileBytes: number } {
  const fileBytes = fstatSync(fd).size;
  const read = (offset: number, length: number, scratch?: Uint8Array): Uint8Array => {
    if (offset + length > fileBytes) throw new Error('The cache file is truncated.');
    const into = scratch ?? new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, into, done, length - done, offset + done);
      if (n === 0) throw new Error('The cache file is truncated.');
      done += n;
    }
    return into.subarray(0, length);
  };
  return Object.assign(read, { fileBytes });
}

/** `close`: closes the file; the catalog's paper store calls it when the catalog is disposed. */
function* readOpenCache(read: ReturnType<typeof fileReader>, key: CacheKey, close: () => void): Steps<CatalogContents> {
  const { fileBytes } = read;
  const head = read(0, HEAD_BYTES);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (new TextDecoder().decode(head.subarray(0, 4)) !== MAGIC) throw new Error('Not a Paper Lookup cache file.');
  const version = view.getUint32(4, true);
  if (version !== CACHE_FILE_VERSION) throw new Error(`Cache file version ${version}; this release reads version ${CACHE_FILE_VERSION}.`);
  const metadataBytes = read(HEAD_BYTES, view.getUint32(8, true));
  if (crc32(metadataBytes) !== view.getUint32(12, true)) throw new Error('The cache file is corrupt (its metadata fails its checksum).');
  const metadata = JSON.parse(new TextDecoder().decode(metadataBytes)) as CacheMetadata;
  if (metadata.indexFormat !== INDEX_FORMAT_VERSION) throw new Error(`Search index format ${metadata.indexFormat}; this release reads ${INDEX_FORMAT_VERSION}.`);
  if (metadata.fileBytes !== fileBytes) throw new Error(`The cache file is ${fileBytes} bytes, but was written with ${metadata.fileBytes}.`);
  const stale = staleness(metadata.key, key);
  if (stale) throw new Error(`It is out of date: ${stale}.`);

  const indexStart = align8(HEAD_BYTES + metadataBytes.byteLength);
  const { index, papers: stored, ids, keys } = yield* deserializeIndexSteps((offset, length, scratch) => read(indexStart + offset, length, scratch), close);
  if (!stored || !ids || !keys) throw new Error('The cache file holds no papers.');
  // Keys and sources are written together, for every paper of a catalog; only the keys are checked here, in
  // place: reading `source` would read every paper's record.
  for (let i = 0; i < keys.size; i++) {
    if (i % 16384 === 0) yield;
    if (keys.lengthOf(i) === 0) throw new Error(`Paper "${ids.at(i)}" has no citation key in the cache file.`);
  }
  // Every paper has its key (checked above) and its source (written with it): these are loaded papers.
  const papers = stored as PaperStore;
  return { sources: metadata.sources, papers, ids, keys, mergedIds: metadata.mergedIds, problems: metadata.problems, index, fromCache: true };
}

/** Why a cache made for `cached` does not fit `wanted`, or undefined when it does. */
function staleness(cached: CacheKey, wanted: CacheKey): string | undefined {
  if (cached.keyTemplate !== wanted.keyTemplate) return `made with the key template ${cached.keyTemplate}`;
  if (cached.sources.length !== wanted.sources.length) return `made from ${cached.sources.length} index files, not ${wanted.sources.length}`;
  for (const [i, source] of wanted.sources.entries()) {
    const then = cached.sources[i];
    if (then.location !== source.location) return `made from ${then.location}, not ${source.location}`;
    if (then.size !== source.size || then.mtimeMs !== source.mtimeMs) return `${source.location} has changed since`;
  }
  return undefined;
}

/**
 * Writes `contents` as the cache for `key` into `folder` (created if need be), pausing between blocks of
 * work, then deletes all but the newest cache files. Returns the file written.
 */
export async function writeCatalogCache(folder: string, key: CacheKey, contents: CatalogContents): Promise<string> {
  const indexChunks = await runCooperatively(serializeIndexSteps(contents.index, contents.papers));
  const indexBytes = indexChunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const encoder = new TextEncoder();
  const metadataFor = (fileBytes: number): Uint8Array => {
    const metadata: CacheMetadata = {
      key,
      indexFormat: INDEX_FORMAT_VERSION,
      fileBytes,
      sources: contents.sources,
      problems: contents.problems,
      mergedIds: contents.mergedIds,
    };
    return encoder.encode(JSON.stringify(metadata));
  };
  // The file's length is in the metadata, whose length is part of it: both fixed points settle at once
  // unless the length gains a digit, hence the loop.
  let metadataBytes = metadataFor(0);
  let fileBytes = 0;
  for (let previous = -1; fileBytes !== previous; ) {
    previous = fileBytes;
    fileBytes = align8(HEAD_BYTES + metadataBytes.byteLength) + indexBytes;
    metadataBytes = metadataFor(fileBytes);
  }
  const head = new Uint8Array(align8(HEAD_BYTES + metadataBytes.byteLength));
  head.set(encoder.encode(MAGIC), 0);
  const view = new DataView(head.buffer);
  view.setUint32(4, CACHE_FILE_VERSION, true);
  view.setUint32(8, metadataBytes.byteLength, true);
  view.setUint32(12, crc32(metadataBytes), true);
  head.set(metadataBytes, HEAD_BYTES);

  await fs.mkdir(folder, { recursive: true });
  const file = cacheFileFor(folder, key);
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  try {
    for (const chunk of [head, ...indexChunks]) await handle.write(chunk);
    // On disk before it is renamed into place, and before it is read: reading a 200 MB file whose pages the
    // kernel was still writing back took 15–28 ms per 256 KB piece, each blocking the event loop.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await fs.rename(temporary, file);
  await removeOldCacheFiles(folder, file);
  return file;
}

/** Deletes cache files beyond the newest `KEPT_CACHE_FILES` (never `keep`), and abandoned temporary files. */
export async function removeOldCacheFiles(folder: string, keep: string): Promise<void> {
  const now = Date.now();
  const files = await Promise.all(
    (await fs.readdir(folder))
      .filter((name) => name.startsWith('catalog-') && (name.endsWith(CACHE_FILE_EXTENSION) || name.endsWith('.tmp')))
      .map(async (name) => {
        const file = path.join(folder, name);
        const stat = await fs.stat(file).catch(() => undefined);
        return { file, mtimeMs: stat?.mtimeMs ?? 0, temporary: name.endsWith('.tmp') };
      }),
  );
  const caches = files.filter((entry) => !entry.temporary && entry.file !== keep).sort((a, b) => b.mtimeMs - a.mtimeMs);
  const doomed = [
    ...caches.slice(KEPT_CACHE_FILES - 1),
    ...files.filter((entry) => entry.temporary && now - entry.mtimeMs > ABANDONED_TEMP_MS),
  ];
  await Promise.all(doomed.map((entry) => fs.rm(entry.file, { force: true })));
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
