/**
 * One long-lived worker thread that answers requests one at a time, for work too slow for the extension host's event
 * loop (parsing a .bib, compiling a CSL style). Starting a worker loads its code, about a second on a busy machine, so
 * the worker is kept while requests keep coming and stopped when idle; a request that outlives its time limit is
 * stopped with its worker, and the next request starts another. The worker never keeps the process alive. Pure: no
 * `vscode` import.
 *
 * The worker's side: `serveRequests(handle)`; it answers each `{ id, request }` with `{ id, reply }` or
 * `{ id, failure }`.
 */
import { parentPort, Worker } from 'node:worker_threads';

interface Envelope<Request> {
  readonly id: number;
  readonly request: Request;
}

type ReplyEnvelope<Reply> = { readonly id: number } & ({ readonly reply: Reply } | { readonly failure: string });

/** A worker with nothing to do for this long is stopped; the next request starts another. */
const IDLE_MS = 60_000;

export interface RequestWorkerOptions {
  /** What the worker is started with: which of the bundle's roles it plays. */
  readonly workerData: unknown;
  /** How long one request may take before the worker is stopped. */
  readonly timeoutMs: number;
  /** The message of a request that timed out, and of a worker that stopped (`exit code N`) before it answered. */
  readonly timedOut: string;
  readonly stopped: (exitCode: number) => string;
}

export interface RequestWorker<Request, Reply> {
  /** Sends `request`, after the ones asked before it; rejects when it fails, times out or the worker dies. */
  request(request: Request): Promise<Reply>;
  dispose(): void;
}

export function requestWorker<Request, Reply>(workerFile: string, options: RequestWorkerOptions): RequestWorker<Request, Reply> {
  let worker: Worker | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const stop = (): void => {
    clearTimeout(idleTimer);
    void worker?.terminate();
    worker = undefined;
  };

  const send = (request: Request): Promise<Reply> =>
    new Promise<Reply>((resolve, reject) => {
      clearTimeout(idleTimer);
      if (!worker) {
        worker = new Worker(workerFile, { workerData: options.workerData });
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
      const onMessage = (answer: ReplyEnvelope<Reply>): void => {
        if (answer.id !== id) return;
        done(() => ('reply' in answer ? resolve(answer.reply) : reject(new Error(answer.failure))));
        idleTimer = setTimeout(stop, IDLE_MS);
        idleTimer.unref?.();
      };
      const onError = (error: Error): void => {
        if (worker === current) worker = undefined;
        done(() => reject(error));
      };
      const onExit = (code: number): void => {
        if (worker === current) worker = undefined;
        done(() => reject(new Error(options.stopped(code))));
      };
      const timer = setTimeout(() => {
        done(() => reject(new Error(options.timedOut)));
        if (worker === current) stop();
      }, options.timeoutMs);
      current.on('message', onMessage);
      current.on('error', onError);
      current.on('exit', onExit);
      current.postMessage({ id, request } satisfies Envelope<Request>);
    });

  return {
    request: (request) => {
      const result = queue.then(() => send(request));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose: stop,
  };
}

/** In the worker: answers every request with `handle`'s result, or its error's message. */
export function serveRequests<Request, Reply>(handle: (request: Request) => Promise<Reply> | Reply): void {
  parentPort!.on('message', ({ id, request }: Envelope<Request>) => {
    void Promise.resolve()
      .then(() => handle(request))
      .then(
        (reply): ReplyEnvelope<Reply> => ({ id, reply }),
        (error: unknown): ReplyEnvelope<Reply> => ({ id, failure: error instanceof Error ? error.message : String(error) }),
      )
      .then((answer) => parentPort!.postMessage(answer));
  });
}
