/**
 * Parsing .bib text in a worker thread. @retorquere/bibtex-parser is synchronous and slow — about 2.5 ms per
 * kilobyte of ordinary entries, and superlinear in a field's length (a 40,000-character abstract alone takes
 * about 0.4 s) — so in the extension host one hover over a key of a big bibliography, or one index .bib, held
 * its event loop for seconds. Here the parses run in one long-lived worker (the catalog worker's bundle,
 * `dist/indexWorker.js`, started in its parser role), one at a time, and the host only receives the entries.
 * Starting a worker loads the parser's megabyte of code, which takes about a second on a busy machine: one
 * worker kept while parses keep coming pays that once, not on every Insert Citation. It is stopped when idle,
 * and a parse that outlives its time limit is stopped with its worker (the next parse starts a new one).
 * Pure: no `vscode` import.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { parseBibliographyWithin } from './bibSource';
import type { BibEntry, BibParser } from '../bibtex/bibliography';

/** The `workerData` that starts `dist/indexWorker.js` as a .bib parser. */
export interface BibParserRole {
  readonly type: 'bibParser';
}

/** What the host sends for each parse. */
export interface BibParseRequest {
  readonly id: number;
  readonly text: string;
}

export type BibParseReply = { readonly id: number } & ({ readonly type: 'parsed'; readonly entries: BibEntry[] } | { readonly type: 'failed'; readonly message: string });

export function isBibParserRole(data: unknown): data is BibParserRole {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'bibParser';
}

/** The worker's side: answers every request, in order, with the entries (those too long to parse listed by key alone). */
export function serveBibParseRequests(): void {
  parentPort!.on('message', (request: BibParseRequest) => {
    void parseBibliographyWithin(request.text).then(
      (entries): BibParseReply => ({ id: request.id, type: 'parsed', entries }),
      (error: unknown): BibParseReply => ({ id: request.id, type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    ).then((reply) => parentPort!.postMessage(reply));
  });
}

/**
 * How long one parse may take before its worker is stopped: a safety net, well above what a real bibliography
 * takes (4 MB of ordinary entries: about 10 s on an idle machine, over a minute on a busy one).
 */
export const BIB_PARSE_TIMEOUT_MS = 300_000;

/** A worker with nothing to parse for this long is stopped; the next parse starts another. */
const IDLE_MS = 60_000;

/** A `BibParser` over one worker thread, and how to stop that worker. */
export interface WorkerBibParser {
  readonly parse: BibParser;
  dispose(): void;
}

/**
 * Parses each text in a worker started from `workerFile`, one text at a time in the order asked; a parse
 * rejects when it fails or takes longer than `timeoutMs`. The worker never keeps the process alive.
 */
export function workerBibParser(workerFile: string, timeoutMs = BIB_PARSE_TIMEOUT_MS): WorkerBibParser {
  let worker: Worker | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const stop = (): void => {
    clearTimeout(idleTimer);
    void worker?.terminate();
    worker = undefined;
  };

  const parseNow = (text: string): Promise<BibEntry[]> =>
    new Promise<BibEntry[]>((resolve, reject) => {
      clearTimeout(idleTimer);
      if (!worker) {
        worker = new Worker(workerFile, { workerData: { type: 'bibParser' } satisfies BibParserRole });
        worker.unref();
      }
      const current = worker;
      const id = ++nextId;
      const done = (finish: () => void): void => {
        clearTimeout(timer);
        current.off('message', onMessage);
        current.off('error', onError);
        current.off('exit', onExit);
        finish();
      };
      const onMessage = (reply: BibParseReply): void => {
        if (reply.id !== id) return;
        done(() => (reply.type === 'parsed' ? resolve(reply.entries) : reject(new Error(reply.message))));
        idleTimer = setTimeout(stop, IDLE_MS);
        idleTimer.unref?.();
      };
      const onError = (error: Error): void => {
        if (worker === current) worker = undefined;
        done(() => reject(error));
      };
      const onExit = (code: number): void => {
        if (worker === current) worker = undefined;
        done(() => reject(new Error(`The BibTeX worker stopped (exit code ${code}) before it finished.`)));
      };
      const timer = setTimeout(() => {
        done(() => reject(new Error(`Parsing the BibTeX file took longer than ${Math.round(timeoutMs / 1000)} s; stopped.`)));
        if (worker === current) stop();
      }, timeoutMs);
      current.on('message', onMessage);
      current.on('error', onError);
      current.on('exit', onExit);
      current.postMessage({ id, text } satisfies BibParseRequest);
    });

  return {
    parse: (text) => {
      const result = queue.then(() => parseNow(text));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose: stop,
  };
}
