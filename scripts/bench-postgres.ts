/**
 * `npm run bench:postgres`: the shared catalog (src/postgres/) on a real PostgreSQL, on 127.0.0.1, against the
 * local engine, on the search benchmark's synthetic corpus (src/bench/corpus.ts) and known-item queries.
 *
 *   npm run bench:postgres [-- --sizes 1000000,2500000] [-- --no-local] [-- --corpus FILE.jsonl] [-- --url postgresql://…]
 *
 * `--corpus` loads a JSON Lines file written by an earlier run (the generator takes minutes at a million papers)
 * instead of generating one; the local engine then searches the papers read back from it.
 * `--url` measures the searches of a catalog loaded before (by `paper-lookup load --into`, which prints the load's
 * throughput) instead of starting a cluster and loading one: a change to the search is measured again in minutes,
 * where a load of millions of papers takes a quarter of an hour or more. Give `--corpus` too for the local engine;
 * `--sizes` is not used. Like a run with a cluster of its own, it runs VACUUM ANALYZE on the papers first, so the
 * catalog is measured as a settled one (visibility map set, statistics current).
 *
 * Per size, in a throwaway cluster (scripts/postgres-cluster.mjs) given more memory than the default:
 * - load: the corpus written as an arXiv JSON Lines file, loaded by the loader the CLI runs (read, COPY, upsert,
 *   index maintenance), in papers per second; then the table's and its indexes' sizes on disk;
 * - per keystroke: every prefix of every known-item query, typed one character at a time, each a search of
 *   50 papers over one connection (the picker's default limit), timed from the call to the papers in hand,
 *   after one untimed pass (the server's caches warm, as in use);
 * - top 5: the share of known-item queries whose paper is among the first five.
 * The local engine (src/search/scaledSearch.ts) runs the same keystrokes on the same corpus, for comparison.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { arxivJsonlLine, generateCorpus } from '../src/bench/corpus';
import { keystrokes, percentile, type KnownItem } from '../src/bench/searchBench';
import { clientConfig } from '../src/postgres/connection';
import { loadFiles } from '../src/postgres/loader';
import { ensureSchema, PAPERS_TABLE, TOP_PAPERS_TABLE, WORDS_TABLE } from '../src/postgres/schema';
import { connect, PostgresCatalog } from '../src/postgres/search';
import { createScaledSearch } from '../src/search/scaledSearch';
import { parseIndexText } from '../src/sources/parseIndex';
import { parseArxivJsonl } from '../src/sources/jsonlSource';
import { regularFileChunks } from '../src/sources/regularFile';
import { CHUNK_BYTES } from '../src/sources/sourceFiles';
import type { Paper } from '../src/papers/paper';
import { KNOWN_ITEMS } from '../test/fixtures/knownItems';

const LIMIT = 50;

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000000' }, 'no-local': { type: 'boolean', default: false }, corpus: { type: 'string' }, url: { type: 'string' } } });
const sizes = (values.sizes ?? '').split(',').map(Number);
if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
  process.stderr.write(`bench:postgres: --sizes must be positive integers separated by commas, got "${values.sizes}"\n`);
  process.exit(2);
}
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface Timing {
  p50: number;
  p95: number;
  top5: number;
  byKind: string;
}

/** Times every keystroke of every known-item query with `search`, after an untimed pass; and the top-5 rate. */
async function measure(search: (query: string) => Promise<readonly string[]>, items: readonly KnownItem[]): Promise<Timing> {
  const strokes = keystrokes(items);
  for (const stroke of strokes) await search(stroke.text);
  const times: number[] = [];
  for (const stroke of strokes) {
    const t = performance.now();
    await search(stroke.text);
    times.push(performance.now() - t);
  }
  let found = 0;
  const tally = new Map<string, { found: number; of: number }>();
  for (const [kind, query, expected] of items) {
    const ids = await search(query);
    const kindTally = tally.get(kind) ?? { found: 0, of: 0 };
    kindTally.of++;
    if (ids.slice(0, 5).includes(expected)) {
      found++;
      kindTally.found++;
    }
    tally.set(kind, kindTally);
  }
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    top5: found / items.length,
    byKind: [...tally].map(([kind, { found: hits, of }]) => `${kind} ${hits}/${of}`).join(', '),
  };
}

const formatMs = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Loads `file` into the catalog at `url` as the CLI does, and prints the throughput. */
async function load(url: string, file: string): Promise<void> {
  const client = await connect(clientConfig(url, undefined, { statementTimeoutMs: 0 }));
  try {
    await ensureSchema(client);
    const t = performance.now();
    let lastLog = t;
    const counts = await loadFiles(client, [file], {
      batchSize: 10_000,
      onProgress: ({ papers: read }) => {
        if (performance.now() - lastLog < 30_000) return;
        lastLog = performance.now();
        log(`    ${read.toLocaleString('en')} papers loaded, ${Math.round(read / ((lastLog - t) / 1000))} papers/s`);
      },
    });
    const loadSeconds = (performance.now() - t) / 1000;
    log(`  load: ${counts.read.toLocaleString('en')} papers in ${loadSeconds.toFixed(0)} s, ${Math.round(counts.read / loadSeconds).toLocaleString('en')} papers/s (${counts.inserted} new)`);
  } finally {
    await client.end();
  }
}

/**
 * Prints the catalog's size on disk, then times its searches and, unless `--no-local`, the local engine's on the same
 * papers (read back from `--corpus` when given, else `generated`).
 */
async function searchAndCompare(url: string, generated: readonly Paper[]): Promise<void> {
  const client = await connect(clientConfig(url, undefined, { statementTimeoutMs: 0 }));
  try {
    await client.query(`VACUUM ANALYZE ${PAPERS_TABLE}`);
    const sizesRow = (await client.query<{ table: string; indexes: string; total: string; papers: string }>(
      `SELECT pg_table_size('${PAPERS_TABLE}') AS table, pg_indexes_size('${PAPERS_TABLE}') AS indexes, pg_total_relation_size('${PAPERS_TABLE}') AS total, (SELECT count(*) FROM ${PAPERS_TABLE}) AS papers`,
    )).rows[0];
    const perIndex = (await client.query<{ name: string; size: string }>(
      `SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid) AS size FROM pg_index WHERE indrelid = '${PAPERS_TABLE}'::regclass ORDER BY 2 DESC`,
    )).rows;
    const planning = (await client.query<{ words: string; vocabulary: string; top: string }>(
      `SELECT (SELECT count(*) FROM ${WORDS_TABLE}) AS words, pg_total_relation_size('${WORDS_TABLE}') AS vocabulary, pg_total_relation_size('${TOP_PAPERS_TABLE}') AS top`,
    )).rows[0];
    log(`  on disk: ${Number(sizesRow.papers).toLocaleString('en')} papers, table ${mb(Number(sizesRow.table))}, indexes ${mb(Number(sizesRow.indexes))} (${perIndex.map((row) => `${row.name.replace(/^.*\./, '')} ${mb(Number(row.size))}`).join(', ')}), total ${mb(Number(sizesRow.total))}; ` +
      `vocabulary ${Number(planning.words).toLocaleString('en')} words ${mb(Number(planning.vocabulary))}, common words' best papers ${mb(Number(planning.top))}`);
  } finally {
    await client.end();
  }

  const catalog = new PostgresCatalog({ config: clientConfig(url), name: 'bench' });
  const server = await measure(async (query) => ((await catalog.search(query, LIMIT)) ?? []).map((hit) => hit.paper.id), KNOWN_ITEMS);
  await catalog.close();
  log(`  PostgreSQL: per keystroke p50 ${formatMs(server.p50)} ms, p95 ${formatMs(server.p95)} ms; top-5 ${(server.top5 * 100).toFixed(0)} % (${server.byKind})`);

  if (values['no-local']) return;
  const papers = values.corpus ? (await parseArxivJsonl(regularFileChunks(values.corpus, CHUNK_BYTES), values.corpus)).papers : generated;
  const t = performance.now();
  const local = createScaledSearch(papers);
  log(`  local engine: index built in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  const timing = await measure(async (query) => local.search(query, LIMIT).map((hit) => hit.paper.id), KNOWN_ITEMS);
  log(`  local engine: per keystroke p50 ${formatMs(timing.p50)} ms, p95 ${formatMs(timing.p95)} ms; top-5 ${(timing.top5 * 100).toFixed(0)} % (${timing.byKind})`);
}

async function main(): Promise<void> {
  const { startCluster } = await import('./postgres-cluster.mjs');
  const bundled = path.join(__dirname, '..', 'data', 'papers.json');
  const seed = parseIndexText(readFileSync(bundled, 'utf8'), bundled).papers;
  log(`Shared catalog benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  if (values.url) {
    log(`\nthe catalog at ${values.url.replace(/\/\/[^@/]*@/, '//')}`);
    await searchAndCompare(values.url, []);
  }
  for (const size of values.url ? [] : sizes) {
    log(`\n${size.toLocaleString('en')} papers`);
    const folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-bench-pg-'));
    const cluster = await startCluster({ settings: { shared_buffers: '2GB', maintenance_work_mem: '1GB', work_mem: '64MB', max_wal_size: '8GB', effective_cache_size: '8GB' } });
    try {
      const t = performance.now();
      let papers: readonly Paper[] = [];
      let file = values.corpus ?? '';
      if (!values.corpus) {
        papers = generateCorpus(seed, size).papers;
        file = path.join(folder, 'corpus.jsonl');
        const out = createWriteStream(file);
        for (const paper of papers) if (!out.write(arxivJsonlLine(paper))) await once(out, 'drain');
        out.end();
        await once(out, 'finish');
        log(`  corpus generated and written in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      }
      await load(cluster.url, file);
      await searchAndCompare(cluster.url, papers);
    } finally {
      await cluster.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  }
  log(`\nload average at the end: ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`bench:postgres: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
