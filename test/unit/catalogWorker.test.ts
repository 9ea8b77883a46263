/**
 * Building a catalog in a worker thread (src/catalog/catalogWorker.ts): the cache the worker writes holds
 * the catalog the extension host would have built from the same files, problems and their line and column
 * included; the worker reports progress, stops when aborted, and a failure rejects instead of hanging.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { arxivJsonlLine, generateCorpus } from '../../src/bench/corpus';
import { PaperCatalog } from '../../src/catalog/catalog';
import { buildCatalogCache, isOutOfMemory, runCatalogWorker, type CatalogWorkerRequest } from '../../src/catalog/catalogWorker';
import { runToEnd } from '../../src/shared/cooperative';
import { readCatalogCache, stampSources } from '../../src/catalog/indexCache';
import { parseIndexText } from '../../src/sources/parseIndex';
import { readSourceFile } from '../../src/sources/sourceFiles';

const root = path.join(__dirname, '..', '..');
const bundledPath = path.join(root, 'data', 'papers.json');
/** Built by `npm run build`, which `npm run test:unit` runs first. */
const workerFile = path.join(root, 'dist', 'indexWorker.js');
const KEY_TEMPLATE = '[auth:lower][shorttitle3_3][year]';

describe('catalog worker', function () {
  this.timeout(60_000);
  let folder: string;
  let request: CatalogWorkerRequest;

  beforeEach(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-worker-'));
    const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;
    const corpus = generateCorpus(bundled, 400).papers.filter((paper) => paper.id.startsWith('syn-'));
    const jsonl = path.join(folder, 'snapshot.jsonl');
    // A broken third line: its problem must come through the cache with its line and column.
    const lines = corpus.map(arxivJsonlLine);
    lines.splice(2, 0, '{"id": "broken", "title": oops}\n');
    writeFileSync(jsonl, lines.join(''));
    // Files that start with a byte-order mark, which a JSON index and a .bib file read without.
    const withBom = ['bom-and-crlf.bib', 'bom.json'].map((name) => {
      const copy = path.join(folder, name);
      copyFileSync(path.join(root, 'test', 'fixtures', 'hostile', name), copy);
      return copy;
    });
    const files = [jsonl, ...withBom];
    request = {
      bundled: { file: bundledPath, displayName: 'Bundled papers' },
      files,
      keyTemplate: KEY_TEMPLATE,
      cacheFolder: path.join(folder, 'cache'),
      key: { keyTemplate: KEY_TEMPLATE, sources: await stampSources([bundledPath, ...files]) },
    };
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  /** The catalog the extension host builds from the request's files. */
  async function builtInProcess(): Promise<PaperCatalog> {
    const sources = [(await readSourceFile(bundledPath, { displayName: 'Bundled papers' }))!];
    for (const file of request.files) sources.push((await readSourceFile(file))!);
    return new PaperCatalog(sources, KEY_TEMPLATE);
  }

  function fromCache(file: string): PaperCatalog {
    const cached = runToEnd(readCatalogCache(file, request.key));
    assert.equal(cached.status, 'hit', cached.status === 'rejected' ? cached.reason : undefined);
    return new PaperCatalog(cached.status === 'hit' ? cached.contents : []);
  }

  function observable(catalog: PaperCatalog): unknown {
    return {
      papers: [...catalog],
      problems: catalog.problems,
      // How long each read took is the reading's business (checked below); the rest of each summary is the same.
      sources: catalog.sources.map(({ reading: _reading, ...summary }) => summary),
      results: ['pointer networks', 'attention', catalog.paperAt(100).title].map((query) => catalog.search(query, 10).map((hit) => hit.paper.id)),
    };
  }

  it('writes the cache of the catalog the host would build, problems and all', async () => {
    const progress: number[] = [];
    // Every look at the clock is 7 ms after the one before: each file's read is timed as 7 ms.
    let clock = 0;
    const file = await buildCatalogCache(request, (_file, bytes) => progress.push(bytes), () => (clock += 7));
    const expected = await builtInProcess();
    const cached = fromCache(file);
    assert.deepEqual(observable(cached), observable(expected));
    assert.deepEqual(
      cached.sources.map((source) => [source.name, source.reading]),
      ['Bundled papers', 'snapshot.jsonl', 'bom-and-crlf.bib', 'bom.json'].map((name) => [name, { in: 'worker', ms: 7 }]),
      'each source says the worker read it, and how long that took',
    );
    const broken = cached.problems.find((problem) => problem.file === request.files[0]);
    assert.deepEqual([broken?.line, broken?.column], [3, expected.problems.find((problem) => problem.file === request.files[0])?.column]);
    assert.ok(progress.length > 0 && progress.every((bytes, i) => i === 0 || bytes >= progress[i - 1]), `progress ${progress.join(', ')}`);
  });

  it('runs in a worker thread: reports progress and resolves with the cache file', async () => {
    const progress: string[] = [];
    const file = await runCatalogWorker(workerFile, request, { onBytesRead: (source, bytes) => progress.push(`${path.basename(source)} ${bytes}`), signal: new AbortController().signal });
    assert.ok(file && existsSync(file));
    const cached = fromCache(file);
    assert.deepEqual(observable(cached), observable(await builtInProcess()));
    assert.ok(cached.sources.every((source) => source.reading?.in === 'worker' && source.reading.ms >= 0), JSON.stringify(cached.sources));
    assert.ok(progress.some((line) => line.startsWith('snapshot.jsonl ')), progress.join('; '));
  });

  it('resolves with nothing when aborted, before or while the worker runs', async () => {
    const before = new AbortController();
    before.abort();
    assert.equal(await runCatalogWorker(workerFile, request, { onBytesRead: () => undefined, signal: before.signal }), undefined);
    const during = new AbortController();
    const running = runCatalogWorker(workerFile, request, { onBytesRead: () => during.abort(), signal: during.signal });
    assert.equal(await running, undefined);
  });

  it('rejects with the reason when the worker fails', async () => {
    // The cache folder cannot be made: a file is in the way.
    writeFileSync(path.join(folder, 'blocked'), '');
    const failing = { ...request, cacheFolder: path.join(folder, 'blocked', 'cache') };
    await assert.rejects(runCatalogWorker(workerFile, failing, { onBytesRead: () => undefined, signal: new AbortController().signal }), /ENOTDIR|EEXIST/);
  });

  it('rejects as out of memory when the index files are too big for the worker heap', async () => {
    const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;
    const big = path.join(folder, 'big.jsonl');
    writeFileSync(big, generateCorpus(bundled, 20_000).papers.map(arxivJsonlLine).join(''));
    const tooBig = { ...request, files: [big], key: { keyTemplate: KEY_TEMPLATE, sources: await stampSources([bundledPath, big]) } };
    const failure = await runCatalogWorker(workerFile, tooBig, { onBytesRead: () => undefined, signal: new AbortController().signal, resourceLimits: { maxOldGenerationSizeMb: 8 } }).then(
      () => assert.fail('the worker finished'),
      (error: unknown) => error,
    );
    assert.ok(isOutOfMemory(failure), String(failure));
    // Other failures are not taken for it.
    assert.equal(isOutOfMemory(new Error('ENOTDIR')), false);
  });

  it('rejects when the worker dies', async () => {
    const script = path.join(folder, 'dies.js');
    writeFileSync(script, 'process.exit(3);');
    await assert.rejects(runCatalogWorker(script, request, { onBytesRead: () => undefined, signal: new AbortController().signal }), /exit code 3/);
  });
});

