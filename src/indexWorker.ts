/**
 * The entry of `dist/indexWorker.js`, the worker thread of two jobs, each a request that comes as
 * `workerData`: building a catalog and writing its cache file (src/index/catalogWorker.ts says why; it
 * posts progress, then `done` or `failed`), and parsing one .bib text (src/citation/bibParseWorker.ts; it
 * posts the entries). The host terminates the worker after the last message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { answerBibParseRequest, isBibParseRequest } from './citation/bibParseWorker';
import { buildCatalogCache, type CatalogWorkerMessage, type CatalogWorkerRequest } from './index/catalogWorker';

const post = (message: unknown): void => parentPort!.postMessage(message);

if (isBibParseRequest(workerData)) {
  void answerBibParseRequest(workerData).then(post);
} else {
  buildCatalogCache(workerData as CatalogWorkerRequest, (file, bytesRead) => post({ type: 'progress', file, bytesRead } satisfies CatalogWorkerMessage)).then(
    (cacheFile) => post({ type: 'done', cacheFile } satisfies CatalogWorkerMessage),
    (error: unknown) => post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies CatalogWorkerMessage),
  );
}
