/**
 * Where a catalog keeps its papers (src/catalog/paperStore.ts): a paper read from the index cache is made with
 * one read of its record, as a plain, frozen object with every field its own; the last few are kept; iterating
 * reads many records at a time; closing releases the file once and makes every later read throw. And the
 * catalog over a store: `dispose` closes it.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateCorpus } from '../../src/bench/corpus';
import { PaperCatalog, publicCatalog } from '../../src/catalog/catalog';
import { memoryPaperStore, type PaperStore } from '../../src/catalog/paperStore';
import { bytesReader, deserializeIndex, serializeIndex, type ByteReader } from '../../src/catalog/serialize';
import type { LoadedPaper } from '../../src/papers/paper';
import { buildSearchIndex } from '../../src/search/engine/invertedIndex';
import { parseIndexText } from '../../src/sources/parseIndex';
import { concat } from './bytes';

const bundledPath = path.join(__dirname, '..', '..', 'data', 'papers.json');
const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;
const papers: LoadedPaper[] = generateCorpus(bundled, 2000).papers.map((paper, i) => ({
  ...paper,
  key: `key${i}`,
  source: i % 2 ? 'a.jsonl' : 'Bundled papers + b.bib',
  ...(i === 5 ? { bibtex: '@article{key5, title = {Ünïcödé 𝔘}}', venue: 'Vénue' } : {}),
}));
const file = concat(serializeIndex(buildSearchIndex(papers), papers));

/** The file's papers, through a reader that counts its reads after loading, and how often it was released. */
function load(): { store: NonNullable<ReturnType<typeof deserializeIndex>['papers']>; reads: () => number; releases: () => number } {
  const read = bytesReader(file);
  let reads = 0;
  let releases = 0;
  const counting: ByteReader = (offset, length, scratch) => {
    reads++;
    return read(offset, length, scratch);
  };
  const { papers: store } = deserializeIndex(counting, () => releases++);
  const afterLoad = reads;
  return { store: store!, reads: () => reads - afterLoad, releases: () => releases };
}

describe('paper store: papers read from the index cache', () => {
  it('makes a paper with one read, as a plain frozen object whose spread and JSON are the whole paper', () => {
    const { store, reads } = load();
    for (const i of [0, 5, 1999]) {
      const before = reads();
      const paper = store.paperAt(i);
      assert.equal(reads() - before, 1, `one read for paper ${i}`);
      assert.equal(Object.getPrototypeOf(paper), Object.prototype);
      assert.ok(Object.isFrozen(paper) && Object.isFrozen(paper.authors));
      assert.deepEqual({ ...paper }, papers[i]);
      assert.deepEqual(JSON.parse(JSON.stringify(paper)), papers[i]);
      assert.deepEqual(Object.keys(paper).sort(), Object.keys(papers[i]).sort(), 'every field is an own property, and only those it has');
      // Reading every field reads nothing more.
      const after = reads();
      void [paper.title, paper.abstract, paper.authors, paper.venue, paper.bibtex, paper.source, paper.doi, paper.url];
      assert.equal(reads(), after);
    }
    assert.equal(store.idAt(1234), papers[1234].id);
  });

  it('keeps the papers asked for last, a bounded few, and reads the others again', () => {
    const { store, reads } = load();
    const first = store.paperAt(10);
    const before = reads();
    assert.equal(store.paperAt(10), first, 'asked again: the same object, no read');
    assert.equal(reads(), before);
    for (let i = 100; i < 1200; i++) store.paperAt(i);
    const again = store.paperAt(10);
    assert.equal(reads(), before + 1100 + 1, 'read again once 1,100 others were asked for');
    assert.notEqual(again, first);
    assert.deepEqual(again, first);
  });

  it('iterates over every paper in order, many records a read', () => {
    const { store, reads } = load();
    assert.deepEqual([...store], papers);
    assert.ok(reads() <= 20, `${reads()} reads for ${papers.length} papers`);
  });

  it('releases the file once when closed, and then refuses every read', () => {
    const { store, releases } = load();
    const iterator = store[Symbol.iterator]();
    iterator.next();
    store.close();
    store.close();
    assert.equal(releases(), 1);
    assert.throws(() => store.paperAt(0), /disposed/);
    assert.throws(() => store.idAt(0), /disposed/);
    assert.throws(() => iterator.next(), /disposed/);
    assert.throws(() => [...store], /disposed/);
  });

  it('refuses a position out of range', () => {
    const { store } = load();
    assert.throws(() => store.paperAt(-1), RangeError);
    assert.throws(() => store.paperAt(papers.length), RangeError);
  });
});

describe('paper store: papers built in memory', () => {
  it('hands out the papers it holds, and refuses every read once closed', () => {
    const store = memoryPaperStore(papers);
    assert.equal(store.size, papers.length);
    assert.equal(store.paperAt(3), papers[3]);
    assert.equal(store.idAt(3), papers[3].id);
    assert.deepEqual([...store], papers);
    store.close();
    assert.throws(() => store.paperAt(3), /disposed/);
    assert.throws(() => [...store], /disposed/);
  });
});

describe('catalog: papers handed out, and dispose', () => {
  const sources = [{ name: 'Bundled papers', location: bundledPath, papers: bundled, problems: [] }];

  it('hands out plain frozen papers from every question, in memory and from the cache alike', async () => {
    const catalog = new PaperCatalog(sources);
    const loaded = deserializeIndex(concat(serializeIndex(catalog.contents.index, catalog.contents.papers)));
    const cached = new PaperCatalog({ ...catalog.contents, index: loaded.index, papers: loaded.papers as PaperStore, fromCache: true });
    for (const from of [catalog, cached]) {
      const paper = from.get('pointer-networks')!;
      const handedOut = [
        paper,
        from.getByKey(paper.key),
        from.paperAt(3),
        from.search('pointer networks', 1)[0].paper,
        from.papersByKeyPrefix(paper.key, 1)[0],
        (await from.relatedPapers(paper))[0],
        [...from][7],
      ];
      for (const one of handedOut) {
        assert.ok(one && Object.isFrozen(one));
        assert.deepEqual({ ...one }, catalog.get(one.id));
      }
    }
  });

  it('answers nothing once disposed, through the public view too; papers handed out before stay whole', async () => {
    const catalog = new PaperCatalog(sources);
    const view = publicCatalog(catalog);
    assert.equal(publicCatalog(catalog), view, 'one view per catalog');
    assert.ok(Object.isFrozen(view));
    assert.ok(!('dispose' in view) && !('contents' in view), 'the view has no store and no dispose');
    const paper = view.get('pointer-networks')!;
    const copy = { ...paper };
    catalog.dispose();
    for (const ask of [() => view.get(paper.id), () => view.getByKey(paper.key), () => view.paperAt(0), () => view.search('pointer', 5), () => [...view], () => view.papersByKeyPrefix('a', 1)]) {
      assert.throws(ask, /disposed/);
    }
    await assert.rejects(view.relatedPapers(paper), /disposed/);
    assert.deepEqual(paper, copy);
    catalog.dispose();
  });
});
