/**
 * Parsing .bib text in a worker thread. @retorquere/bibtex-parser is synchronous and slow — about 2.5 ms per
 * kilobyte of ordinary entries, and superlinear in a field's length (a 40,000-character abstract alone takes
 * about 0.4 s) — so in the extension host one hover over a key of a big bibliography, or one index .bib, held
 * its event loop for seconds. Here each parse runs in a worker of its own (the catalog worker's bundle,
 * `dist/indexWorker.js`, which dispatches on the request), and the host only receives the entries. A parse
 * that outlives its time limit is stopped with its worker. Pure: no `vscode` import.
 */
import { Worker } from 'node:worker_threads';
import { parseBibliographyWithin } from '../index/bibSource';
import type { BibEntry, BibParser } from './bibliography';

/** What the host sends: the text to parse. */
export interface BibParseRequest {
  readonly type: 'parseBib';
  readonly text: string;
}

export type BibParseReply = { readonly type: 'parsed'; readonly entries: BibEntry[] } | { readonly type: 'failed'; readonly message: string };

export function isBibParseRequest(data: unknown): data is BibParseRequest {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'parseBib';
}

/** The worker's side: parses the request's text, entries too long to parse listed by key alone (`parseBibliographyWithin`). */
export async function answerBibParseRequest(request: BibParseRequest): Promise<BibParseReply> {
  try {
    return { type: 'parsed', entries: await parseBibliographyWithin(request.text) };
  } catch (error) {
    return { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * How long one parse may take before its worker is stopped: a safety net, well above what a real bibliography
 * takes (4 MB of ordinary entries: about 10 s on an idle machine, over a minute on a busy one).
 */
export const BIB_PARSE_TIMEOUT_MS = 300_000;

/**
 * A `BibParser` that parses each text in a new worker started from `workerFile`; rejects when the parse fails
 * or takes longer than `timeoutMs`.
 */
export function workerBibParser(workerFile: string, timeoutMs = BIB_PARSE_TIMEOUT_MS): BibParser {
  return (text) =>
    new Promise<BibEntry[]>((resolve, reject) => {
      const request: BibParseRequest = { type: 'parseBib', text };
      const worker = new Worker(workerFile, { workerData: request });
      let settled = false;
      const settle = (finish: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate().finally(finish);
      };
      const timer = setTimeout(() => settle(() => reject(new Error(`Parsing the BibTeX file took longer than ${Math.round(timeoutMs / 1000)} s; stopped.`))), timeoutMs);
      worker.on('message', (reply: BibParseReply) => settle(() => (reply.type === 'parsed' ? resolve(reply.entries) : reject(new Error(reply.message)))));
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', (code) => settle(() => reject(new Error(`The BibTeX worker stopped (exit code ${code}) before it finished.`))));
    });
}
