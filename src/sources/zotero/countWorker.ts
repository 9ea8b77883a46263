/**
 * Counting a Zotero library's items in a worker thread, for the offer to use it: opening a database of hundreds of
 * megabytes in sql.js takes the thread that does it for a noticeable time, and the extension host must not wait. The
 * catalog worker's bundle (`dist/indexWorker.js`) in its counter role. Pure: no `vscode` import.
 */
import { requestWorker, serveRequests } from '../../shared/requestWorker';
import { countZoteroLibrary } from './zoteroSource';

/** The `workerData` that starts `dist/indexWorker.js` as a Zotero item counter. */
export interface ZoteroCounterRole {
  readonly type: 'zoteroCounter';
}

export function isZoteroCounterRole(data: unknown): data is ZoteroCounterRole {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'zoteroCounter';
}

/** The worker's side: answers each database path with its number of items. */
export function serveZoteroCountRequests(): void {
  serveRequests<string, number>((database) => countZoteroLibrary(database));
}

/** A big library on a busy machine takes seconds; a minute means something is stuck. */
const COUNT_TIMEOUT_MS = 60_000;

/** How many items the Zotero database at `database` holds, counted in a worker started from `workerFile`; rejects when it cannot be read. */
export async function countZoteroLibraryInWorker(workerFile: string, database: string): Promise<number> {
  const worker = requestWorker<string, number>(workerFile, {
    workerData: { type: 'zoteroCounter' } satisfies ZoteroCounterRole,
    timeoutMs: COUNT_TIMEOUT_MS,
    timedOut: `Counting the items of ${database} took longer than ${COUNT_TIMEOUT_MS / 1000} s; stopped.`,
    stopped: (code) => `The worker counting the items of ${database} stopped (exit code ${code}).`,
  });
  try {
    return await worker.request(database);
  } finally {
    worker.dispose();
  }
}
