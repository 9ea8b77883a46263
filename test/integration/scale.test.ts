/**
 * Big indexes in the real extension host: JSON Lines files in the arXiv snapshot format, big ones built in
 * a worker thread, and the on-disk cache that makes the second load of big index files fast.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { arxivJsonlLine, generateCorpus } from '../../src/bench/corpus';
import { PaperCatalog, type PublicCatalog, type SourceSummary } from '../../src/catalog/catalog';
import { readSourceFile } from '../../src/sources/sourceFiles';
import { api, outputChannelText, setSetting, workspaceFile } from './helpers';

const encoder = new TextEncoder();
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'scale');

/** Reloads until `check` holds for the catalog, or fails after about 20 s (the host is shared and slow). */
async function reloadUntil(check: (catalog: PublicCatalog) => boolean, what: string): Promise<PublicCatalog> {
  let catalog: PublicCatalog | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    catalog = await (await api()).catalog();
    if (check(catalog)) return catalog;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('paperLookup.reloadIndexes');
  }
  assert.fail(`${what}: not so after 40 reloads (${catalog?.size} papers, fromCache ${catalog?.fromCache})`);
}

/** Ids of the top hits, with keys, for comparing two catalogs. */
/** The sources as loaded, without how long reading each took: a worker build, a read in one go and a cache read differ only there. */
function withoutReading(sources: readonly SourceSummary[]): Omit<SourceSummary, 'reading'>[] {
  return sources.map(({ reading: _reading, ...source }) => source);
}

function results(catalog: PublicCatalog, queries: readonly string[]): string[][] {
  return queries.map((query) => catalog.search(query, 10).map((hit) => `${hit.paper.id} ${hit.paper.key} ${hit.paper.source}`));
}

describe('Scale: JSON Lines indexes and the index cache', function () {
  this.timeout(120_000);

  afterEach(async () => {
    await setSetting('indexes', undefined);
  });

  it('loads a workspace .jsonl index in the arXiv snapshot format, and reports its bad line by number', async () => {
    const file = workspaceFile('scale/arxiv-sample.jsonl');
    await vscode.workspace.fs.writeFile(file, readFileSync(path.join(FIXTURES, 'arxiv-sample.jsonl')));
    await setSetting('indexes', ['scale/arxiv-sample.jsonl']);
    const catalog = await reloadUntil((loaded) => loaded.get('2101.00004') !== undefined, 'the .jsonl papers are loaded');

    const hit = catalog.search('quasicrystal tesselations', 1)[0]?.paper;
    assert.equal(hit?.title, 'Streaming Quasicrystal Tessellations for Lattice Codes');
    assert.equal(hit?.source, 'arxiv-sample.jsonl');
    assert.deepEqual(hit?.authors, ['Grace Hopper', 'Alan Turing']);
    assert.equal(hit?.arxivId, '2101.00001');
    const sheaves = catalog.search('holographic sheaves', 1)[0]?.paper;
    assert.equal(sheaves?.venue, 'Annals of Sheaves 3 (2021)');
    assert.equal(sheaves?.doi, '10.5555/noether.2021');
    // The line after the broken one still loads.
    assert.equal(catalog.search('bernoulli numbers analytical engine', 1)[0]?.paper.id, '2101.00004');

    const problems = catalog.problems.filter((problem) => problem.file.endsWith('arxiv-sample.jsonl'));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].line, 3);
    // At the column where the JSON goes wrong.
    assert.equal(problems[0].column, 31);
    assert.match(problems[0].message, /Invalid JSON/);
    assert.equal(catalog.get('2101.00003'), undefined);
    const summary = catalog.sources.find((source) => source.name === 'arxiv-sample.jsonl');
    assert.deepEqual({ papers: summary?.paperCount, errors: summary?.errorCount }, { papers: 3, errors: 1 });
  });

  it('builds big index files in a worker, loads them from the cache the second time, with the same results, and not after they change', async () => {
    const extension = await api();
    const bundled = [...(await extension.catalog())].filter((paper) => paper.source === 'Bundled papers');
    // Over a megabyte, so the library caches it.
    const { papers } = generateCorpus(bundled, 1500);
    const corpus = papers.filter((paper) => paper.id.startsWith('syn-'));
    const file = workspaceFile('scale/big-snapshot.jsonl');
    await vscode.workspace.fs.writeFile(file, encoder.encode(corpus.map(arxivJsonlLine).join('')));
    await setSetting('indexes', ['scale/big-snapshot.jsonl']);

    const built = await reloadUntil((catalog) => catalog.get(corpus[corpus.length - 1].id) !== undefined, 'the big index is loaded');
    const queries = [corpus[7].title, corpus[700].title.split(' ').slice(0, 2).join(' '), corpus[1200].authors?.[0] ?? 'x', 'neural netwroks'];
    const expected = results(built, queries);
    assert.ok(expected.every((hits) => hits.length > 0), JSON.stringify(expected));
    // Asked now: a reload replaces `built`, and a replaced catalog answers nothing.
    const builtKey = built.get(corpus[3].id)?.key;
    const builtSize = built.size;
    const { sources: builtSources } = built;

    // Built in a worker thread, with the results of a catalog built here, in one go, from the same files.
    const builtInWorker = 'Built the catalog of big-snapshot.jsonl in a background worker';
    assert.ok((await outputChannelText('Paper Lookup', builtInWorker)).includes(builtInWorker), 'the Output channel says the worker built it');
    assert.equal(built.fromCache, false);
    const extensionRoot = vscode.extensions.getExtension('paper-lookup.paper-lookup')!.extensionUri.fsPath;
    const sources = [(await readSourceFile(path.join(extensionRoot, 'data', 'papers.json'), { displayName: 'Bundled papers' }))!, (await readSourceFile(file.fsPath))!];
    const inOneGo = new PaperCatalog(sources);
    assert.deepEqual(results(inOneGo, queries), expected);
    assert.deepEqual(built.problems, inOneGo.problems);
    assert.deepEqual(withoutReading(built.sources), withoutReading(inOneGo.sources));
    assert.equal(built.sources.find((source) => source.name === 'big-snapshot.jsonl')?.reading?.in, 'worker', 'the Sources view says the worker read it');

    // The cache is written after the first load finished; a reload after that reads it.
    const cached = await reloadUntil((catalog) => catalog.fromCache, 'a reload reads the index cache');
    assert.equal(cached.size, builtSize);
    assert.deepEqual(results(cached, queries), expected);
    assert.equal(cached.get(corpus[3].id)?.key, builtKey);
    assert.deepEqual(withoutReading(cached.sources), withoutReading(builtSources));
    assert.ok(cached.sources.every((source) => source.reading?.in === 'cache'), 'the Sources view says each source came from the cache');

    // A changed file is read again, not served from the stale cache.
    const added = { id: 'syn-added', title: 'Zymurgical Quinoa Fermentation Dynamics', abstract: 'Brewing with quinoa.', authors: ['Ann Brewer'], year: 2024 };
    await vscode.workspace.fs.writeFile(file, encoder.encode([...corpus, added].map(arxivJsonlLine).join('')));
    const rebuilt = await reloadUntil((catalog) => catalog.get('syn-added') !== undefined, 'the changed file is read again');
    assert.equal(rebuilt.fromCache, false);
    assert.equal(rebuilt.search('zymurgical quinoa', 1)[0]?.paper.id, 'syn-added');
  });

  it('still builds in the worker and reads the cache when another entry names a missing file or matches nothing, and reports both', async () => {
    const extension = await api();
    const bundled = [...(await extension.catalog())].filter((paper) => paper.source === 'Bundled papers');
    const corpus = generateCorpus(bundled, 1500).papers.filter((paper) => paper.id.startsWith('syn-'));
    const file = workspaceFile('scale/big-with-missing.jsonl');
    await vscode.workspace.fs.writeFile(file, encoder.encode(corpus.map(arxivJsonlLine).join('')));
    await setSetting('indexes', ['scale/big-with-missing.jsonl', 'scale/missing.jsonl', 'scale/nothing-*.bib']);

    const reported = (catalog: PublicCatalog): string[] =>
      catalog.sources.filter((source) => source.paperCount === 0 && source.errorCount === 1).map((source) => source.name).sort();
    const built = await reloadUntil((catalog) => catalog.get(corpus[corpus.length - 1].id) !== undefined, 'the big index is loaded');
    const builtInWorker = 'Built the catalog of big-with-missing.jsonl in a background worker';
    assert.ok((await outputChannelText('Paper Lookup', builtInWorker)).includes(builtInWorker), 'the worker built it');
    assert.deepEqual(reported(built), ['missing.jsonl', 'nothing-*.bib']);
    assert.ok(built.problems.some((problem) => problem.file.endsWith('missing.jsonl')), JSON.stringify(built.problems));
    assert.ok(built.problems.some((problem) => /No index files match "scale\/nothing-\*\.bib"/.test(problem.message)), JSON.stringify(built.problems));

    const cached = await reloadUntil((catalog) => catalog.fromCache, 'a reload reads the index cache');
    assert.equal(cached.size, built.size);
    assert.deepEqual(withoutReading(cached.sources), withoutReading(built.sources));
    assert.equal(cached.sources.find((source) => source.name === 'big-with-missing.jsonl')?.reading?.in, 'cache');
    assert.deepEqual(cached.problems, built.problems);
  });
});
