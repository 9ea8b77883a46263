/**
 * Known-item search quality on the bundled index: each query names the paper a user typing it is after,
 * and that paper must be in the top 3. Queries are what people type: exact title words, misspellings,
 * words that appear only in one paper's abstract, unfinished words, and author names.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PaperCatalog } from '../../src/catalog/catalog';
import { parseIndexText } from '../../src/sources/parseIndex';
import { createScaledSearch } from '../../src/search/scaledSearch';
import { snippetAround } from '../../src/search/search';
import { KNOWN_ITEMS } from '../fixtures/knownItems';

const bundledPath = path.join(__dirname, '..', '..', 'data', 'papers.json');
const bundled = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath);
const catalog = new PaperCatalog([{ name: 'Bundled papers', location: bundledPath, ...bundled }]);

describe('search: known-item queries on the bundled index', () => {
  it('the query set is at least 30 queries over ids that exist', () => {
    assert.ok(KNOWN_ITEMS.length >= 30);
    for (const [, , id] of KNOWN_ITEMS) assert.ok(catalog.get(id), `unknown id in the query set: ${id}`);
  });

  for (const [kind, query, expectedId] of KNOWN_ITEMS) {
    it(`${kind}: "${query}" finds ${expectedId} in the top 3`, () => {
      const top3 = catalog.search(query, 3).map((hit) => hit.paper.id);
      assert.ok(top3.includes(expectedId), `top 3 were: ${top3.join(', ') || '(nothing)'}`);
    });
  }
});

describe('search: ranking and matches', () => {
  it('ranks a title match above a paper that mentions the word only in its abstract', () => {
    const papers = [
      { id: 'abstract-only', title: 'Something else entirely', abstract: 'We study attention and memory in transformers.' },
      { id: 'in-title', title: 'Attention for everyone', abstract: 'A short note.' },
    ];
    assert.deepEqual(createScaledSearch(papers).search('attention', 2).map((hit) => hit.paper.id), ['in-title', 'abstract-only']);
  });

  it('finds papers by author when authors exist', () => {
    const papers = [
      { id: 'a', title: 'Alpha', abstract: 'x', authors: ['Grace Hopper'] },
      { id: 'b', title: 'Beta', abstract: 'y', authors: ['Alan Turing'] },
    ];
    assert.deepEqual(createScaledSearch(papers).search('turing', 5).map((hit) => hit.paper.id), ['b']);
  });

  it('returns the matched ranges, which point at the query in the matched field', () => {
    const [hit] = catalog.search('pointer networks', 1);
    const title = hit.matches.find((match) => match.field === 'title');
    assert.ok(title, 'expected a title match');
    const matchedText = title.ranges.map(([start, end]) => hit.paper.title.slice(start, end).toLowerCase());
    assert.ok(matchedText.includes('pointer') && matchedText.includes('networks'), matchedText.join('|'));
  });

  it('lists papers with every word first, then the one with the rest of the query, saying which word it lacks', () => {
    const [hit] = catalog.search('pointer zzzzqqq', 5);
    assert.equal(hit.paper.id, 'pointer-networks');
    assert.deepEqual(hit.unmatched, ['zzzzqqq']);
    const [both] = catalog.search('vinyals pointer', 1);
    assert.equal(both.paper.id, 'pointer-networks');
    assert.equal(both.unmatched, undefined);
  });

  it('treats operator-like characters as plain text instead of failing', () => {
    for (const query of ['!pointer', '^pointer', '=pointer', "'pointer", 'pointer$', '|', '""']) {
      assert.doesNotThrow(() => catalog.search(query, 5), query);
    }
  });

  it('lists papers in index order for an empty query', () => {
    assert.deepEqual(catalog.search('  ', 2).map((hit) => hit.paper.id), [...catalog].slice(0, 2).map((paper) => paper.id));
  });
});

describe('snippetAround', () => {
  const text = 'word '.repeat(100) + 'needle ' + 'word '.repeat(100);
  it('centres on the match, cuts at word boundaries, and marks the cuts', () => {
    const start = text.indexOf('needle');
    const snippet = snippetAround(text, [[start, start + 6]], 80);
    assert.ok(snippet.includes('needle'));
    assert.ok(snippet.startsWith('…') && snippet.endsWith('…'));
    assert.ok(snippet.length <= 82);
    assert.doesNotMatch(snippet, /…\S*wor\b|\bor…/);
  });
  it('returns short text unchanged', () => {
    assert.equal(snippetAround('short text', [[0, 5]]), 'short text');
  });
});
