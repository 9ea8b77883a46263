/**
 * The load policy (src/catalog/loadCatalog.ts), every branch, in plain Node: the sources, the cache, the worker and
 * the clock are fakes that record what was asked of them, and each test checks what the user gets — which papers,
 * which problems, what the Output channel says, whether the cache was written.
 */
import { strict as assert } from 'node:assert';
import { catalogSteps, type CatalogContents, type PublicCatalog, type SourceReading } from '../../src/catalog/catalog';
import type { CacheKey, CacheRead } from '../../src/catalog/indexCache';
import { CACHED_SOURCES_BYTES, loadCatalog, type CatalogCacheIo, type LoadIo, type SizedSource, type WorkerBuild } from '../../src/catalog/loadCatalog';
import type { Paper } from '../../src/papers/paper';
import { runToEnd } from '../../src/shared/cooperative';
import { failedSource, missingSource, type IndexSource, type PaperSource, type SourceStamp } from '../../src/sources/paperSource';

const KEY_TEMPLATE = '[auth:lower][shorttitle3_3][year]';
const BIG = CACHED_SOURCES_BYTES;

function paper(id: string): Paper {
  return { id, title: `The paper ${id}`, abstract: `About ${id}.`, authors: ['Ada Lovelace'], year: 2020 };
}

/** A clock that moves only when told to: a source read takes exactly the time it says. */
class ManualClock {
  private at = 0;
  now = (): number => this.at;
  advance(ms: number): void {
    this.at += ms;
  }
}

interface FakeSource extends PaperSource {
  /** How many times it was read. */
  reads: number;
}

/** A file source with these papers; `stamp: undefined` cannot be stamped; `file: undefined` is not a file on disk. */
/**
 * `cancelsWith`: the user cancels while it is read, which the read notices unless `readsWhole` (a file read in one
 * go, which cannot stop halfway). `takes`: reading it moves this clock on by these milliseconds.
 */
function fakeSource(
  name: string,
  ids: readonly string[],
  options: {
    stamp?: SourceStamp | undefined;
    file?: string | undefined;
    cancelsWith?: AbortController;
    readsWhole?: boolean;
    bytes?: number;
    takes?: { clock: ManualClock; ms: number };
  } = {},
): FakeSource {
  const location = `/data/${name}`;
  const stamp = 'stamp' in options ? options.stamp : { location, size: options.bytes ?? 100, mtimeMs: 1 };
  const source: FakeSource = {
    location,
    name,
    file: 'file' in options ? options.file : location,
    reads: 0,
    stamp: async () => stamp,
    async read(readOptions = {}) {
      source.reads++;
      options.takes?.clock.advance(options.takes.ms);
      readOptions.onBytesRead?.(options.bytes ?? 100);
      if (options.cancelsWith) {
        options.cancelsWith.abort();
        if (!options.readsWhole && readOptions.isCancelled?.()) return undefined;
      }
      return { name, location, papers: ids.map(paper), problems: [] };
    },
  };
  return source;
}

const bundled = (takes?: { clock: ManualClock; ms: number }): FakeSource => fakeSource('Bundled papers', ['bundled-1', 'bundled-2'], { takes });

/** The catalog cache, in memory: `initially` says what a read finds before anything is written. */
class FakeCache implements CatalogCacheIo {
  readonly written: { key: CacheKey; contents: CatalogContents }[] = [];
  readonly readFiles: string[] = [];
  private readonly stored = new Map<string, { key: CacheKey; contents: CatalogContents }>();
  constructor(
    private initially: 'missing' | 'rejected' = 'missing',
    private readonly writeFails = false,
  ) {}

  fileFor(key: CacheKey): string {
    return `/cache/${key.sources.map((stamp) => stamp.location.split('/').pop()).join('+')}.plcache`;
  }

  async read(file: string, key: CacheKey): Promise<CacheRead> {
    this.readFiles.push(file);
    const entry = this.stored.get(file);
    if (entry && JSON.stringify(entry.key) === JSON.stringify(key)) return { status: 'hit', contents: { ...entry.contents, fromCache: true } };
    return this.initially === 'rejected' ? { status: 'rejected', reason: 'The file is truncated.' } : { status: 'missing' };
  }

  async write(key: CacheKey, contents: CatalogContents): Promise<string> {
    if (this.writeFails) throw new Error('ENOSPC: no space left on device');
    this.put(key, contents);
    this.written.push({ key, contents });
    return this.fileFor(key);
  }

  /** A cache file there before the load (or written by the worker). */
  put(key: CacheKey, contents: CatalogContents): void {
    this.stored.set(this.fileFor(key), { key, contents });
  }
}

/** What the worker does: builds and writes the cache, fails, runs out of memory, is cancelled, or writes nothing usable. */
type WorkerBehaviour = 'builds' | 'fails' | 'out of memory' | 'cancelled' | 'writes nothing';

class FakeWorker {
  readonly builds: WorkerBuild[] = [];
  constructor(
    private readonly behaviour: WorkerBehaviour,
    private readonly cache: FakeCache,
  ) {}

  run = async (build: WorkerBuild, onBytesRead: (file: string, bytesRead: number) => void): Promise<string | undefined> => {
    this.builds.push(build);
    for (const source of build.sources) onBytesRead(source.file!, 50);
    switch (this.behaviour) {
      case 'fails':
        throw new Error('The worker stopped (exit code 1) before it finished.');
      case 'out of memory':
        throw Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
      case 'cancelled':
        return undefined;
      case 'writes nothing':
        return this.cache.fileFor(build.key);
      case 'builds': {
        // As the worker does: every source read, and timed (25 ms each here), in the worker.
        const read: IndexSource[] = [];
        for (const source of [build.bundled, ...build.sources]) read.push((await source.read())!);
        const readings = new Map(read.map((source) => [source, { in: 'worker', ms: 25 } as const]));
        this.cache.put(build.key, runToEnd(catalogSteps(read, build.key.keyTemplate, readings)));
        return this.cache.fileFor(build.key);
      }
    }
  };
}

/** Everything the policy did that the user sees. */
interface Recorded {
  readonly logged: string[];
  readonly steps: string[];
  readonly bytes: [string, number][];
}

/** `clock`: the load's clock; without one, every look at the clock is 10 ms after the one before. */
function fakeIo(options: { cache?: FakeCache; worker?: FakeWorker; cancel?: AbortController; clock?: ManualClock } = {}): LoadIo & Recorded {
  let clock = 0;
  const recorded: Recorded = { logged: [], steps: [], bytes: [] };
  return {
    ...recorded,
    cache: options.cache,
    runWorker: options.worker?.run,
    now: options.clock?.now ?? (() => (clock += 10)),
    log: (line) => recorded.logged.push(line),
    reportStep: (message) => recorded.steps.push(message),
    reportBytes: (name, bytesRead) => recorded.bytes.push([name, bytesRead]),
    signal: (options.cancel ?? new AbortController()).signal,
  };
}

function sized(...sources: PaperSource[]): SizedSource[] {
  return sources.map((source) => ({ source, bytes: BIG }));
}

/** Lets a cache write the policy started without waiting finish. */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The key a cache holds for the bundled papers and these sources (as the policy stamps them). */
async function keyOf(...sources: PaperSource[]): Promise<CacheKey> {
  return { keyTemplate: KEY_TEMPLATE, sources: (await Promise.all(sources.map((source) => source.stamp()))).filter((stamp) => stamp !== undefined) };
}

function contentsOf(...sources: IndexSource[]): CatalogContents {
  return runToEnd(catalogSteps(sources, KEY_TEMPLATE));
}

function idsOf(catalog: Iterable<Paper> | undefined): string[] {
  assert.ok(catalog, 'a catalog, not a cancelled load');
  return [...catalog].map((paper) => paper.id);
}

describe('loadCatalog: the load policy', () => {
  it('builds small sources in the host and never caches them', async () => {
    const cache = new FakeCache();
    const worker = new FakeWorker('builds', cache);
    const io = fakeIo({ cache, worker });
    const small = fakeSource('small.json', ['small-1']);
    const catalog = await loadCatalog({ bundled: bundled(), sources: [{ source: small, bytes: BIG - 1 }], keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'small-1']);
    assert.equal(catalog!.fromCache, false);
    assert.deepEqual(cache.readFiles, [], 'the cache is not even looked at');
    assert.deepEqual(cache.written, []);
    assert.deepEqual(worker.builds, []);
    assert.deepEqual(io.steps, ['building the search index']);
    assert.deepEqual(io.logged, []);
  });

  it('builds in the host when there is no cache, and writes none', async () => {
    const io = fakeIo();
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(fakeSource('big.jsonl', ['big-1'])), keyTemplate: KEY_TEMPLATE }, io);
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'big-1']);
    assert.deepEqual(io.logged, []);
  });

  it('caches nothing when the bundled papers cannot be stamped', async () => {
    const cache = new FakeCache();
    const worker = new FakeWorker('builds', cache);
    const io = fakeIo({ cache, worker });
    const catalog = await loadCatalog({ bundled: fakeSource('Bundled papers', ['bundled-1'], { stamp: undefined }), sources: sized(fakeSource('big.jsonl', ['big-1'])), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'big-1']);
    assert.deepEqual(cache.readFiles, []);
    assert.deepEqual(cache.written, []);
    assert.deepEqual(worker.builds, []);
  });

  it('reads an unchanged catalog from the cache without reading a source', async () => {
    const cache = new FakeCache();
    const worker = new FakeWorker('builds', cache);
    const [bundledSource, big] = [bundled(), fakeSource('big.jsonl', ['big-1', 'big-2'])];
    const key = await keyOf(bundledSource, big);
    cache.put(key, contentsOf((await bundledSource.read())!, (await big.read())!));
    bundledSource.reads = big.reads = 0;
    const io = fakeIo({ cache, worker });
    const catalog = await loadCatalog({ bundled: bundledSource, sources: sized(big), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'big-1', 'big-2']);
    assert.equal(catalog!.fromCache, true);
    assert.deepEqual([bundledSource.reads, big.reads], [0, 0]);
    assert.deepEqual(worker.builds, []);
    assert.deepEqual(cache.written, []);
    assert.deepEqual(io.steps, ['reading the index cache']);
    assert.deepEqual(io.logged, ['Read 4 papers from the index cache /cache/Bundled papers+big.jsonl.plcache in 10 ms.']);
  });

  it('adds a setting entry that names no file to the cached catalog, as a failed source', async () => {
    const cache = new FakeCache();
    const [bundledSource, big] = [bundled(), fakeSource('big.jsonl', ['big-1'])];
    cache.put(await keyOf(bundledSource, big), contentsOf((await bundledSource.read())!, (await big.read())!));
    const missing = missingSource('papers/*.bib', 'No index files match "papers/*.bib".');
    const io = fakeIo({ cache, worker: new FakeWorker('builds', cache) });
    const catalog = await loadCatalog({ bundled: bundledSource, sources: [...sized(big), { source: missing, bytes: 0 }], keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'big-1']);
    assert.equal(catalog!.fromCache, true);
    assert.deepEqual(
      catalog!.sources.map((source) => [source.name, source.paperCount, source.errorCount]),
      [
        ['Bundled papers', 2, 0],
        ['big.jsonl', 1, 0],
        ['*.bib', 0, 1],
      ],
    );
    assert.deepEqual(catalog!.problems, failedSource('papers/*.bib', 'No index files match "papers/*.bib".').problems);
    assert.deepEqual(cache.written, [], 'the cache key does not name the missing entry');
  });

  it('builds in the host, and writes no cache, when a source that could not be stamped has papers now', async () => {
    const cache = new FakeCache();
    const worker = new FakeWorker('builds', cache);
    const [bundledSource, big] = [bundled(), fakeSource('big.jsonl', ['big-1'])];
    cache.put(await keyOf(bundledSource, big), contentsOf((await bundledSource.read())!, (await big.read())!));
    const appeared = fakeSource('new.json', ['new-1'], { stamp: undefined });
    const io = fakeIo({ cache, worker });
    const catalog = await loadCatalog({ bundled: bundledSource, sources: sized(appeared, big), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'new-1', 'big-1'], 'in load order');
    assert.equal(catalog!.fromCache, false);
    assert.equal(appeared.reads, 1, 'read once, not again for the host build');
    assert.deepEqual(cache.readFiles, [], 'the cached catalog lacks its papers');
    assert.deepEqual(worker.builds, []);
    assert.deepEqual(cache.written, []);
  });

  it('rebuilds a rejected cache in the worker and reads the catalog from the cache the worker wrote', async () => {
    const cache = new FakeCache('rejected');
    const worker = new FakeWorker('builds', cache);
    const [bundledSource, a, b] = [bundled(), fakeSource('a.jsonl', ['a-1']), fakeSource('b.json', ['b-1'])];
    const io = fakeIo({ cache, worker });
    const catalog = await loadCatalog({ bundled: bundledSource, sources: sized(a, b), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'a-1', 'b-1']);
    assert.equal(catalog!.fromCache, false, 'built during this load');
    assert.deepEqual(
      worker.builds.map((build) => [build.bundled.name, build.sources.map((source) => source.file), build.key]),
      [['Bundled papers', ['/data/a.jsonl', '/data/b.json'], await keyOf(bundledSource, a, b)]],
    );
    const file = '/cache/Bundled papers+a.jsonl+b.json.plcache';
    assert.deepEqual(io.logged, [
      `Ignoring the index cache ${file}: The file is truncated. Rebuilding it from the index files.`,
      `Built the catalog of a.jsonl, b.json in a background worker in 10 ms and wrote it to the index cache ${file}.`,
      `Read 4 papers from the index cache ${file} in 10 ms.`,
    ]);
    // The worker's progress is over both files: b.json's bytes count after all of a.jsonl's.
    assert.deepEqual(io.bytes, [
      ['a.jsonl', 50],
      ['b.json', BIG + 50],
    ]);
    assert.deepEqual(cache.written, [], 'the worker wrote it');
  });

  it('builds in the host and writes the cache when the worker fails', async () => {
    const cache = new FakeCache();
    const io = fakeIo({ cache, worker: new FakeWorker('fails', cache) });
    const [bundledSource, big] = [bundled(), fakeSource('big.jsonl', ['big-1'])];
    const catalog = await loadCatalog({ bundled: bundledSource, sources: sized(big), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'big-1']);
    assert.deepEqual(
      cache.written.map(({ key, contents }) => [key, [...contents.papers].map((paper) => paper.id)]),
      [[await keyOf(bundledSource, big), ['bundled-1', 'bundled-2', 'big-1']]],
    );
    assert.deepEqual(io.logged, [
      'Building the catalog in a background worker failed, so the extension host builds it: The worker stopped (exit code 1) before it finished.',
      'Wrote the index cache /cache/Bundled papers+big.jsonl.plcache in 10 ms.',
    ]);
    assert.deepEqual(io.steps, ['reading the index cache', 'building the search index']);
  });

  it('builds in the host when the cache the worker wrote cannot be read', async () => {
    const cache = new FakeCache();
    const io = fakeIo({ cache, worker: new FakeWorker('writes nothing', cache) });
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(fakeSource('big.jsonl', ['big-1'])), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'big-1']);
    assert.equal(io.logged[1], 'The index cache the background worker wrote cannot be read, so the extension host builds the catalog.');
    assert.equal(cache.written.length, 1);
  });

  it('reports the sources as not loaded when the worker runs out of memory, and never builds them in the host', async () => {
    const cache = new FakeCache();
    const [a, b] = [fakeSource('a.jsonl', ['a-1']), fakeSource('b.jsonl', ['b-1'])];
    const missing = missingSource('/gone.json', 'Index file not found.');
    const io = fakeIo({ cache, worker: new FakeWorker('out of memory', cache) });
    const catalog = await loadCatalog({ bundled: bundled(), sources: [{ source: a, bytes: 2e9 }, { source: b, bytes: 1.5e9 }, { source: missing, bytes: 0 }], keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2']);
    assert.deepEqual([a.reads, b.reads], [0, 0]);
    const message = 'Not loaded: building the search index of a.jsonl, b.jsonl (3.5 GB) ran out of memory. Use a smaller index file, or fewer.';
    assert.deepEqual(
      catalog!.problems.map((problem) => [problem.file, problem.message]),
      [
        ['/gone.json', 'Index file not found.'],
        ['/data/a.jsonl', message],
        ['/data/b.jsonl', message],
      ],
    );
    assert.deepEqual(io.logged, ['Building the catalog in a background worker ran out of memory: Worker terminated due to reaching memory limit: JS heap out of memory']);
    assert.deepEqual(cache.written, []);
  });

  it('gives nothing when the worker build is cancelled', async () => {
    const cache = new FakeCache();
    const io = fakeIo({ cache, worker: new FakeWorker('cancelled', cache) });
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(fakeSource('big.jsonl', ['big-1'])), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.equal(catalog, undefined);
    assert.deepEqual(cache.written, []);
  });

  it('gives nothing, and writes no cache, when the load is cancelled while a source is read in the host', async () => {
    const cache = new FakeCache();
    const cancel = new AbortController();
    const [first, second] = [fakeSource('first.jsonl', ['first-1'], { cancelsWith: cancel }), fakeSource('second.json', ['second-1'])];
    const io = fakeIo({ cache, cancel });
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(first, second), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.equal(catalog, undefined);
    assert.equal(second.reads, 0, 'no source is read after the cancel');
    assert.deepEqual(cache.written, []);
  });

  it('gives nothing, and reads no further source, when the load is cancelled while a file is read whole', async () => {
    const cancel = new AbortController();
    const [first, second] = [fakeSource('first.json', ['first-1'], { cancelsWith: cancel, readsWhole: true }), fakeSource('second.json', ['second-1'])];
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(first, second), keyTemplate: KEY_TEMPLATE }, fakeIo({ cancel }));
    assert.equal(catalog, undefined);
    assert.deepEqual([first.reads, second.reads], [1, 0]);
  });

  it('gives nothing when the load is cancelled while a source that cannot be stamped is read', async () => {
    const cache = new FakeCache();
    const cancel = new AbortController();
    const unstamped = fakeSource('remote.jsonl', ['remote-1'], { stamp: undefined, cancelsWith: cancel });
    const io = fakeIo({ cache, worker: new FakeWorker('builds', cache), cancel });
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(fakeSource('big.jsonl', ['big-1']), unstamped), keyTemplate: KEY_TEMPLATE }, io);
    assert.equal(catalog, undefined);
    assert.deepEqual(cache.readFiles, []);
  });

  it('builds in the host and writes the cache when there is no worker', async () => {
    const cache = new FakeCache();
    const io = fakeIo({ cache });
    const [bundledSource, big] = [bundled(), fakeSource('big.jsonl', ['big-1'])];
    const catalog = await loadCatalog({ bundled: bundledSource, sources: sized(big), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'big-1']);
    assert.deepEqual(
      cache.written.map(({ key }) => key),
      [await keyOf(bundledSource, big)],
    );
    // The next load reads what this one wrote.
    const next = fakeIo({ cache });
    const again = await loadCatalog({ bundled: bundledSource, sources: sized(big), keyTemplate: KEY_TEMPLATE }, next);
    assert.deepEqual(idsOf(again), ['bundled-1', 'bundled-2', 'big-1']);
    assert.equal(again!.fromCache, true);
  });

  it('builds in the host a stamped source that is not a file, which the worker cannot read, and caches it', async () => {
    const cache = new FakeCache();
    const worker = new FakeWorker('builds', cache);
    const io = fakeIo({ cache, worker });
    const database = fakeSource('library', ['db-1'], { file: undefined });
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(database), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'db-1']);
    assert.deepEqual(worker.builds, []);
    assert.equal(cache.written.length, 1);
  });

  it('still gives the catalog when the cache cannot be written, and says so in the log', async () => {
    const cache = new FakeCache('missing', true);
    const io = fakeIo({ cache });
    const catalog = await loadCatalog({ bundled: bundled(), sources: sized(fakeSource('big.jsonl', ['big-1'])), keyTemplate: KEY_TEMPLATE }, io);
    await settled();
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'big-1']);
    assert.deepEqual(io.logged, ['Could not write the index cache: ENOSPC: no space left on device']);
  });

  it('reports reading progress over all sources, a setting entry that names no file in its place', async () => {
    const io = fakeIo();
    const [a, b] = [fakeSource('a.jsonl', ['a-1'], { bytes: 300 }), fakeSource('b.jsonl', ['b-1'], { bytes: 200 })];
    const missing = missingSource('refs/*.bib', 'No index files match "refs/*.bib".');
    const catalog = await loadCatalog(
      {
        bundled: bundled(),
        sources: [
          { source: a, bytes: 300 },
          { source: missing, bytes: 0 },
          { source: b, bytes: 200 },
        ],
        keyTemplate: KEY_TEMPLATE,
      },
      io,
    );
    assert.deepEqual(idsOf(catalog), ['bundled-1', 'bundled-2', 'a-1', 'b-1']);
    assert.deepEqual(
      catalog!.sources.map((source) => source.name),
      ['Bundled papers', 'a.jsonl', '*.bib', 'b.jsonl'],
    );
    assert.deepEqual(io.bytes, [
      ['a.jsonl', 0],
      ['a.jsonl', 300],
      ['*.bib', 300],
      ['b.jsonl', 300],
      ['b.jsonl', 500],
    ]);
  });

  describe('how long each source took to read', () => {
    const readingsOf = (catalog: PublicCatalog | undefined): [string, SourceReading | undefined][] => catalog!.sources.map((source) => [source.name, source.reading]);

    it('times each source read in the host on its own, also a setting entry that names no file', async () => {
      const clock = new ManualClock();
      const sources = [fakeSource('lab.bib', ['lab-1'], { takes: { clock, ms: 38 } }), fakeSource('arxiv.jsonl', ['arxiv-1'], { takes: { clock, ms: 1204 } })];
      const missing = missingSource('refs/*.bib', 'No index files match "refs/*.bib".');
      const catalog = await loadCatalog(
        { bundled: bundled({ clock, ms: 3 }), sources: [...sized(...sources), { source: missing, bytes: 0 }], keyTemplate: KEY_TEMPLATE },
        fakeIo({ clock }),
      );
      assert.deepEqual(readingsOf(catalog), [
        ['Bundled papers', { in: 'host', ms: 3 }],
        ['lab.bib', { in: 'host', ms: 38 }],
        ['arxiv.jsonl', { in: 'host', ms: 1204 }],
        ['*.bib', { in: 'host', ms: 0 }],
      ]);
    });

    it('keeps the times the worker took when it built the catalog in this load, and says "from cache" on the next', async () => {
      const cache = new FakeCache();
      const worker = new FakeWorker('builds', cache);
      const clock = new ManualClock();
      const [bundledSource, big] = [bundled(), fakeSource('big.jsonl', ['big-1'])];
      const missing = fakeSource('gone.json', [], { stamp: undefined, takes: { clock, ms: 2 } });
      const request = { bundled: bundledSource, sources: [...sized(big), { source: missing, bytes: 0 }], keyTemplate: KEY_TEMPLATE };
      const built = await loadCatalog(request, fakeIo({ cache, worker, clock }));
      assert.deepEqual(readingsOf(built), [
        ['Bundled papers', { in: 'worker', ms: 25 }],
        ['big.jsonl', { in: 'worker', ms: 25 }],
        ['gone.json', { in: 'host', ms: 2 }],
      ]);
      const again = await loadCatalog(request, fakeIo({ cache, worker, clock }));
      assert.equal(worker.builds.length, 1, 'the second load reads the cache');
      assert.deepEqual(readingsOf(again), [
        ['Bundled papers', { in: 'cache' }],
        ['big.jsonl', { in: 'cache' }],
        ['gone.json', { in: 'host', ms: 2 }],
      ]);
    });

    it('times the host build after a failed worker, and the next load from the cache it wrote says "from cache"', async () => {
      const cache = new FakeCache();
      const clock = new ManualClock();
      const [bundledSource, big] = [bundled({ clock, ms: 4 }), fakeSource('big.jsonl', ['big-1'], { takes: { clock, ms: 900 } })];
      const request = { bundled: bundledSource, sources: sized(big), keyTemplate: KEY_TEMPLATE };
      const built = await loadCatalog(request, fakeIo({ cache, worker: new FakeWorker('fails', cache), clock }));
      await settled();
      assert.deepEqual(readingsOf(built), [
        ['Bundled papers', { in: 'host', ms: 4 }],
        ['big.jsonl', { in: 'host', ms: 900 }],
      ]);
      const again = await loadCatalog(request, fakeIo({ cache, clock }));
      assert.deepEqual(readingsOf(again), [
        ['Bundled papers', { in: 'cache' }],
        ['big.jsonl', { in: 'cache' }],
      ]);
    });

    it('gives each library of a file that holds several the time of reading that file', async () => {
      const clock = new ManualClock();
      const part = (name: string, id: string): IndexSource => ({ name, location: '/data/zotero.sqlite', papers: [paper(id)], problems: [] });
      const parts = [part('My Library', 'mine-1'), part('Lab group', 'lab-1')];
      const zotero: PaperSource = {
        location: '/data/zotero.sqlite',
        name: 'zotero.sqlite',
        stamp: async () => undefined,
        read: async () => {
          clock.advance(120);
          return { name: 'zotero.sqlite', location: '/data/zotero.sqlite', papers: parts.flatMap((p) => p.papers), problems: [], parts };
        },
      };
      const catalog = await loadCatalog({ bundled: bundled({ clock, ms: 3 }), sources: sized(zotero), keyTemplate: KEY_TEMPLATE }, fakeIo({ clock }));
      assert.deepEqual(readingsOf(catalog), [
        ['Bundled papers', { in: 'host', ms: 3 }],
        ['My Library', { in: 'host', ms: 120 }],
        ['Lab group', { in: 'host', ms: 120 }],
      ]);
    });

    it('gives no time to sources the worker ran out of memory on, which were never read', async () => {
      const cache = new FakeCache();
      const clock = new ManualClock();
      const catalog = await loadCatalog(
        { bundled: bundled({ clock, ms: 5 }), sources: sized(fakeSource('huge.jsonl', ['huge-1'])), keyTemplate: KEY_TEMPLATE },
        fakeIo({ cache, worker: new FakeWorker('out of memory', cache), clock }),
      );
      assert.deepEqual(readingsOf(catalog), [
        ['Bundled papers', { in: 'host', ms: 5 }],
        ['huge.jsonl', undefined],
      ]);
    });
  });
});
