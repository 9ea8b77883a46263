/**
 * The entry of `dist/indexWorker.js`, the worker thread of four jobs, chosen by its `workerData`: building a
 * catalog and writing its cache file (src/catalog/catalogWorker.ts says why; it posts progress, then `done` or
 * `failed`, and the host terminates it), and parsing .bib and Hayagriva texts as they are sent (src/sources/bibParseWorker.ts;
 * it answers each with its entries and lives until the host stops it), and formatting references in CSL styles
 * (src/citation/csl/cslWorker.ts; likewise), and counting a Zotero library's items for the offer to use it
 * (src/sources/zotero/countWorker.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isBibParserRole, serveBibParseRequests } from './sources/bibParseWorker';
import { isCslRendererRole, serveCslRenderRequests } from './citation/csl/cslWorker';
import { parseHayagrivaEntries } from './citation/hayagriva';
import { isZoteroCounterRole, serveZoteroCountRequests } from './sources/zotero/countWorker';
import { buildCatalogCache, type CatalogWorkerMessage, type CatalogWorkerRequest } from './catalog/catalogWorker';

const post = (message: unknown): void => parentPort!.postMessage(message);

if (isBibParserRole(workerData)) {
  serveBibParseRequests(parseHayagrivaEntries);
} else if (isCslRendererRole(workerData)) {
  serveCslRenderRequests();
} else if (isZoteroCounterRole(workerData)) {
  serveZoteroCountRequests();
} else {
  buildCatalogCache(
    workerData as CatalogWorkerRequest,
    (file, bytesRead) => post({ type: 'progress', file, bytesRead } satisfies CatalogWorkerMessage),
    () => performance.now(),
  ).then(
    (cacheFile) => post({ type: 'done', cacheFile } satisfies CatalogWorkerMessage),
    (error: unknown) => post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies CatalogWorkerMessage),
  );
}
