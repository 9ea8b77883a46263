/**
 * The entry of `dist/indexWorker.js`, the worker thread that builds a catalog and writes its cache file
 * (src/index/catalogWorker.ts says why). Its request comes as `workerData`; it posts progress, then
 * `done` or `failed`, and is terminated by the host after that.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildCatalogCache, type CatalogWorkerMessage, type CatalogWorkerRequest } from './index/catalogWorker';

const post = (message: CatalogWorkerMessage): void => parentPort!.postMessage(message);

buildCatalogCache(workerData as CatalogWorkerRequest, (file, bytesRead) => post({ type: 'progress', file, bytesRead })).then(
  (cacheFile) => post({ type: 'done', cacheFile }),
  (error: unknown) => post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
