/**
 * Loading big catalogs: building in slices that let the event loop run (src/shared/cooperative.ts) gives
 * the same catalog as building in one go, and the on-disk cache (src/catalog/indexCache.ts) gives it back
 * exactly — or, when the file is truncated, corrupt, from another version or out of date, refuses it.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateCorpus } from '../../src/bench/corpus';
import { catalogSteps, PaperCatalog, type CatalogContents } from '../../src/catalog/catalog';
import { DEFAULT_KEY_TEMPLATE } from '../../src/papers/keys';
import type { IndexSource } from '../../src/sources/paperSource';
import { runCooperatively, runToEnd } from '../../src/shared/cooperative';
import {
  cacheFileFor,
  KEPT_CACHE_FILES,
  readCatalogCache,
  stampSources,
  writeCatalogCache,
  type CacheKey,
  type CacheRead,
} from '../../src/catalog/indexCache';
import { parseIndexText } from '../../src/sources/parseIndex';

const bundledPath = path.join(__dirname, '..', '..', 'data', 'papers.json');
const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;
const { papers: synthetic } = generateCorpus(bundled, 3000);
const sources: IndexSource[] = [
  { name: 'Bundled papers', location: bundledPath, papers: bundled, problems: [] },
  {
    name: 'snapshot.jsonl',
    location: '/data/snapshot.jsonl',
    // The bundled papers inside merge with the bundled index, so merged ids are cached too.
    papers: synthetic.map((paper) => (paper.id.startsWith('syn-') ? paper : { ...paper, id: `copy-${paper.id}` })),
    problems: [{ severity: 'error', file: '/data/snapshot.jsonl', line: 7, column: 1, message: 'Invalid JSON: x; line skipped.' }],
  },
];
const key: CacheKey = {
  keyTemplate: '[auth:lower][shorttitle3_3][year]',
  sources: [
    { location: bundledPath, size: 1000, mtimeMs: 1 },
    { location: '/data/snapshot.jsonl', size: 5_000_000, mtimeMs: 1_700_000_000_000.25 },
  ],
};
const QUERIES = ['attention is all you need', 'pointer netwroks', synthetic[1234].title, synthetic[2000].authors?.[0] ?? '', 'hopf'];

/** What a user sees of a catalog: its papers, problems, sources, and search results. */
function observable(catalog: PaperCatalog): unknown {
  return {
    papers: [...catalog],
    problems: catalog.problems,
    sources: catalog.sources,
    results: QUERIES.map((query) => catalog.search(query, 10).map((hit) => ({ id: hit.paper.id, score: hit.score, matches: hit.matches }))),
    mergedCopy: catalog.get('copy-pointer-networks')?.id,
    byKey: catalog.getByKey(catalog.paperAt(1500).key)?.id,
    byKeyPrefix: ['VAS', 'a', 'zzz'].map((prefix) => catalog.papersByKeyPrefix(prefix, 20).map((paper) => paper.key)),
  };
}

describe('catalog loading: building in slices', () => {
  it('builds the same catalog as building in one go, and lets timers run while it works', async () => {
    const inOneGo = new PaperCatalog(sources);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const inSlices = await PaperCatalog.build(sources);
    clearInterval(timer);
    assert.ok(ticks > 0, 'no timer ran during the build');
    assert.deepEqual(observable(inSlices), observable(inOneGo));
    assert.equal(inSlices.get('copy-pointer-networks')?.id, 'pointer-networks');
    assert.equal(inSlices.fromCache, false);
  });
});

describe('catalog loading: the index cache', () => {
  // Built as the worker builds it, each source with its reading time, which the cache keeps (as `observable` checks).
  const catalog = new PaperCatalog(runToEnd(catalogSteps(sources, DEFAULT_KEY_TEMPLATE, new Map(sources.map((source, i) => [source, { in: 'worker', ms: 40 + i } as const])))));
  let folder: string;
  let file: string;
  const read = (wanted: CacheKey = key, at = file): CacheRead => runToEnd(readCatalogCache(at, wanted));
  const rejection = (result: CacheRead): string => (result.status === 'rejected' ? result.reason : `not rejected: ${result.status}`);

  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-cache-'));
    file = await writeCatalogCache(folder, key, catalog.contents);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('gives back the same catalog: papers, keys, sources, problems, merged ids, search results, related papers', async () => {
    assert.equal(file, cacheFileFor(folder, key));
    const result = await runCooperatively(readCatalogCache(file, key));
    assert.equal(result.status, 'hit');
    const cached = new PaperCatalog((result as { contents: CatalogContents }).contents);
    assert.equal(cached.fromCache, true);
    assert.deepEqual(observable(cached), observable(catalog));
    for (const prefix of ['VAS', 'a', 'zzz']) {
      const expected = [...catalog].filter((paper) => paper.key.toLowerCase().startsWith(prefix.toLowerCase())).slice(0, 20);
      assert.deepEqual(cached.papersByKeyPrefix(prefix, 20).map((paper) => paper.key), expected.map((paper) => paper.key), prefix);
    }
    assert.ok(Object.isFrozen(cached.paperAt(0)));
    // Related papers read the paper's own title and abstract, which a cached paper reads from the file.
    for (const id of ['pointer-networks', 'syn-1234']) {
      const related = async (from: PaperCatalog): Promise<string[]> => (await from.relatedPapers(from.get(id)!)).map((paper) => paper.id);
      const fromCache = await related(cached);
      assert.equal(fromCache.length, 5, id);
      assert.deepEqual(fromCache, await related(catalog), id);
    }
  });

  it('reads abstracts and authors from the file when asked, also after the file was replaced', async () => {
    const result = read();
    assert.equal(result.status, 'hit');
    const { papers } = (result as { contents: CatalogContents }).contents;
    // Rewriting the cache for the same key renames a new file over this one; the papers read before keep
    // reading the file they were loaded from, not the new one.
    const reversed = new PaperCatalog([{ ...sources[1], papers: [...sources[1].papers].reverse() }]);
    await writeCatalogCache(folder, key, reversed.contents);
    for (const i of [0, 1, 1500, papers.size - 1]) {
      assert.equal(papers.paperAt(i).abstract, catalog.paperAt(i).abstract);
      assert.deepEqual(papers.paperAt(i).authors, catalog.paperAt(i).authors);
    }
    assert.deepEqual({ ...papers.paperAt(7) }, catalog.paperAt(7), 'the fields of a cached paper are its own');
    assert.deepEqual({ ...catalog.paperAt(7) }, catalog.paperAt(7), 'the fields of a built paper are its own');
    papers.close();
    await writeCatalogCache(folder, key, catalog.contents);
  });

  it('keeps the cache file open until the catalog is disposed, then closes it and refuses to answer', async () => {
    const openDescriptors = (): number => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === file;
      } catch {
        return false;
      }
    }).length;
    const before = openDescriptors();
    const result = read();
    assert.equal(result.status, 'hit');
    const cached = new PaperCatalog((result as { contents: CatalogContents }).contents);
    assert.equal(openDescriptors(), before + 1, 'open while the catalog is in use');
    const kept = cached.get('pointer-networks')!;
    cached.dispose();
    assert.equal(openDescriptors(), before, 'closed by dispose');
    assert.throws(() => cached.get('pointer-networks'), /disposed/);
    assert.throws(() => cached.paperAt(0), /disposed/);
    assert.throws(() => cached.search('pointer networks', 5), /disposed/);
    assert.throws(() => [...cached], /disposed/);
    assert.throws(() => cached.papersByKeyPrefix('a', 5), /disposed/);
    assert.deepEqual(kept, catalog.get('pointer-networks'), 'a paper handed out before stays whole');
    cached.dispose();
  });

  it('says when there is no cache file', () => {
    assert.deepEqual(read(key, path.join(folder, 'catalog-none.plcache')), { status: 'missing' });
  });

  it('refuses a cache made for files that changed since, other files, or another key template', () => {
    const touched: CacheKey = { ...key, sources: [key.sources[0], { ...key.sources[1], mtimeMs: key.sources[1].mtimeMs + 1 }] };
    assert.match(rejection(read(touched)), /snapshot\.jsonl has changed since/);
    const grown: CacheKey = { ...key, sources: [key.sources[0], { ...key.sources[1], size: key.sources[1].size + 1 }] };
    assert.match(rejection(read(grown)), /has changed since/);
    assert.match(rejection(read({ ...key, sources: key.sources.slice(0, 1) })), /from 2 index files, not 1/);
    assert.match(rejection(read({ ...key, keyTemplate: '[auth][year]' })), /key template/);
  });

  it('refuses a truncated cache file', () => {
    const bytes = readFileSync(file);
    for (const length of [0, 10, 40, bytes.byteLength >> 1, bytes.byteLength - 1]) {
      const truncated = path.join(folder, 'truncated.bin');
      writeFileSync(truncated, bytes.subarray(0, length));
      assert.equal(read(key, truncated).status, 'rejected', `cut at ${length}`);
    }
  });

  it('refuses another cache file version, and files that are not caches', () => {
    const bytes = Buffer.from(readFileSync(file));
    bytes.writeUInt32LE(99, 4);
    const other = path.join(folder, 'other-version.bin');
    writeFileSync(other, bytes);
    assert.match(rejection(read(key, other)), /version 99/);
    writeFileSync(other, '{"version": 1, "papers": []}');
    assert.match(rejection(read(key, other)), /Not a Paper Lookup cache file/);
  });

  it('never gives wrong results from a file with a flipped byte: it is refused, or reads back the same', () => {
    const bytes = readFileSync(file);
    const flipped = path.join(folder, 'flipped.bin');
    let refused = 0;
    const expected = JSON.stringify(observable(catalog));
    const positions = Array.from({ length: 60 }, (_, i) => Math.floor(((i + 0.5) * bytes.byteLength) / 60));
    for (const position of [5, 9, 13, 20, ...positions]) {
      const copy = Buffer.from(bytes);
      copy[position] ^= 0x20;
      writeFileSync(flipped, copy);
      const result = read(key, flipped);
      if (result.status === 'rejected') refused++;
      else assert.equal(JSON.stringify(observable(new PaperCatalog((result as { contents: CatalogContents }).contents))), expected, `flip at ${position}`);
    }
    // Only the padding between sections is not checked; nearly every flip must be caught.
    assert.ok(refused >= 60, `only ${refused} of 64 flips refused`);
  });

  it('keeps only the newest cache files', async () => {
    const written: string[] = [];
    for (let i = 0; i < KEPT_CACHE_FILES + 2; i++) {
      const other: CacheKey = { ...key, sources: [key.sources[0], { ...key.sources[1], location: `/data/other-${i}.jsonl` }] };
      written.push(await writeCatalogCache(folder, other, catalog.contents));
      // mtimes must differ for "newest" to mean something.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const left = readdirSync(folder).filter((name) => name.endsWith('.plcache')).map((name) => path.join(folder, name));
    assert.deepEqual(left.sort(), written.slice(-KEPT_CACHE_FILES).sort());
  });

  it('stamps source files with their size and mtime', async () => {
    const [stamp] = await stampSources([bundledPath]);
    const stat = statSync(bundledPath);
    assert.deepEqual(stamp, { location: bundledPath, size: stat.size, mtimeMs: stat.mtimeMs });
  });
});
