/**
 * `npm run bench:related`: how long finding related papers takes (src/search/related.ts, "more like this"
 * over the search index) in synthetic catalogs grown from the bundled papers (src/bench/corpus.ts), against
 * the TF-IDF cosine it replaced (src/bench/tfidfRelated.ts), in the same process.
 *
 * Per size: building the search index (which the catalog has anyway, and which the extension builds in
 * slices or reads from its cache), then the five related papers of every bundled paper and of 50 synthetic
 * papers spread through the catalog, each query timed on its own and run as the steps the catalog runs in
 * slices (`relatedSteps`). A query's total is its CPU cost; the longest step between its pauses is the
 * most it can hold the event loop at once, since the extension pauses about every 10 ms. The first query is
 * shown apart: it also pays for compiling the code and allocating the scores. The baseline cannot pause:
 * its build, the TF-IDF vectors made in one synchronous go on the first query, and each query block.
 *
 * Quality, as far as a synthetic catalog can tell:
 * - state space: the catalog grows from the bundled papers other than the four on state-space models,
 *   which are then added, so the rest are thousands of papers on other topics that share the vocabulary of
 *   machine learning. Of the three other state-space papers, the share each of the four lists among its
 *   five. (Grown from all bundled papers, a catalog has synthetic papers that copy the state-space papers'
 *   distinctive phrases, and those rightly come first.) The first row is the catalog of the bundled papers
 *   alone, for reference.
 * - agreement: of TF-IDF's five related papers per query, the share "more like this" lists too.
 * A script, not a test: times vary with the machine and its load, so the load average is printed too.
 *
 *   npm run bench:related [-- --sizes 10000,100000] [-- --baseline-sizes 10000]
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../src/bench/corpus';
import { createTfidfRelatedPapers } from '../src/bench/tfidfRelated';
import type { Steps } from '../src/shared/cooperative';
import { buildSearchIndex } from '../src/search/engine/invertedIndex';
import type { Paper } from '../src/papers/paper';
import { parseIndexText } from '../src/sources/parseIndex';
import { createRelatedPapers } from '../src/search/related';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    'baseline-sizes': { type: 'string', default: '10000' },
  },
});
const sizeList = (text: string | undefined, option: string): number[] => {
  const sizes = (text ?? '').split(',').filter((part) => part !== '').map(Number);
  if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    process.stderr.write(`bench:related: --${option} must be positive integers separated by commas, got "${text}"\n`);
    process.exit(2);
  }
  return sizes;
};
const sizes = sizeList(values.sizes, 'sizes');
const baselineSizes = new Set(sizeList(values['baseline-sizes'], 'baseline-sizes'));

const bundledPath = path.join(__dirname, '..', 'data', 'papers.json');
const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;
const STATE_SPACE_PAPERS = [
  'efficiently-modeling-long-sequences-with-structured-state-spaces',
  'combining-recurrent-convolutional-and-continuous-time-models-with-linear-state',
  'convolutional-state-space-models-for-long-range-spatiotemporal-modeling',
  'graph-mamba-towards-learning-on-graphs-with-state-space-models',
];
const SYNTHETIC_QUERIES = 50;

/** Related ids per query paper; each query's milliseconds, in all and in its longest step. */
interface Run {
  readonly related: ReadonlyMap<string, readonly string[]>;
  readonly ms: readonly number[];
  readonly longestStepMs: number;
}

/** Runs each query's steps to the end, as `runCooperatively` would with no pauses, timing each step. */
function run(steps: (paper: Paper) => Steps<Paper[]>, queries: readonly Paper[]): Run {
  const ids = new Map<string, string[]>();
  const ms: number[] = [];
  let longestStepMs = 0;
  for (const paper of queries) {
    const started = performance.now();
    const query = steps(paper);
    for (;;) {
      const stepStarted = performance.now();
      const next = query.next();
      longestStepMs = Math.max(longestStepMs, performance.now() - stepStarted);
      if (next.done) {
        ids.set(paper.id, next.value.map((other) => other.id));
        break;
      }
    }
    ms.push(performance.now() - started);
  }
  return { related: ids, ms, longestStepMs };
}

/** Of the other state-space papers, the share each state-space paper lists. */
function stateSpaceFound({ related }: Run): number {
  let found = 0;
  for (const id of STATE_SPACE_PAPERS) found += STATE_SPACE_PAPERS.filter((other) => other !== id && related.get(id)?.includes(other)).length;
  return found / (STATE_SPACE_PAPERS.length * (STATE_SPACE_PAPERS.length - 1));
}

/** Of `expected`'s lists, the share that `actual`'s lists also hold. */
function agreement(expected: Run, actual: Run): number {
  let wanted = 0;
  let found = 0;
  for (const [id, list] of expected.related) {
    const other = actual.related.get(id) ?? [];
    wanted += list.length;
    found += list.filter((related) => other.includes(related)).length;
  }
  return wanted === 0 ? 1 : found / wanted;
}

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(0));
const percent = (share: number): string => `${Math.round(share * 100)} %`;
const loads = (): string => loadavg().map((load) => load.toFixed(2)).join(' ');

const COLUMNS = [
  ['papers', 9],
  ['method', 14],
  ['build s', 8],
  ['queries', 7],
  ['first ms', 8],
  ['p50 ms', 7],
  ['p95 ms', 7],
  ['max ms', 7],
  ['longest step ms', 15],
  ['state space', 11],
  ['agreement', 9],
] as const;

function row(cells: readonly string[]): void {
  console.log(cells.map((cell, i) => (i < 2 ? cell.padEnd(COLUMNS[i][1]) : cell.padStart(COLUMNS[i][1]))).join('  '));
}

/** A table row for one method; the first query is its own column, the percentiles are of the others. */
function report(label: string, method: string, build: string, result: Run, stateSpace: number, agreed?: number): { p50: number; p95: number } {
  const [first, ...rest] = result.ms;
  const sorted = [...rest].sort((a, b) => a - b);
  const at = (share: number): number => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
  const summary = { p50: at(0.5), p95: at(0.95) };
  const cells = [label, method, build, String(result.ms.length), ms(first), ms(summary.p50), ms(summary.p95), ms(sorted[sorted.length - 1]), ms(result.longestStepMs)];
  row([...cells, percent(stateSpace), agreed === undefined ? '' : percent(agreed)]);
  return summary;
}

function measure(label: string, papers: readonly Paper[], queries: readonly Paper[], withBaseline: boolean): void {
  let started = performance.now();
  const index = buildSearchIndex(papers);
  const indexSeconds = (performance.now() - started) / 1000;
  const related = createRelatedPapers(papers, index);
  const ours = run((paper) => related.relatedSteps(paper), queries);
  if (!withBaseline) {
    report(label, 'more like this', `(${indexSeconds.toFixed(1)})`, ours, stateSpaceFound(ours));
    return;
  }
  started = performance.now();
  const tfidf = createTfidfRelatedPapers(papers);
  const buildMs = performance.now() - started;
  // eslint-disable-next-line require-yield -- one step: the baseline cannot pause
  const baseline = run(function* (paper) {
    return tfidf.related(paper);
  }, queries);
  const fast = report(label, 'more like this', `(${indexSeconds.toFixed(1)})`, ours, stateSpaceFound(ours), agreement(baseline, ours));
  const slow = report(label, 'TF-IDF', (buildMs / 1000).toFixed(1), baseline, stateSpaceFound(baseline));
  // Before, the first related papers held the event loop for the build and a query; now for one step.
  const slowBlock = buildMs + baseline.ms[0];
  console.log(
    `  ${label} papers, TF-IDF / more like this: p50 ${(slow.p50 / fast.p50).toFixed(1)}×, p95 ${(slow.p95 / fast.p95).toFixed(1)}×, ` +
      `longest block ${ms(slowBlock)} ms / ${ms(ours.longestStepMs)} ms = ${(slowBlock / ours.longestStepMs).toFixed(0)}×`,
  );
}

function main(): void {
  console.log(`Related-papers benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, load average ${loads()}`);
  row(COLUMNS.map(([name]) => name));
  measure('bundled', bundled, bundled, true);
  const stateSpace = bundled.filter((paper) => STATE_SPACE_PAPERS.includes(paper.id));
  const otherTopics = bundled.filter((paper) => !STATE_SPACE_PAPERS.includes(paper.id));
  for (const size of sizes) {
    const papers = [...generateCorpus(otherTopics, size - stateSpace.length).papers, ...stateSpace];
    const synthetic = papers.filter((paper) => paper.id.startsWith('syn-'));
    const spread = Array.from({ length: Math.min(SYNTHETIC_QUERIES, synthetic.length) }, (_, i) => synthetic[Math.floor((i * synthetic.length) / SYNTHETIC_QUERIES)]);
    measure(size.toLocaleString('en-US'), papers, [...bundled, ...spread], baselineSizes.has(size));
  }
  console.log('build s: making the TF-IDF vectors, on the first query; in parentheses the search index, which the catalog has anyway.');
  console.log('first ms: the first query; p50, p95 and max ms: the others; longest step: of all, the longest stretch between pauses.');
  console.log("state space: share of the other state-space papers each one lists; agreement: share of TF-IDF's related papers also listed.");
  console.log(`load average at the end: ${loads()}`);
}

main();
