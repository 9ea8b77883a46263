/**
 * Parsing bibliography text in a worker thread. @retorquere/bibtex-parser is synchronous and slow — about 2.5 ms per
 * kilobyte of ordinary entries, and superlinear in a field's length (a 40,000-character abstract alone takes
 * about 0.4 s) — so in the extension host one hover over a key of a big bibliography, or one index .bib, held
 * its event loop for seconds. Hayagriva YAML (a Typst document's `.yml` bibliography) is read faster but still in
 * proportion to its size, so it is read here too. The parses run in one long-lived worker (the catalog worker's
 * bundle, `dist/indexWorker.js`, started in its parser role), one at a time, and the host only receives the entries.
 * Starting a worker loads the parser's megabyte of code: one worker kept while parses keep coming
 * (../shared/requestWorker.ts) pays that once, not on every Insert Citation.
 * Pure: no `vscode` import.
 */
import { requestWorker, serveRequests } from '../shared/requestWorker';
import { parseBibliographyWithin } from './bibSource';
import type { BibEntry, BibParser } from '../bibtex/bibliography';

/** The `workerData` that starts `dist/indexWorker.js` as a .bib parser. */
export interface BibParserRole {
  readonly type: 'bibParser';
}

export function isBibParserRole(data: unknown): data is BibParserRole {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'bibParser';
}

/** One parse: a bibliography's text and its format. */
export interface BibParseRequest {
  readonly format: 'bibtex' | 'hayagriva';
  readonly text: string;
}

/**
 * The worker's side: answers every request, in order, with its entries — BibTeX's with those too long to parse
 * listed by key alone, Hayagriva's read by `readHayagriva` (../citation/hayagriva.ts, a folder this one may not import).
 */
export function serveBibParseRequests(readHayagriva: (text: string) => BibEntry[]): void {
  serveRequests<BibParseRequest, BibEntry[]>(({ format, text }) => (format === 'hayagriva' ? readHayagriva(text) : parseBibliographyWithin(text)));
}

/**
 * How long one parse may take before its worker is stopped: a safety net, well above what a real bibliography
 * takes (4 MB of ordinary entries: about 10 s on an idle machine, over a minute on a busy one).
 */
export const BIB_PARSE_TIMEOUT_MS = 300_000;

/** A `BibParser` for each format over one worker thread, and how to stop that worker. */
export interface WorkerBibParser {
  readonly parse: BibParser;
  readonly parseHayagriva: BibParser;
  dispose(): void;
}

/**
 * Parses each text in a worker started from `workerFile`, one text at a time in the order asked; a parse
 * rejects when it fails or takes longer than `timeoutMs`. The worker never keeps the process alive.
 */
export function workerBibParser(workerFile: string, timeoutMs = BIB_PARSE_TIMEOUT_MS): WorkerBibParser {
  const worker = requestWorker<BibParseRequest, BibEntry[]>(workerFile, {
    workerData: { type: 'bibParser' } satisfies BibParserRole,
    timeoutMs,
    timedOut: `Parsing the bibliography took longer than ${Math.round(timeoutMs / 1000)} s; stopped.`,
    stopped: (code) => `The bibliography worker stopped (exit code ${code}) before it finished.`,
  });
  return {
    parse: (text) => worker.request({ format: 'bibtex', text }),
    parseHayagriva: (text) => worker.request({ format: 'hayagriva', text }),
    dispose: () => worker.dispose(),
  };
}
