/**
 * Papers that other extensions get through our API are plain data: spreading one or turning it into JSON gives
 * the whole paper, also when the catalog was read from the on-disk index cache (where a paper's text stays in
 * the cache file until it is asked for).
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { arxivJsonlLine, generateCorpus } from '../../src/bench/corpus';
import { PaperCatalog, type PublicCatalog } from '../../src/catalog/catalog';
import type { LoadedPaper } from '../../src/papers/paper';
import { readSourceFile } from '../../src/sources/sourceFiles';
import { api, setSetting, workspaceFile } from './helpers';

/** Reloads until the catalog comes from the index cache, or fails after about 20 s (the host is shared and slow). */
async function cachedCatalog(): Promise<PublicCatalog> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const catalog = await (await api()).catalog();
    if (catalog.fromCache) return catalog;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await vscode.commands.executeCommand('paperLookup.reloadIndexes');
  }
  assert.fail('the catalog never came from the index cache');
}

describe('Papers through the public API', function () {
  this.timeout(120_000);

  after(async () => {
    await setSetting('indexes', undefined);
  });

  it('can be spread and serialized as JSON with every field, also when read from the index cache', async () => {
    const bundled = [...(await (await api()).catalog())].filter((paper) => paper.source === 'Bundled papers');
    // Over a megabyte, so the library builds it in a worker and reads it from the cache.
    const corpus = generateCorpus(bundled, 1500).papers.filter((paper) => paper.id.startsWith('syn-'));
    const file = workspaceFile('plain/snapshot.jsonl');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(corpus.map(arxivJsonlLine).join('')));
    await setSetting('indexes', ['plain/snapshot.jsonl']);
    const catalog = await cachedCatalog();

    // The same files built here, in one go: papers that were never in a cache file.
    const extensionRoot = vscode.extensions.getExtension('paper-lookup.paper-lookup')!.extensionUri.fsPath;
    const expected = new PaperCatalog([
      (await readSourceFile(path.join(extensionRoot, 'data', 'papers.json'), { displayName: 'Bundled papers' }))!,
      (await readSourceFile(file.fsPath))!,
    ]);
    assert.equal(catalog.size, expected.size);

    const pointerNetworks = catalog.get('pointer-networks')!;
    const handedOut: [string, LoadedPaper | undefined][] = [
      ['get', catalog.get(corpus[700].id)],
      ['getByKey', catalog.getByKey(expected.paperAt(1200).key)],
      ['paperAt', catalog.paperAt(catalog.size - 1)],
      ['a search hit', catalog.search(corpus[42].title, 1)[0]?.paper],
      ['papersByKeyPrefix', catalog.papersByKeyPrefix(expected.paperAt(300).key, 1)[0]],
      ['relatedPapers', (await catalog.relatedPapers(pointerNetworks))[0]],
      ['iteration', [...catalog][900]],
      ['a bundled paper', pointerNetworks],
    ];
    for (const [how, paper] of handedOut) {
      assert.ok(paper, `${how} gave a paper`);
      const whole = expected.get(paper.id);
      assert.ok(whole?.abstract && whole.authors?.length, `${how}: ${paper.id} has an abstract and authors`);
      assert.deepEqual({ ...paper }, whole, `${how}: a spread copies every field`);
      assert.deepEqual(JSON.parse(JSON.stringify(paper)), whole, `${how}: JSON has every field`);
      assert.ok(Object.isFrozen(paper) && Object.isFrozen(paper.authors), `${how}: frozen`);
    }
    assert.deepEqual([...catalog].map((paper) => ({ ...paper })), [...expected], 'every paper, spread, is the whole paper');
  });
});
