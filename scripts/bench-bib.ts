/**
 * `npm run bench:bib`: how long the extension host's event loop is blocked at a time while .bib text is
 * parsed, in this thread (how it was) and in a worker thread (src/sources/bibParseWorker.ts, run from
 * dist/indexWorker.js, which `npm run bench:bib` builds first), for the three shapes of .bib that held the
 * host for seconds:
 *
 * - an index .bib of 925 KB: 19 entries, each just under the 50,000-character entry cap;
 * - a document's bibliography of 300 KB holding one 300,000-character abstract (hover and completion read it);
 * - a document's bibliography of 4 MB of ordinary entries (1,500-character abstracts), the largest that hover
 *   and completion read.
 *
 * The longest block is the largest delay of the main thread's event loop seen by
 * `perf_hooks.monitorEventLoopDelay` while the phase runs; "main thread busy" is the time its event loop was
 * not idle in the phase (`performance.eventLoopUtilization`), all of its work together, which bounds the
 * longest block this work could cause; on a busy machine the longest block also holds the time the thread
 * waited for a core. A script, not a test: numbers vary with the machine
 * and its load, so the load average is printed too, and first the longest block of an idle event loop. `--skip-slow` leaves out the parses in this thread
 * (minutes on a busy machine; the 300,000-character abstract alone about half a minute on an idle one).
 */
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseBibEntries } from '../src/bibtex/bibliography';
import { workerBibParser } from '../src/sources/bibParseWorker';
import { parseBibIndexText } from '../src/sources/bibSource';

const workerFile = path.join(__dirname, '..', 'dist', 'indexWorker.js');
const skipSlow = process.argv.includes('--skip-slow');

const WORDS = 'graph neural networks learn representations of nodes and edges by passing messages along the structure'.split(' ');
function prose(characters: number, seed = 0): string {
  let text = '';
  for (let i = seed; text.length < characters; i++) text += `${WORDS[i % WORDS.length]} `;
  return text.slice(0, characters).trim();
}
const entry = (key: string, abstractCharacters: number, i: number): string =>
  `@article{${key},\n  title = {Paper Number ${i} on Graph Learning},\n  author = {Doe, Jane and Roe, Richard},\n  journal = {Journal of Tests},\n  year = {2020},\n  abstract = {${prose(abstractCharacters, i)}}\n}\n`;

const longEntriesIndex = Array.from({ length: 19 }, (_, i) => entry(`long${i}`, 48_500, i)).join('');
const oneHugeAbstract = entry('huge', 300_000, 0);
const ordinary: string[] = [];
for (let i = 0, size = 0; size < 4 * 1024 * 1024; i++) size += (ordinary[i] = entry(`p${i}`, 1_500, i)).length;
const ordinaryBibliography = ordinary.join('');

async function measure(label: string, work: () => Promise<unknown>): Promise<void> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  const utilization = performance.eventLoopUtilization();
  await work();
  const ms = performance.now() - started;
  const busy = performance.eventLoopUtilization(utilization).active;
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  console.log(
    `${label.padEnd(72)} total ${(ms / 1000).toFixed(2).padStart(6)} s   main thread busy ${Math.round(busy).toString().padStart(6)} ms   longest block ${Math.round(histogram.max / 1e6).toString().padStart(6)} ms`,
  );
}

async function main(): Promise<void> {
  const worker = workerBibParser(workerFile);
  const inWorker = worker.parse;
  console.log(`load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const kb = (text: string): string => `${Math.round(text.length / 1024)} KB`;
  // The parser is loaded once first, so no phase pays for loading it.
  await parseBibEntries(entry('warm', 100, 0));
  await measure('idle event loop for 2 s (this machine\'s own jitter)', () => new Promise((resolve) => setTimeout(resolve, 2000)));
  if (!skipSlow) await measure(`index .bib, 19 entries under the cap (${kb(longEntriesIndex)}), in the host`, () => parseBibIndexText(longEntriesIndex, 'long.bib'));
  await measure(`index .bib, 19 entries under the cap (${kb(longEntriesIndex)}), in a worker`, () => parseBibIndexText(longEntriesIndex, 'long.bib', inWorker));
  if (!skipSlow) await measure(`bibliography, one 300,000-character abstract (${kb(oneHugeAbstract)}), in the host`, () => parseBibEntries(oneHugeAbstract));
  await measure(`bibliography, one 300,000-character abstract (${kb(oneHugeAbstract)}), in a worker`, () => inWorker(oneHugeAbstract));
  if (!skipSlow) await measure(`bibliography, ${ordinary.length} ordinary entries (${kb(ordinaryBibliography)}), in the host`, () => parseBibEntries(ordinaryBibliography));
  await measure(`bibliography, ${ordinary.length} ordinary entries (${kb(ordinaryBibliography)}), in a worker`, () => inWorker(ordinaryBibliography));
  await measure('a one-entry bibliography in the worker already started (an Insert Citation)', () => inWorker(entry('small', 100, 0)));
  worker.dispose();
}

void main();
