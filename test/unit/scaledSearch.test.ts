/**
 * The scaled search engine (src/search/scaledSearch.ts) and its cache format. The known-item queries on the
 * bundled index are in search.test.ts (the catalog uses this engine); here: its rules, and that a cache
 * round trip searches exactly like the index it was written from.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateCorpus } from '../../src/bench/corpus';
import { buildSearchIndex } from '../../src/search/engine/invertedIndex';
import { bytesReader, deserializeIndex, serializeIndex } from '../../src/catalog/serialize';
import { words } from '../../src/search/engine/tokens';
import { concat } from './bytes';
import type { Paper } from '../../src/papers/paper';
import { parseIndexText } from '../../src/sources/parseIndex';
import { createScaledSearch } from '../../src/search/scaledSearch';
import type { SearchHit } from '../../src/search/search';
import { KNOWN_ITEMS } from '../fixtures/knownItems';

const bundledPath = path.join(__dirname, '..', '..', 'data', 'papers.json');
const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;

const ids = (hits: readonly SearchHit[]): string[] => hits.map((hit) => hit.paper.id);
const marked = (hit: SearchHit, field: 'title' | 'abstract'): string[] => {
  const text = hit.paper[field];
  return (hit.matches.find((match) => match.field === field)?.ranges ?? []).map(([start, end]) => text.slice(start, end));
};

describe('scaled search: words', () => {
  it('folds case and accents and splits at anything but letters and digits', () => {
    assert.deepEqual(words('Akyürek: Weisfeiler-Lehman GNNs (2023), naïve ΣΔ'), ['akyurek', 'weisfeiler', 'lehman', 'gnns', '2023', 'naive', 'σδ']);
  });
});

describe('scaled search: matching and ranking', () => {
  const papers: Paper[] = [
    { id: 'title', title: 'Attention for everyone', abstract: 'A short note.', authors: ['Grace Hopper'] },
    { id: 'abstract', title: 'Something else entirely', abstract: 'We study attention, attention and attention in transformers.' },
    { id: 'author', title: 'Gamma', abstract: 'z', authors: ['Alan Turing'] },
    { id: 'accents', title: 'Über Graphen', abstract: 'Eine Studie von Erdős.', authors: ['Ekin Akyürek'] },
    { id: 'stitch', title: 'Stitchable neural networks', abstract: 'Networks stitched together.' },
    { id: 'graph', title: 'Graph theory', abstract: 'Vertices.' },
    { id: 'graphene', title: 'Graphene sheets', abstract: 'Carbon.' },
  ];
  const search = createScaledSearch(papers);

  it('ranks a title match above any number of abstract mentions', () => {
    assert.deepEqual(ids(search.search('attention', 5)), ['title', 'abstract']);
  });

  it('finds authors, and words with accents typed without them', () => {
    assert.deepEqual(ids(search.search('turing', 5)), ['author']);
    assert.deepEqual(ids(search.search('akyurek', 5)), ['accents']);
    assert.deepEqual(ids(search.search('uber erdos', 5)), ['accents']);
  });

  it('completes the word being typed, and only that one', () => {
    assert.deepEqual(ids(search.search('stitcha', 5)), ['stitch']);
    assert.deepEqual(ids(search.search('graph', 5)), ['graph', 'accents', 'graphene'], 'the word itself first, then "graphen", "graphene"');
    assert.deepEqual(ids(search.search('graph ', 5)), ['graph'], 'a space ends a word the vocabulary has');
    assert.deepEqual(ids(search.search('neur stitchable', 5)), ['stitch'], 'a word the vocabulary lacks is read as a prefix');
  });

  it('forgives one typo in words of five letters or more', () => {
    assert.deepEqual(ids(search.search('stichable ', 5)), ['stitch']);
    assert.deepEqual(ids(search.search('atention ', 5)), ['title', 'abstract']);
    assert.deepEqual(ids(search.search('alen ', 5)), ['author'], 'four letters: the commonest neighbours, when the word itself is rare');
    assert.deepEqual(ids(search.search('aln ', 5)), [], 'three letters and fewer must be exact');
  });

  it('lists papers with every word first, ignores stop words, and returns nothing for nonsense alone', () => {
    const withNote = search.search('attention the for of note', 5);
    assert.deepEqual(ids(withNote), ['title', 'abstract']);
    assert.deepEqual(withNote.map((hit) => hit.unmatched), [undefined, ['note']]);
    const partial = search.search('attention zzzzqqq', 5);
    assert.deepEqual(ids(partial), ['title', 'abstract']);
    assert.deepEqual(partial.map((hit) => hit.unmatched), [['zzzzqqq'], ['zzzzqqq']]);
    assert.deepEqual(ids(search.search('zzzzqqq', 5)), []);
  });

  it('lists papers in index order for a query without words, and nothing for limit 0', () => {
    assert.deepEqual(ids(search.search(' ,;- ', 2)), ['title', 'abstract']);
    assert.deepEqual(search.search('attention', 0), []);
  });

  it('scores from 0 (best) to 1 and marks the matched words, or the typed part of a completed word', () => {
    const [hit] = search.search('stitchable netw', 1);
    assert.ok(hit.score >= 0 && hit.score < 1);
    assert.deepEqual(marked(hit, 'title'), ['Stitchable', 'netw']);
    assert.deepEqual(marked(hit, 'abstract'), ['Netw']);
    const [author] = search.search('turing', 1);
    assert.deepEqual(author.matches, [{ field: 'authors', authorIndex: 0, ranges: [[5, 11]] }]);
    assert.deepEqual({ ...author }.matches, author.matches, 'spreading a hit keeps its matches');
  });

  it('keeps at most `limit` hits, best first, and the same hits for a larger limit', () => {
    const { papers: corpus } = generateCorpus(bundled, 2000);
    const big = createScaledSearch(corpus);
    for (const query of ['neural', 'graph netw', 'learning representations', 'equivarient']) {
      const top50 = big.search(query, 50);
      assert.ok(top50.length <= 50);
      assert.deepEqual(ids(big.search(query, 10)), ids(top50).slice(0, 10), query);
      for (let i = 1; i < top50.length; i++) assert.ok(top50[i - 1].score <= top50[i].score, `${query}: sorted`);
    }
  });

  it('finds every known item in the top 3 of the bundled papers', () => {
    const bundledSearch = createScaledSearch(bundled);
    for (const [kind, query, expected] of KNOWN_ITEMS) {
      assert.ok(ids(bundledSearch.search(query, 3)).includes(expected), `${kind}: ${query}`);
    }
  });

  it('works past 65 536 terms, where term ids span several segments', () => {
    const word = (n: number): string => `a${String(n).padStart(5, '0')}`;
    const many: Paper[] = Array.from({ length: 7000 }, (_, i) => ({
      id: `p${i}`,
      title: Array.from({ length: 10 }, (_, j) => word(i * 10 + j)).join(' '),
      abstract: '',
    }));
    const wide = createScaledSearch(many);
    assert.equal(wide.index.terms.size, 70_000);
    assert.equal(wide.index.segments, 2);
    // The exact word first; its one-typo neighbours (a69959, …) follow.
    assert.equal(ids(wide.search(`${word(69_999)} `, 5))[0], 'p6999');
    assert.equal(ids(wide.search(`${word(65_536)} ${word(65_539)} `, 5))[0], 'p6553');
    // "a655…" is a65500–a65599: ids on both sides of 65 536.
    assert.deepEqual(ids(wide.search('a655', 50)).sort(), Array.from({ length: 10 }, (_, i) => `p${6550 + i}`).sort());
    assert.deepEqual(marked(wide.search('a6553', 1)[0], 'title').length, 10);
  });

  it('rejects an index built for other papers', () => {
    assert.throws(() => createScaledSearch(papers.slice(1), search.index), /holds 7 papers, but 6/);
  });
});

describe('scaled search: the cache format', () => {
  const { papers } = generateCorpus(bundled, 3000);
  const withOddFields: Paper[] = [
    ...papers,
    { id: 'odd', title: 'Unicode — ünïcödé 𝔘 title', abstract: '', authors: [], year: 0, doi: '10.1/x', url: 'https://example.org', venue: 'V', arxivId: '1234.5678', arxivCategory: 'cs.LG' },
    { id: 'bare', title: 'Bare', abstract: 'No optional fields.' },
  ];
  const index = buildSearchIndex(withOddFields);
  const chunks = serializeIndex(index, withOddFields);
  const bytes = concat(chunks);

  it('gives back the same papers and the same index', () => {
    const loaded = deserializeIndex(bytes);
    assert.deepEqual([...loaded.papers!], withOddFields);
    assert.deepEqual(loaded.index, index);
  });

  it('makes each paper when it is asked for, as a plain frozen object with every field its own', () => {
    const loaded = deserializeIndex(bytes);
    const papers = loaded.papers!;
    assert.equal(papers.size, withOddFields.length);
    const odd = papers.paperAt(3000);
    assert.ok(Object.isFrozen(odd));
    assert.equal(Object.getPrototypeOf(odd), Object.prototype);
    assert.deepEqual({ ...odd }, withOddFields[3000]);
    assert.deepEqual(JSON.parse(JSON.stringify(odd)), withOddFields[3000]);
    assert.deepEqual({ ...papers.paperAt(3001) }, { id: 'bare', title: 'Bare', abstract: 'No optional fields.' }, 'absent fields are absent, not undefined');
    assert.throws(() => papers.paperAt(papers.size), RangeError);
    assert.equal(loaded.ids?.at(3001), 'bare');
  });

  it('searches exactly like the index it was written from: hits, scores and match ranges', () => {
    const loaded = deserializeIndex(bytes);
    const before = createScaledSearch(withOddFields, index);
    const after = createScaledSearch(loaded.papers ?? [], loaded.index);
    const queries = KNOWN_ITEMS.flatMap(([, query]) => Array.from({ length: query.length }, (_, i) => query.slice(0, i + 1)));
    for (const query of [...queries, 'ünïcödé', '𝔘', '']) {
      const a = before.search(query, 20);
      const b = after.search(query, 20);
      assert.deepEqual(
        b.map((hit) => ({ id: hit.paper.id, score: hit.score, matches: hit.matches })),
        a.map((hit) => ({ id: hit.paper.id, score: hit.score, matches: hit.matches })),
        query,
      );
    }
  });

  it('reads through a reader, from any offset alignment, and without papers when none were written', () => {
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    const view = shifted.subarray(3);
    const read = bytesReader(view);
    const misaligned = deserializeIndex((offset, length) => {
      const copy = new Uint8Array(length + 1);
      copy.set(read(offset, length), 1);
      return copy.subarray(1);
    });
    assert.deepEqual(misaligned.index, index);
    const indexOnly = deserializeIndex(concat(serializeIndex(index)));
    assert.equal(indexOnly.papers, undefined);
    assert.deepEqual(indexOnly.index, index);
  });

  it('refuses what it did not write: another format, another version, a truncated file', () => {
    assert.throws(() => deserializeIndex(new TextEncoder().encode('{"version": 1, "papers": []}')), /Not a search index cache/);
    const otherVersion = bytes.slice();
    new DataView(otherVersion.buffer).setUint32(4, 999, true);
    assert.throws(() => deserializeIndex(otherVersion), /format 999/);
    assert.throws(() => deserializeIndex(bytes.subarray(0, bytes.byteLength >> 1)), /Truncated/);
  });
});
