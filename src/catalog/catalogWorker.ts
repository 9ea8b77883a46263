/**
 * Building a catalog in a worker thread, so the extension host's event loop stays free: the worker reads
 * the index files from disk, builds the catalog and writes it to the on-disk cache (./indexCache.ts); the
 * host then loads it from there, as a second start does. Building in the host in slices still blocked its
 * event loop for 0.2–0.4 s at 100,000 papers, mostly in V8's garbage collector; a worker's heap is
 * collected apart from the host's. Pure: no `vscode` import (the worker cannot load it), so only files on
 * disk can be read this way.
 *
 * `buildCatalogCache` is what the worker runs (src/indexWorker.ts is its entry); `runCatalogWorker` is the
 * host's side.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { catalogSteps, type SourceReading } from './catalog';
import type { IndexSource } from '../sources/paperSource';
import { runToEnd } from '../shared/cooperative';
import { writeCatalogCache, type CacheKey } from './indexCache';
import { readSourceFile } from '../sources/sourceFiles';

export interface CatalogWorkerRequest {
  /** The bundled index, read first so its papers keep their ids and keys. */
  readonly bundled: { readonly file: string; readonly displayName: string };
  /** The user's index files, absolute paths, in load order. */
  readonly files: readonly string[];
  readonly keyTemplate: string;
  /** Index files read whole that are bigger than this are refused (../sources/sourceFiles.ts `limitsFor`). */
  readonly maxFileBytes?: number;
  readonly cacheFolder: string;
  /** What the cache is written for; its sources are the bundled file and `files`. */
  readonly key: CacheKey;
}

/** What the worker posts to the host. */
export type CatalogWorkerMessage =
  | { readonly type: 'progress'; readonly file: string; readonly bytesRead: number }
  | { readonly type: 'done'; readonly cacheFile: string }
  | { readonly type: 'failed'; readonly message: string };

/**
 * Reads the sources, builds the catalog and writes its cache file; returns the file. Each source's summary in the
 * cache says how long reading it here took, by `now` (milliseconds).
 */
export async function buildCatalogCache(request: CatalogWorkerRequest, onBytesRead: (file: string, bytesRead: number) => void, now: () => number): Promise<string> {
  const readings = new Map<IndexSource, SourceReading>();
  const read = async (file: string, displayName?: string): Promise<IndexSource> => {
    const started = now();
    // Never undefined: nothing here cancels a read; the host ends a cancelled build by terminating the worker.
    const source = (await readSourceFile(file, { displayName, maxBytes: request.maxFileBytes, onBytesRead: (bytes) => onBytesRead(file, bytes) }))!;
    readings.set(source, { in: 'worker', ms: now() - started });
    return source;
  };
  const sources = [await read(request.bundled.file, request.bundled.displayName)];
  for (const file of request.files) sources.push(await read(file));
  // Straight through: nothing else runs on this thread.
  const contents = runToEnd(catalogSteps(sources, request.keyTemplate, readings));
  return writeCatalogCache(request.cacheFolder, request.key, contents);
}

export interface WorkerRunOptions {
  readonly onBytesRead: (file: string, bytesRead: number) => void;
  /** Aborting terminates the worker. */
  readonly signal: AbortSignal;
  /** Limits of the worker's heap; Node's defaults, which V8 sizes by the machine's memory, when absent. */
  readonly resourceLimits?: ResourceLimits;
}

/**
 * Whether the worker failed for want of memory: its index files are too big for this machine (a full arXiv
 * snapshot is several gigabytes of text). Building them in the extension host instead would run the host
 * out of memory too, and take every extension down with it.
 */
export function isOutOfMemory(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * Runs `request` in a worker started from `workerFile` (the bundled src/indexWorker.ts). Resolves with the
 * cache file written, or `undefined` when aborted; rejects when the worker fails or dies (see `isOutOfMemory`).
 */
export function runCatalogWorker(workerFile: string, request: CatalogWorkerRequest, { onBytesRead, signal, resourceLimits }: WorkerRunOptions): Promise<string | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: request, resourceLimits });
    let settled = false;
    // Only once the worker has stopped, so that tearing down its heap does not compete with the host's
    // reading of the cache for the cores.
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', abort);
      void worker.terminate().finally(finish);
    };
    const abort = (): void => settle(() => resolve(undefined));
    signal.addEventListener('abort', abort);
    worker.on('message', (message: CatalogWorkerMessage) => {
      if (message.type === 'progress') onBytesRead(message.file, message.bytesRead);
      else if (message.type === 'done') settle(() => resolve(message.cacheFile));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`The worker stopped (exit code ${code}) before it finished.`))));
  });
}
