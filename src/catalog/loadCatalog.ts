/**
 * How a catalog is loaded from its sources: from the on-disk cache when the sources are unchanged, else built in a
 * worker thread (which writes the cache the host then reads), else built in the host. Pure: no `vscode` import, and
 * every effect — stamping and reading sources, the worker, the cache, the clock, log lines, progress, cancellation —
 * goes through `LoadIo`, so each branch is unit-tested in plain Node (test/unit/loadCatalog.test.ts); the extension
 * (src/ui/paperLibrary.ts) supplies the real ones.
 *
 * Invariants:
 * - The cache and the worker hold stamped sources only (./indexCache.ts checks every stamp): a source that cannot be
 *   stamped is read on every load. If it gives no papers (a setting entry that names no file, a missing file), it is
 *   added to the cached catalog as a failed source, so one missing file does not make every start build in the host;
 *   if it gives papers (it appeared since it was stamped), the catalog is built in the host.
 * - The cache is written after a host build only when its key names exactly the sources built: never with a
 *   source left out of the key.
 * - Small sources (under `CACHED_SOURCES_BYTES` together) are never cached: building them takes well under a second.
 * - A worker that runs out of memory is not followed by a host build, which would run the extension host out of
 *   memory too, and take every extension down with it: those sources are reported as not loaded.
 * - A cancelled load gives `undefined`, whatever stage it was at; nothing is written.
 * - Every source read gets its own reading time in its summary (`SourceSummary.reading`), timed around its read with
 *   `LoadIo.now`: in the host here, in the worker by the worker (./catalogWorker.ts), which writes it into the cache
 *   with the catalog. A catalog read from a cache written before this load says its sources came from the cache.
 */
import { PaperCatalog, withFailedSources, type CatalogContents, type SourceReading, type SourceReadings } from './catalog';
import { isOutOfMemory, runCatalogWorker } from './catalogWorker';
import { cacheFileFor, readCatalogCache, writeCatalogCache, type CacheKey, type CacheRead } from './indexCache';
import { runCooperatively } from '../shared/cooperative';
import { failedSource, type IndexSource, type PaperSource, type SourceReadOptions, type SourceStamp } from '../sources/paperSource';

/** Sources smaller than this together load in well under a second: caching them would gain nothing. */
export const CACHED_SOURCES_BYTES = 1024 * 1024;

export interface LoadRequest {
  /** The bundled papers: first in every catalog, so their ids and keys never change. */
  readonly bundled: PaperSource;
  /** The user's sources in load order, each with its size in bytes (0 when unknown), for progress and caching. */
  readonly sources: readonly SizedSource[];
  /** A valid citation-key template (see `keyTemplateProblem`). */
  readonly keyTemplate: string;
}

export interface SizedSource {
  readonly source: PaperSource;
  readonly bytes: number;
}

/** The catalog cache (./indexCache.ts), in one folder. */
export interface CatalogCacheIo {
  /** The cache file for catalogs built for `key`. */
  fileFor(key: CacheKey): string;
  read(file: string, key: CacheKey): Promise<CacheRead>;
  /** Writes the catalog's contents for `key`; resolves with the file written. */
  write(key: CacheKey, contents: CatalogContents): Promise<string>;
}

/** What the worker builds: the bundled papers and the sources, every one a file (`PaperSource.file`). */
export interface WorkerBuild {
  readonly bundled: PaperSource;
  readonly sources: readonly PaperSource[];
  readonly key: CacheKey;
}

export interface LoadIo {
  /** Absent when there is no cache (no cache folder on disk): every load builds in the host. */
  readonly cache?: CatalogCacheIo;
  /**
   * Builds the catalog in a worker thread and writes it to the cache (./catalogWorker.ts); resolves with the cache
   * file, or undefined when `signal` aborted it; rejects when the worker fails (see `isOutOfMemory`). `onBytesRead`
   * gets a source's file and the bytes of it read so far. Absent: no worker.
   */
  readonly runWorker?: (build: WorkerBuild, onBytesRead: (file: string, bytesRead: number) => void, signal: AbortSignal) => Promise<string | undefined>;
  /** Milliseconds, for the durations in log lines and each source's reading time. */
  now(): number;
  /** A line for the log (the Output channel), what was done and why. */
  log(line: string): void;
  /** What the load is doing now: "reading the index cache". */
  reportStep(message: string): void;
  /** Reading progress: the source being read (its name) and the bytes of all sources read so far. */
  reportBytes(name: string, bytesRead: number): void;
  /** Aborted when the user cancels the load. */
  readonly signal: AbortSignal;
}

/** The catalog of the bundled papers and the sources; undefined when the load was cancelled. Never rejects. */
export async function loadCatalog(request: LoadRequest, io: LoadIo): Promise<PaperCatalog | undefined> {
  const { bundled, sources, keyTemplate } = request;
  const totalBytes = sources.reduce((total, { bytes }) => total + bytes, 0);
  const isCancelled = (): boolean => io.signal.aborted;
  const cacheable = io.cache && totalBytes >= CACHED_SOURCES_BYTES ? await stampAll(request) : undefined;
  /** How long each source read in the host took. */
  const readings = new Map<IndexSource, SourceReading>();
  /** Reads `source` in the host, timing it; undefined when cancelled. */
  const readInHost = async (source: PaperSource, options?: SourceReadOptions): Promise<IndexSource | undefined> => {
    const started = io.now();
    const read = await source.read(options);
    if (read) readings.set(read, { in: 'host', ms: io.now() - started });
    return read;
  };
  /** The source read without a way to cancel it, which is never undefined (see `PaperSource.read`). */
  const readUncancellable = async (source: PaperSource): Promise<IndexSource> => (await readInHost(source))!;
  /** Sources read before the host build, which need not be read again. */
  const readBefore = new Map<PaperSource, IndexSource>();
  if (io.cache && cacheable) {
    const failed: IndexSource[] = [];
    for (const source of cacheable.unstamped) {
      const read = await readInHost(source, { isCancelled });
      if (!read) return undefined;
      readBefore.set(source, read);
      failed.push(read);
    }
    if (failed.every((source) => source.papers.length === 0)) {
      io.reportStep('reading the index cache');
      const cached = await readCache(io.cache, cacheable.key, failed, readings, io);
      if (cached) return cached;
      if (io.runWorker && [bundled, ...cacheable.stamped].every((source) => source.file !== undefined)) {
        const build = { bundled, sources: cacheable.stamped, key: cacheable.key };
        const built = await buildInWorker(build, sources, io.cache, io.runWorker, failed, readings, io);
        if (built.status === 'cancelled') return undefined;
        if (built.status === 'built') return built.catalog;
        if (built.status === 'out of memory') {
          const names = cacheable.stamped.map((source) => source.name).join(', ');
          const message = `Not loaded: building the search index of ${names} (${formatBytes(totalBytes)}) ran out of memory. Use a smaller index file, or fewer.`;
          const tooBig = cacheable.stamped.map((source) => failedSource(source.location, message));
          return PaperCatalog.build([await readUncancellable(bundled), ...failed, ...tooBig], keyTemplate, readings);
        }
      }
    }
  }
  const read = [await readUncancellable(bundled)];
  let bytesBefore = 0;
  for (const { source, bytes } of sources) {
    if (isCancelled()) return undefined;
    let result = readBefore.get(source);
    if (!result) {
      const before = bytesBefore;
      const onBytesRead = (bytesRead: number): void => io.reportBytes(source.name, before + bytesRead);
      onBytesRead(0);
      result = await readInHost(source, { isCancelled, onBytesRead });
      if (!result) return undefined;
    }
    read.push(result);
    bytesBefore += bytes;
  }
  io.reportStep('building the search index');
  const catalog = await PaperCatalog.build(read, keyTemplate, readings);
  if (io.cache && cacheable && cacheable.unstamped.length === 0) void writeCache(io.cache, cacheable.key, catalog, io);
  return catalog;
}

/**
 * The cache key of the bundled papers and the sources that can be stamped, and the sources that cannot; undefined
 * when the bundled papers cannot be stamped (then nothing is cached).
 */
async function stampAll({ bundled, sources, keyTemplate }: LoadRequest): Promise<{ key: CacheKey; stamped: PaperSource[]; unstamped: PaperSource[] } | undefined> {
  const [bundledStamp, ...stamps] = await Promise.all([bundled, ...sources.map(({ source }) => source)].map((source) => source.stamp()));
  if (!bundledStamp) return undefined;
  return {
    key: { keyTemplate, sources: [bundledStamp, ...stamps.filter((stamp): stamp is SourceStamp => stamp !== undefined)] },
    stamped: sources.filter((_, i) => stamps[i] !== undefined).map(({ source }) => source),
    unstamped: sources.filter((_, i) => stamps[i] === undefined).map(({ source }) => source),
  };
}

/**
 * The catalog cached for `key`, with the `failed` sources added (see `withFailedSources`) with their `readings`.
 * `builtNow`: the cache was written from the sources during this load, by the worker, so its sources keep the reading
 * times the worker wrote; else they were read from the cache.
 */
async function readCache(cache: CatalogCacheIo, key: CacheKey, failed: readonly IndexSource[], readings: SourceReadings, io: LoadIo, builtNow = false): Promise<PaperCatalog | undefined> {
  const file = cache.fileFor(key);
  const started = io.now();
  const cached = await cache.read(file, key);
  if (cached.status === 'hit') {
    io.log(`Read ${cached.contents.papers.size} papers from the index cache ${file} in ${Math.round(io.now() - started)} ms.`);
    const { contents } = cached;
    const sources = builtNow ? contents.sources : contents.sources.map((source) => ({ ...source, reading: { in: 'cache' } as const }));
    return PaperCatalog.fromContents(withFailedSources({ ...contents, sources, fromCache: !builtNow }, failed, readings));
  }
  if (cached.status === 'rejected') io.log(`Ignoring the index cache ${file}: ${cached.reason} Rebuilding it from the index files.`);
  return undefined;
}

/**
 * Builds the catalog in a worker thread, which writes it to the cache, and loads it from there. `failed` are added
 * as in `readCache`. 'failed' (logged) leaves the build to the host.
 */
async function buildInWorker(
  build: WorkerBuild,
  sized: readonly SizedSource[],
  cache: CatalogCacheIo,
  runWorker: NonNullable<LoadIo['runWorker']>,
  failed: readonly IndexSource[],
  readings: SourceReadings,
  io: LoadIo,
): Promise<{ status: 'built'; catalog: PaperCatalog } | { status: 'cancelled' | 'failed' | 'out of memory' }> {
  // Progress over all sources: each file's bytes count after the bytes of the files before it.
  const progressOf = new Map<string, { name: string; bytesBefore: number }>();
  let total = 0;
  for (const source of build.sources) {
    progressOf.set(source.file!, { name: source.name, bytesBefore: total });
    total += sized.find((entry) => entry.source === source)?.bytes ?? 0;
  }
  const started = io.now();
  try {
    const cacheFile = await runWorker(
      build,
      (file, bytesRead) => {
        const progress = progressOf.get(file);
        if (progress) io.reportBytes(progress.name, progress.bytesBefore + bytesRead);
      },
      io.signal,
    );
    if (cacheFile === undefined) return { status: 'cancelled' };
    const names = build.sources.map((source) => source.name).join(', ');
    io.log(`Built the catalog of ${names} in a background worker in ${Math.round(io.now() - started)} ms and wrote it to the index cache ${cacheFile}.`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (isOutOfMemory(error)) {
      io.log(`Building the catalog in a background worker ran out of memory: ${reason}`);
      return { status: 'out of memory' };
    }
    io.log(`Building the catalog in a background worker failed, so the extension host builds it: ${reason}`);
    return { status: 'failed' };
  }
  const catalog = await readCache(cache, build.key, failed, readings, io, true);
  if (catalog) return { status: 'built', catalog };
  io.log('The index cache the background worker wrote cannot be read, so the extension host builds the catalog.');
  return { status: 'failed' };
}

async function writeCache(cache: CatalogCacheIo, key: CacheKey, catalog: PaperCatalog, io: LoadIo): Promise<void> {
  const started = io.now();
  try {
    const file = await cache.write(key, catalog.contents);
    io.log(`Wrote the index cache ${file} in ${Math.round(io.now() - started)} ms.`);
  } catch (error) {
    // Only the next start is slower: not worth bothering the user.
    io.log(`Could not write the index cache: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** "1.2 GB", "350 MB": sizes of whole loads, in decimal units. */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/** The catalog cache in `folder`, a folder on disk (./indexCache.ts); read in slices, so the event loop keeps turning. */
export function catalogCacheIn(folder: string): CatalogCacheIo {
  return {
    fileFor: (key) => cacheFileFor(folder, key),
    read: (file, key) => runCooperatively(readCatalogCache(file, key)),
    write: (key, contents) => writeCatalogCache(folder, key, contents),
  };
}

/** Runs builds in a worker started from `workerFile` (the bundled src/indexWorker.ts), writing to `cacheFolder`. */
export function catalogWorkerRunner(workerFile: string, { cacheFolder, maxFileBytes }: { readonly cacheFolder: string; readonly maxFileBytes?: number }): NonNullable<LoadIo['runWorker']> {
  return ({ bundled, sources, key }, onBytesRead, signal) =>
    runCatalogWorker(
      workerFile,
      {
        bundled: { file: bundled.file!, displayName: bundled.name },
        files: sources.map((source) => source.file!),
        keyTemplate: key.keyTemplate,
        maxFileBytes,
        cacheFolder,
        key,
      },
      { onBytesRead, signal },
    );
}
