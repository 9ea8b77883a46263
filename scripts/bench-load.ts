/**
 * `npm run bench:load`: how long loading a big JSON Lines index takes, and how long the event loop is
 * blocked at a time while it does, through the same pure code the extension runs (src/ui/paperLibrary.ts
 * is only the VS Code glue around it):
 *
 * - baseline: parse, then build the catalog in one synchronous go (how loading worked before);
 * - cold, built in a worker: the worker thread the extension starts for big files on disk
 *   (dist/indexWorker.js, which `npm run bench:load` builds first) reads the files, builds the catalog and
 *   writes the cache, which the main thread then reads as a warm start does;
 * - cold: stream-parse the file (readArxivJsonl over a read stream) and build in slices (PaperCatalog.build),
 *   as the extension host does when the worker cannot;
 * - cache write: writeCatalogCache, as the extension does after a cold load;
 * - warm: read the cache (readCatalogCache in slices) into a ready catalog, as the second start does: in a
 *   new process (this script with `--read-cache`), then again in that process, as when an index changes.
 *
 * The longest block is the largest delay of the main thread's event loop seen by `perf_hooks.monitorEventLoopDelay` while
 * the phase runs; CPU is the process's user + system time (`process.cpuUsage`, all threads, GC included),
 * which, unlike wall-clock time, hardly grows when other processes share the cores. A script, not a test:
 * numbers vary with the machine and its load, so the load average is printed too, and first the longest
 * block of an idle event loop, the machine's own jitter. Run with `--expose-gc` (as `npm run bench:load`
 * does), each phase starts on a collected heap.
 *
 * With `--cache-reads N`, only the worker's cache is built, then read N times (a new process each), printing
 * each read's longest block: the slicing of the cache read is what keeps a second start responsive, and
 * its worst block varies from run to run with the garbage collector and the machine's load.
 *
 *   npm run bench:load [-- --size 100000] [--cache-reads 5]
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { arxivJsonlLine, generateCorpus } from '../src/bench/corpus';
import { inNewProcess } from '../src/bench/secondStart';
import { PaperCatalog } from '../src/catalog/catalog';
import type { IndexSource } from '../src/sources/paperSource';
import { runCatalogWorker } from '../src/catalog/catalogWorker';
import { runCooperatively } from '../src/shared/cooperative';
import { readCatalogCache, stampSources, writeCatalogCache, type CacheKey } from '../src/catalog/indexCache';
import { parseArxivJsonl, readArxivJsonl } from '../src/sources/jsonlSource';
import type { Paper } from '../src/papers/paper';
import { parseIndexText } from '../src/sources/parseIndex';

const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' }, 'cache-reads': { type: 'string' }, 'read-cache': { type: 'string' } } });
const positiveInteger = (option: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:load: --${option} must be a positive integer, got "${value}"\n`);
    process.exit(2);
  }
  return n;
};
const size = positiveInteger('size', values.size);
const cacheReads = values['cache-reads'] === undefined ? undefined : positiveInteger('cache-reads', values['cache-reads']);

interface Phase {
  readonly name: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly longestBlockMs: number;
}

/** Runs `work`, timing it and the longest event-loop block during it. */
async function measure<T>(name: string, work: () => Promise<T>): Promise<{ phase: Phase; result: T }> {
  // A phase starts on a collected heap, as a new process would: otherwise the full collection of an earlier
  // phase's catalog (a built one is ~200 MB of objects; 80–120 ms to collect) lands in the phase after it.
  globalThis.gc?.();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // Let the monitor's timer start before the work does.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = await work();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  // One more turn, so a block at the very end is seen.
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  return { phase: { name, ms, cpuMs: (cpu.user + cpu.system) / 1000, longestBlockMs: histogram.max / 1e6 }, result };
}

async function writeCorpus(file: string, papers: readonly Paper[]): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < papers.length; i += 1000) out.write(papers.slice(i, i + 1000).map(arxivJsonlLine).join(''));
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** Reads the cached catalog in `cacheFile` as the extension does; returns how many papers it holds. */
async function readCache(cacheFile: string, key: CacheKey): Promise<number> {
  const cached = await runCooperatively(readCatalogCache(cacheFile, key));
  if (cached.status !== 'hit') throw new Error(`The cache was not used: ${cached.status === 'rejected' ? cached.reason : 'missing'}`);
  const catalog = await PaperCatalog.fromContents(cached.contents);
  catalog.dispose();
  return catalog.size;
}

interface SecondStartRequest {
  readonly cacheFile: string;
  readonly key: CacheKey;
  readonly times: number;
}

/** Reads the cache `times` times in a new process (this script with `--read-cache`), as a second start does. */
function secondStart(cacheFile: string, key: CacheKey, times: number): Promise<{ phase: Phase; result: number }[]> {
  const request: SecondStartRequest = { cacheFile, key, times };
  return inNewProcess(__filename, '--read-cache', request);
}

async function readCacheInThisProcess(request: SecondStartRequest): Promise<void> {
  const reads = [];
  for (let i = 1; i <= request.times; i++) reads.push(await measure(i === 1 ? 'warm: read the cache (a new process)' : '  the same again in that process', () => readCache(request.cacheFile, request.key)));
  process.stdout.write(JSON.stringify(reads));
}

async function main(): Promise<void> {
  if (values['read-cache'] !== undefined) return readCacheInThisProcess(JSON.parse(values['read-cache']) as SecondStartRequest);
  const bundledPath = path.join(__dirname, '..', 'data', 'papers.json');
  const bundledText = readFileSync(bundledPath, 'utf8');
  const seed = parseIndexText(bundledText, bundledPath).papers;
  const folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-bench-load-'));
  const file = path.join(folder, 'snapshot.jsonl');
  try {
    await writeCorpus(file, generateCorpus(seed, size).papers.filter((paper) => paper.id.startsWith('syn-')));
    const fileBytes = statSync(file).size;
    console.log(`Load benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);
    console.log(`${size.toLocaleString('en-US')} papers: ${file} (${(fileBytes / 1e6).toFixed(0)} MB of JSON Lines) plus the bundled index`);

    const bundled = (): IndexSource => ({ name: 'Bundled papers', location: bundledPath, ...parseIndexText(bundledText, bundledPath) });
    const source = (parsed: { papers: readonly Paper[]; problems: IndexSource['problems'] }): IndexSource => ({ name: 'snapshot.jsonl', location: file, ...parsed });

    // The yardstick for every "longest block": an event loop with nothing to do still waits this long at times
    // on a shared or virtual machine.
    const idle = await measure('idle event loop for 1 s', () => new Promise((resolve) => setTimeout(resolve, 1000)));
    console.log(`idle event loop for 1 s: longest block ${idle.phase.longestBlockMs.toFixed(1)} ms`);
    const keyTemplate = '[auth:lower][shorttitle3_3][year]';
    const key: CacheKey = { keyTemplate, sources: await stampSources([bundledPath, file]) };
    // In two parts, to tell the blocks while the worker builds (the host's loop has nothing to do) from
    // those of reading its cache (the warm start's work).
    const workerBuild = await measure('  of which the worker builds', async () =>
      (await runCatalogWorker(
        path.join(__dirname, '..', 'dist', 'indexWorker.js'),
        { bundled: { file: bundledPath, displayName: 'Bundled papers' }, files: [file], keyTemplate, cacheFolder: path.join(folder, 'cache'), key },
        { onBytesRead: () => undefined, signal: new AbortController().signal },
      ))!,
    );
    if (cacheReads !== undefined) {
      for (let i = 1; i <= cacheReads; i++) {
        const [{ phase }] = await secondStart(workerBuild.result, key, 1);
        console.log(`cache read ${i}: ${phase.ms.toFixed(0)} ms, CPU ${phase.cpuMs.toFixed(0)} ms, longest block ${phase.longestBlockMs.toFixed(1)} ms, load average ${loadavg()[0].toFixed(1)}`);
      }
      return;
    }
    const workerRead = await measure('  of which the host reads its cache', () => readCache(workerBuild.result, key));
    // After the worker's phases, which a first start runs in a fresh process: freeing this build's gigabytes
    // makes the memory the next phases touch slow to come back.
    const baseline = await measure('baseline: parse, build in one go', async () => {
      const parsed = await parseArxivJsonl(createReadStream(file, { highWaterMark: 256 * 1024 }), file);
      return new PaperCatalog([bundled(), source(parsed)]).size;
    });
    const inWorker: Phase = {
      name: 'cold, built in a worker',
      ms: workerBuild.phase.ms + workerRead.phase.ms,
      cpuMs: workerBuild.phase.cpuMs + workerRead.phase.cpuMs,
      longestBlockMs: Math.max(workerBuild.phase.longestBlockMs, workerRead.phase.longestBlockMs),
    };
    const { cold, write, coldCount } = await (async () => {
      const built = await measure('cold: stream, build in slices', async () => {
        const papers: Paper[] = [];
        const problems: IndexSource['problems'][number][] = [];
        for await (const batch of readArxivJsonl(createReadStream(file, { highWaterMark: 256 * 1024 }), file)) {
          for (const paper of batch.papers) papers.push(paper);
          for (const problem of batch.problems) problems.push(problem);
        }
        return PaperCatalog.build([bundled(), source({ papers, problems })]);
      });
      const written = await measure('cache write', () => writeCatalogCache(path.join(folder, 'cache'), key, built.result.contents));
      return { cold: built.phase, write: written, coldCount: built.result.size };
    })();
    // A second start, in a process of its own as it is: one that had just freed a cold build's gigabytes
    // paid for the memory it touched again, 95 ms in one 256 KB read. Then the same again in that process,
    // as when an index file changes.
    const [warm, warmAgain] = await secondStart(write.result, key, 2);
    if (warm.result !== coldCount || baseline.result !== coldCount || workerRead.result !== coldCount) throw new Error('The catalogs differ in size.');

    const rows = [baseline.phase, inWorker, workerBuild.phase, workerRead.phase, cold, write.phase, warm.phase, warmAgain.phase];
    const width = Math.max(...rows.map((row) => row.name.length));
    console.log(`${'phase'.padEnd(width)}  ${'total ms'.padStart(9)}  ${'CPU ms'.padStart(7)}  ${'longest block ms'.padStart(16)}`);
    for (const row of rows) {
      console.log(`${row.name.padEnd(width)}  ${row.ms.toFixed(0).padStart(9)}  ${row.cpuMs.toFixed(0).padStart(7)}  ${row.longestBlockMs.toFixed(1).padStart(16)}`);
    }
    console.log(`cache file: ${(statSync(write.result).size / 1e6).toFixed(0)} MB`);
    console.log(`cold / baseline time: ${(cold.ms / baseline.phase.ms).toFixed(2)}×; warm / cold time: ${(warm.phase.ms / cold.ms).toFixed(3)}×`);
    console.log(`cold in a worker / cold in slices: time ${(inWorker.ms / cold.ms).toFixed(2)}×, longest block ${(inWorker.longestBlockMs / cold.longestBlockMs).toFixed(2)}×`);
    console.log(`load average at the end: ${loadavg()[0].toFixed(1)}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main();
