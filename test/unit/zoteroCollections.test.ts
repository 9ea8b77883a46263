/**
 * `collection:` in a search (src/search/collectionFilter.ts), through the ranking the picker and the side view use,
 * over the Zotero fixture library's collections.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PaperCatalog } from '../../src/catalog/catalog';
import { splitCollectionFilter } from '../../src/search/collectionFilter';
import { searchFamiliarFirst } from '../../src/search/familiarRanking';
import { readZoteroSource } from '../../src/sources/zotero/zoteroSource';
import { writeZoteroDataDirectory } from '../fixtures/zotero/buildZoteroDatabase';
import { fixtureBetterBibtexKeys, fixtureLibrary } from '../fixtures/zotero/library';

describe('collection: in a search', () => {
  let folder: string;
  let catalog: PaperCatalog;
  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-collections-'));
    catalog = new PaperCatalog([await readZoteroSource(await writeZoteroDataDirectory(folder, fixtureLibrary(41), fixtureBetterBibtexKeys))]);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  const titles = (query: string): string[] => searchFamiliarFirst(catalog, query, 50, []).map((hit) => hit.paper.title);

  it('reads the prefix anywhere in the query, quoted or not', () => {
    assert.deepEqual(splitCollectionFilter('attention collection:Reading'), { rest: 'attention', collection: 'Reading' });
    assert.deepEqual(splitCollectionFilter('collection:"Deep Learning" nature'), { rest: 'nature', collection: 'Deep Learning' });
    assert.deepEqual(splitCollectionFilter('recollection: memory'), { rest: 'recollection: memory' });
  });

  it('lists a collection with its subcollections, by path or by name, in any case', () => {
    assert.deepEqual(titles('collection:Reading'), ['Deep learning', 'Attention is All you Need', 'The TeXbook']);
    assert.deepEqual(titles('collection:"deep learning"'), ['Deep learning']);
    assert.deepEqual(titles('collection:"Reading/Deep Learning"'), ['Deep learning']);
    assert.deepEqual(titles('collection:"Group Reading"'), ['Long Short-Term Memory']);
    // The trashed collection is not one.
    assert.deepEqual(titles('collection:Old'), []);
  });

  it('searches the other words within the collection', () => {
    assert.deepEqual(titles('collection:Reading attention'), ['Attention is All you Need']);
    assert.deepEqual(titles('collection:Reading memory'), []);
  });
});
