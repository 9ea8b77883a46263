/**
 * The search benchmark: our engine (src/search/scaledSearch.ts) against two libraries on synthetic corpora
 * of growing size (./corpus.ts): MiniSearch, the best-kept index-based JavaScript search library, tuned as
 * its documentation advises for search-as-you-type (prefix on the last word, fuzzy on longer words, stopwords
 * dropped, title boosted), and plain fuse.js, which scans every paper. Run by `npm run bench` (scripts/bench.ts).
 * Node only (it writes the cache to a temporary file and reads it back); the extension never imports it.
 *
 * Per engine and size, in one process:
 * - build: the index from the papers in memory;
 * - load: reading the cache file written after the build and turning it into a ready search, papers
 *   included (ours: the binary cache of ../catalog/serialize.ts; MiniSearch: its own JSON,
 *   `MiniSearch.loadJSON`; fuse: JSON of the papers and of Fuse's own index, `Fuse.parseIndex`);
 * - heap: V8 heap plus array buffers after the load and a full GC, minus what was in use before it;
 * - per-keystroke latency: every prefix of every known-item query, as typed one character at a time
 *   (`search(prefix, 50)`, then the match ranges of the 20 rows a picker shows), grouped as typed words
 *   (title words, partial words, authors), misspelt words and abstract-only phrases;
 * - top 5: the share of known-item queries whose paper is among the first five results.
 * A library is skipped above the size where one of its queries took over 10 s (fuse.js also at a size where
 * a typical query would); where fuse.js runs, a time budget may limit it to the full queries and a sample of
 * keystrokes.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Fuse from 'fuse.js';
import MiniSearch, { type Options as MiniSearchOptions } from 'minisearch';
import type { Paper } from '../papers/paper';
import { buildSearchIndex } from '../search/engine/invertedIndex';
import { deserializeIndex, serializeIndex, type ByteReader } from '../catalog/serialize';
import { createScaledSearch } from '../search/scaledSearch';
import { generateCorpus } from './corpus';

export type Engine = 'ours' | 'minisearch' | 'fuse';

export type KnownItem = readonly [kind: string, query: string, expectedId: string];

export interface BenchRow {
  readonly engine: Engine;
  readonly size: number;
  readonly buildMs: number | null;
  readonly loadMs: number | null;
  readonly heapMB: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  /**
   * CPU time of the process per keystroke (all its threads), p50 and p95: unlike wall time, it does not grow
   * when other processes compete for the cores, so it tells a slow engine from a busy machine.
   */
  readonly p50CpuMs: number | null;
  readonly p95CpuMs: number | null;
  /** Share of known-item queries with their paper in the top 5, 0..1. */
  readonly top5: number | null;
  /**
   * Per kind of known-item query: how many of its queries found their paper in the top 5, of how many. Where
   * the rate falls with size it says which kind of query other papers start to answer as well.
   */
  readonly top5ByKind: Readonly<Record<string, { found: number; of: number }>>;
  /** Titles, authors and abstracts of the corpus, UTF-8. */
  readonly rawMB: number;
  /** Keystrokes timed. */
  readonly samples: number;
  /** p50/p95 per kind of query: typed words, misspelt words, abstract-only phrases. */
  readonly byKind: Readonly<Record<string, { p50Ms: number; p95Ms: number }>>;
  /** Why the engine was not measured at this size. */
  readonly skipped?: string;
}

export interface BenchOptions {
  readonly sizes: readonly number[];
  /** The seed index (the bundled papers): corpora grow from its vocabulary and embed its papers. */
  readonly seed: readonly Paper[];
  readonly knownItems: readonly KnownItem[];
  /** Progress and the human-readable table. */
  readonly log: (line: string) => void;
  /** fuse.js time budget per size for keystroke samples beyond the full queries. Default 30 s. */
  readonly fuseBudgetMs?: number;
  /** The libraries to measure beside ours. Default both. */
  readonly baselines?: readonly Exclude<Engine, 'ours'>[];
}

const LIMIT = 50;
const VISIBLE_ROWS = 20;
const QUERY_LIMIT_MS = 10_000;
const KIND_GROUP: Readonly<Record<string, string>> = {
  'title words': 'typed',
  partial: 'typed',
  author: 'typed',
  misspelt: 'misspelt',
  'abstract only': 'abstract',
};

interface Searcher {
  search(query: string, limit: number): { readonly id: string; readonly touch: () => void }[];
}

export function runSearchBench(options: BenchOptions): BenchRow[] {
  const gc = exposeGc();
  const heapLimitMB = getHeapStatistics().heap_size_limit / 2 ** 20;
  if (Math.max(...options.sizes) >= 500_000 && heapLimitMB < 6000) {
    options.log(`Note: V8's heap limit is ${heapLimitMB.toFixed(0)} MB; a million papers hold over a gigabyte of text twice over while the cache is written and read back; if it runs out, run with node --max-old-space-size=8192.`);
  }
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-bench-'));
  const baselines = options.baselines ?? ['minisearch', 'fuse'];
  let fuseCalibration: { size: number; medianMs: number } | undefined;
  const tooSlowAt = new Map<Engine, number>();
  try {
    for (const size of options.sizes) {
      // Each engine generates the (deterministic) corpus itself and drops it before loading from its cache,
      // so the heap after loading holds that engine and its papers only.
      const generate = (): { papers: Paper[]; rawMB: number } => {
        const t0 = performance.now();
        const { papers, stats } = generateCorpus(options.seed, size);
        const rawMB = stats.rawBytes / 2 ** 20;
        options.log(`  corpus generated in ${ms(performance.now() - t0)} ms, ${rawMB.toFixed(1)} MB of text`);
        return { papers, rawMB };
      };
      options.log(`\n${size.toLocaleString('en')} papers`);
      const ours = measureOurs(generate, options, dir, gc, size);
      const sizeRows = [ours];
      for (const engine of baselines) {
        const slowAt = tooSlowAt.get(engine);
        let reason = slowAt ? `a query took over 10 s at ${slowAt.toLocaleString('en')} papers` : undefined;
        if (engine === 'fuse' && !reason) {
          // fuse.js scans every paper: a size whose typical query would already take over 10 s is skipped too
          // (its 38 queries alone would take over six minutes). Without a smaller size measured first, a
          // 1000-paper sample calibrates.
          fuseCalibration ??= calibrateFuse(options, size);
          const projectedMedianMs = (fuseCalibration.medianMs * size) / fuseCalibration.size;
          if (projectedMedianMs > QUERY_LIMIT_MS) {
            reason = `a typical query is projected to take ${(projectedMedianMs / 1000).toFixed(0)} s (${(fuseCalibration.medianMs / 1000).toFixed(2)} s at ${fuseCalibration.size.toLocaleString('en')} papers)`;
          }
        }
        if (reason) {
          options.log(`  ${ENGINE_NAMES[engine]} skipped: ${reason}`);
          sizeRows.push({ engine, size, buildMs: null, loadMs: null, heapMB: null, p50Ms: null, p95Ms: null, top5: null, top5ByKind: {}, rawMB: ours.rawMB, p50CpuMs: null, p95CpuMs: null, samples: 0, byKind: {}, skipped: reason });
          continue;
        }
        const measured = measureLibrary(LIBRARIES[engine], generate, options, dir, gc, size);
        sizeRows.push(measured.row);
        if (engine === 'fuse') fuseCalibration = { size, medianMs: measured.row.p50Ms ?? 0 };
        if (measured.worstMs > QUERY_LIMIT_MS) tooSlowAt.set(engine, size);
      }
      rows.push(...sizeRows);
      printTable(options.log, sizeRows);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const ENGINE_NAMES: Readonly<Record<Engine, string>> = { ours: 'ours', minisearch: 'MiniSearch', fuse: 'fuse.js' };

const FUSE_OPTIONS = { keys: ['title', 'abstract'], ignoreLocation: true, includeMatches: true };

/** English function words, which MiniSearch's documentation suggests dropping through `processTerm`. */
const STOPWORDS = new Set(['a', 'an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'of', 'on', 'or', 'that', 'the', 'to', 'via', 'with']);

/**
 * MiniSearch as its documentation tunes it for search-as-you-type: every field indexed (authors as one text),
 * title boosted, stopwords dropped, the last query word matched as a prefix, and words of more than four
 * letters matched with up to 20 % edits (MiniSearch's own example uses 0.2).
 */
const MINISEARCH_OPTIONS: MiniSearchOptions<Paper> = {
  fields: ['title', 'authors', 'abstract'],
  extractField: (paper, field) => (field === 'authors' ? (paper.authors ?? []).join(' ') : String((paper as unknown as Record<string, unknown>)[field] ?? '')),
  processTerm: (term) => {
    const lower = term.toLowerCase();
    return STOPWORDS.has(lower) ? null : lower;
  },
  searchOptions: {
    boost: { title: 3, authors: 2 },
    prefix: (_term, index, terms) => index === terms.length - 1,
    fuzzy: (term) => (term.length > 4 ? 0.2 : false),
    combineWith: 'AND',
  },
};

/** A library measured beside ours: how it builds, what it writes as its cache, and how it searches after loading it. */
interface Library {
  readonly engine: Exclude<Engine, 'ours'>;
  build(papers: Paper[]): { readonly cacheJson: () => string };
  load(json: string): Searcher;
  /** fuse.js scans every paper per query: only a budget of keystrokes is affordable at 10k papers. */
  readonly budgeted: boolean;
}

const LIBRARIES: Readonly<Record<Exclude<Engine, 'ours'>, Library>> = {
  minisearch: {
    engine: 'minisearch',
    build: (papers) => {
      const mini = new MiniSearch<Paper>(MINISEARCH_OPTIONS);
      mini.addAll(papers);
      return { cacheJson: () => JSON.stringify(mini) };
    },
    load: (json) => {
      const mini = MiniSearch.loadJSON<Paper>(json, MINISEARCH_OPTIONS);
      return {
        search: (query, limit) =>
          mini.search(query).slice(0, limit).map((result) => ({ id: String(result.id), touch: () => void result.terms.length })),
      };
    },
    budgeted: false,
  },
  fuse: {
    engine: 'fuse',
    build: (papers) => {
      const fuse = new Fuse(papers, FUSE_OPTIONS);
      return { cacheJson: () => JSON.stringify({ papers, index: fuse.getIndex().toJSON() }) };
    },
    load: (json) => {
      const parsed = JSON.parse(json) as { papers: Paper[]; index: Parameters<typeof Fuse.parseIndex>[0] };
      const fuse = new Fuse(parsed.papers, FUSE_OPTIONS, Fuse.parseIndex<Paper>(parsed.index));
      return {
        search: (query, limit) =>
          fuse.search(query, { limit }).map((result) => ({ id: result.item.id, touch: () => void result.matches?.length })),
      };
    },
    budgeted: true,
  },
};

/**
 * Without a smaller size measured first: the median known-item query over a 1000-paper corpus, to project
 * fuse.js's time per query (linear in the number of papers).
 */
function calibrateFuse(options: BenchOptions, size: number): { size: number; medianMs: number } {
  const sample = generateCorpus(options.seed, Math.min(size, 1000)).papers;
  const fuse = new Fuse(sample, FUSE_OPTIONS);
  const times = options.knownItems.map(([, query]) => {
    const t = performance.now();
    fuse.search(query, { limit: LIMIT });
    return performance.now() - t;
  });
  return { size: sample.length, medianMs: percentile(times, 50) };
}

function measureOurs(
  generate: () => { papers: Paper[]; rawMB: number },
  options: BenchOptions,
  dir: string,
  gc: () => void,
  size: number,
): BenchRow {
  const log = options.log;
  // The baseline is taken before the corpus exists: anything still held after loading counts against the engine.
  gc();
  const before = heapInUse();
  let generated: { papers: Paper[]; rawMB: number } | undefined = generate();
  const rawMB = generated.rawMB;
  let papers = generated.papers;
  generated = undefined;
  let t = performance.now();
  let index: ReturnType<typeof buildSearchIndex> | undefined = buildSearchIndex(papers);
  const buildMs = performance.now() - t;
  log(`  ours: index built in ${ms(buildMs)} ms (${index.terms.size.toLocaleString('en')} terms, ${index.postImpact.length.toLocaleString('en')} postings, ${((index.postBytes.byteLength + index.fwdLow.byteLength + 2 * index.postImpact.byteLength + 4 * (index.postStart.length + index.postByteStart.length + index.fwdSegStart.length)) / 2 ** 20).toFixed(0)} MB)`);
  t = performance.now();
  const file = path.join(dir, `ours-${size}.bin`);
  writeChunks(file, serializeIndex(index, papers));
  log(`  ours: cache written in ${ms(performance.now() - t)} ms`);
  index = undefined;
  papers = [];
  gc();
  t = performance.now();
  // Open while the papers are searched: their abstracts (read for match ranges) are read from the file.
  const fd = openSync(file, 'r');
  try {
    const loaded = deserializeIndex(fileReader(fd));
    const search = createScaledSearch(loaded.papers ?? [], loaded.index);
    const loadMs = performance.now() - t;
    gc();
    const heapMB = (heapInUse() - before) / 2 ** 20;
    log(`  ours: loaded from cache in ${ms(loadMs)} ms, heap +${heapMB.toFixed(0)} MB`);
    const searcher: Searcher = {
      search: (query, limit) =>
        search.search(query, limit).map((hit) => ({
          id: hit.paper.id,
          touch: () => void hit.matches.length,
        })),
    };
    const { p50Ms, p95Ms, p50CpuMs, p95CpuMs, top5, top5ByKind, samples, byKind } = timeKeystrokes(searcher, options.knownItems, Infinity, true);
    return { engine: 'ours', size, buildMs, loadMs, heapMB, p50Ms, p95Ms, top5, top5ByKind, rawMB, p50CpuMs, p95CpuMs, samples, byKind };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

function measureLibrary(
  library: Library,
  generate: () => { papers: Paper[]; rawMB: number },
  options: BenchOptions,
  dir: string,
  gc: () => void,
  size: number,
): { row: BenchRow; worstMs: number } {
  const log = options.log;
  const name = ENGINE_NAMES[library.engine];
  // The baseline is taken before the corpus exists: anything still held after loading counts against the engine.
  gc();
  const before = heapInUse();
  let generated: { papers: Paper[]; rawMB: number } | undefined = generate();
  const rawMB = generated.rawMB;
  let papers = generated.papers;
  generated = undefined;
  let t = performance.now();
  let built: ReturnType<Library['build']> | undefined = library.build(papers);
  const buildMs = performance.now() - t;
  const file = path.join(dir, `${library.engine}-${size}.json`);
  writeChunks(file, [new TextEncoder().encode(built.cacheJson())]);
  built = undefined;
  papers = [];
  gc();
  t = performance.now();
  const fd = openSync(file, 'r');
  let json: string;
  try {
    json = new TextDecoder().decode(fileReader(fd)(0, fileSize(fd)));
  } finally {
    closeSync(fd);
  }
  const searcher = library.load(json);
  json = '';
  const loadMs = performance.now() - t;
  gc();
  const heapMB = (heapInUse() - before) / 2 ** 20;
  rmSync(file, { force: true });
  log(`  ${name}: built in ${ms(buildMs)} ms, loaded in ${ms(loadMs)} ms, heap +${heapMB.toFixed(0)} MB`);
  const budgetMs = library.budgeted ? (options.fuseBudgetMs ?? 30_000) : Infinity;
  const { worstMs, p50Ms, p95Ms, p50CpuMs, p95CpuMs, top5, top5ByKind, samples, byKind } = timeKeystrokes(searcher, options.knownItems, budgetMs, !library.budgeted);
  if (samples < keystrokes(options.knownItems).length) {
    log(`  ${name}: time budget allowed ${samples} of ${keystrokes(options.knownItems).length} keystrokes (full queries first, then a spread sample)`);
  }
  return { row: { engine: library.engine, size, buildMs, loadMs, heapMB, p50Ms, p95Ms, top5, top5ByKind, rawMB, p50CpuMs, p95CpuMs, samples, byKind }, worstMs };
}

export interface Keystroke {
  readonly group: string;
  readonly text: string;
  readonly full: boolean;
}

/** Every prefix of every query, as typed; the last one of each is the full query. */
export function keystrokes(items: readonly KnownItem[]): Keystroke[] {
  return items.flatMap(([kind, query]) =>
    Array.from({ length: query.length }, (_, i) => ({ group: KIND_GROUP[kind] ?? kind, text: query.slice(0, i + 1), full: i + 1 === query.length })),
  );
}

/**
 * Times every keystroke of every query (or, within `budgetMs`, the full queries and then a spread sample).
 * `warmUp`: type everything once untimed first, so the figures are the steady state rather than the JIT
 * compiler's first pass (fuse.js warms up within its first query, which scans every paper).
 */
function timeKeystrokes(
  searcher: Searcher,
  items: readonly KnownItem[],
  budgetMs: number,
  warmUp: boolean,
): Pick<BenchRow, 'p50Ms' | 'p95Ms' | 'p50CpuMs' | 'p95CpuMs' | 'top5' | 'top5ByKind' | 'samples' | 'byKind'> & { worstMs: number } {
  const cpu: number[] = [];
  const run = (text: string, limit: number): { ids: string[]; ms: number } => {
    const cpuBefore = process.cpuUsage();
    const t = performance.now();
    const hits = searcher.search(text, limit);
    for (const hit of hits.slice(0, VISIBLE_ROWS)) hit.touch();
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    return { ids: hits.map((hit) => hit.id), ms };
  };
  run('warm up', LIMIT);
  if (warmUp) for (const stroke of keystrokes(items)) run(stroke.text, LIMIT);
  cpu.length = 0;
  const samples: { group: string; ms: number }[] = [];
  let found = 0;
  const top5ByKind: Record<string, { found: number; of: number }> = {};
  let worstMs = 0;
  const started = performance.now();
  // Full queries first: they give the hit rate, and with a budget they are the samples that matter most.
  for (const [kind, query, expected] of items) {
    const { ids, ms: took } = run(query, LIMIT);
    const tally = (top5ByKind[kind] ??= { found: 0, of: 0 });
    tally.of++;
    if (ids.slice(0, 5).includes(expected)) {
      found++;
      tally.found++;
    }
    samples.push({ group: KIND_GROUP[kind] ?? kind, ms: took });
    worstMs = Math.max(worstMs, took);
  }
  const partial = keystrokes(items).filter((stroke) => !stroke.full);
  const spent = performance.now() - started;
  const perQuery = spent / Math.max(1, items.length);
  const affordable = Math.max(0, Math.floor((budgetMs - spent) / Math.max(perQuery, 1e-3)));
  const stride = affordable >= partial.length ? 1 : Math.ceil(partial.length / Math.max(1, affordable));
  for (let i = 0; i < partial.length; i += stride) {
    const { ms: took } = run(partial[i].text, LIMIT);
    samples.push({ group: partial[i].group, ms: took });
    worstMs = Math.max(worstMs, took);
  }
  const byKind: Record<string, { p50Ms: number; p95Ms: number }> = {};
  for (const group of [...new Set(samples.map((sample) => sample.group))]) {
    const times = samples.filter((sample) => sample.group === group).map((sample) => sample.ms);
    byKind[group] = { p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) };
  }
  const all = samples.map((sample) => sample.ms);
  return {
    p50Ms: percentile(all, 50),
    p95Ms: percentile(all, 95),
    p50CpuMs: percentile(cpu, 50),
    p95CpuMs: percentile(cpu, 95),
    top5: found / Math.max(1, items.length),
    top5ByKind,
    samples: samples.length,
    byKind,
    worstMs,
  };
}

/** The size's rows, ours first, then each library's ratio to ours (above 1×: ours is faster or smaller). */
function printTable(log: (line: string) => void, rows: readonly BenchRow[]): void {
  const [ours, ...libraries] = rows;
  const cell = (value: number | null, digits = 1): string => (value === null ? '—' : value.toFixed(digits));
  const ratio = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? '—' : `${(a / b).toFixed(1)}×`);
  const pad = (values: string[]): string => values.map((value, i) => (i === 0 ? value.padEnd(17) : value.padStart(10))).join(' ');
  log(pad(['engine', 'build ms', 'load ms', 'heap MB', 'heap/raw', 'p50 ms', 'p95 ms', 'cpu p50', 'cpu p95', 'top-5', 'keystrokes']));
  for (const row of rows) {
    log(
      pad([
        ENGINE_NAMES[row.engine],
        cell(row.buildMs, 0),
        cell(row.loadMs, 0),
        cell(row.heapMB, 0),
        row.heapMB === null ? '—' : `${(row.heapMB / row.rawMB).toFixed(2)}×`,
        cell(row.p50Ms, 2),
        cell(row.p95Ms, 2),
        cell(row.p50CpuMs, 2),
        cell(row.p95CpuMs, 2),
        row.top5 === null ? '—' : `${(row.top5 * 100).toFixed(0)} %`,
        String(row.samples),
      ]),
    );
  }
  for (const row of libraries) {
    log(pad([`${ENGINE_NAMES[row.engine]} / ours`, ratio(row.buildMs, ours.buildMs), ratio(row.loadMs, ours.loadMs), ratio(row.heapMB, ours.heapMB), '', ratio(row.p50Ms, ours.p50Ms), ratio(row.p95Ms, ours.p95Ms), ratio(row.p50CpuMs, ours.p50CpuMs), ratio(row.p95CpuMs, ours.p95CpuMs), '', '']));
  }
  for (const row of rows) {
    const kinds = Object.entries(row.byKind).map(([group, { p50Ms, p95Ms }]) => `${group} ${p50Ms.toFixed(2)}/${p95Ms.toFixed(2)}`);
    if (kinds.length > 0) log(`  ${ENGINE_NAMES[row.engine]} p50/p95 ms by kind: ${kinds.join(', ')}`);
  }
  for (const row of rows) {
    const kinds = Object.entries(row.top5ByKind).map(([kind, { found, of }]) => `${kind} ${found}/${of}`);
    if (kinds.length > 0) log(`  ${ENGINE_NAMES[row.engine]} top-5 by kind of query: ${kinds.join(', ')}`);
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function ms(value: number): string {
  return value.toFixed(0);
}

function heapInUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * Full GCs until the heap stops shrinking, without requiring `--expose-gc` on the command line. One is not
 * enough: V8 frees array buffers' memory after a collection, concurrently, and objects that died while a
 * collection was under way wait for the next one.
 */
function exposeGc(): () => void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  const collect = gc;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return () => {
    let previous = Infinity;
    for (let round = 0; round < 20; round++) {
      collect();
      // Let V8's background threads finish freeing (a synchronous sleep).
      Atomics.wait(pause, 0, 0, 20);
      const now = heapInUse();
      if (round >= 2 && now > previous * 0.995) break;
      previous = Math.min(previous, now);
    }
  };
}

function writeChunks(file: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.byteLength; ) at += writeSync(fd, chunk, at, Math.min(chunk.byteLength - at, 1 << 30));
    }
  } finally {
    closeSync(fd);
  }
}

function fileSize(fd: number): number {
  return fstatSync(fd).size;
}

/** Reads each range into a buffer of its own (not Node's shared pool), or into `scratch`, as `ByteReader` asks. */
function fileReader(fd: number): ByteReader {
  return (offset, length, scratch) => {
    const out = scratch ? scratch.subarray(0, length) : new Uint8Array(length);
    for (let at = 0; at < length; ) {
      const n = readSync(fd, out, at, Math.min(length - at, 1 << 30), offset + at);
      if (n === 0) break;
      at += n;
    }
    return out;
  };
}
