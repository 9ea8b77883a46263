import { strict as assert } from 'node:assert';
import { searchFamiliarFirst, SHORT_QUERY_MAX_LENGTH, type SearchableCatalog } from '../../src/search/familiarRanking';
import type { Paper } from '../../src/papers/paper';
import type { SearchHit } from '../../src/search/search';

const papers: Paper[] = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, title: `Paper ${id}`, abstract: '' }));

/** A catalog whose search answers every query with `answer`, best first. */
function catalogAnswering(answer: readonly string[]): SearchableCatalog<Paper> {
  const byId = new Map(papers.map((paper) => [paper.id, paper]));
  return {
    search: (_query, limit): SearchHit<Paper>[] =>
      answer.slice(0, limit).map((id, rank) => ({ paper: byId.get(id) as Paper, score: rank / 10, matches: [] })),
    get: (id) => byId.get(id),
  };
}

const ids = (hits: readonly SearchHit<Paper>[]) => hits.map((hit) => hit.paper.id);

describe('familiar papers first', () => {
  it('lists the familiar papers in their order, then the rest, for an empty query', () => {
    assert.deepEqual(ids(searchFamiliarFirst(catalogAnswering(['a', 'b', 'c', 'd', 'e']), '  ', 10, ['d', 'b'])), ['d', 'b', 'a', 'c', 'e']);
  });

  it('skips familiar ids that are no longer loaded, and keeps to the limit', () => {
    assert.deepEqual(ids(searchFamiliarFirst(catalogAnswering(['a', 'b', 'c']), '', 3, ['gone', 'c'])), ['c', 'a', 'b']);
  });

  it('moves familiar hits of a short query ahead, each group in search order, and adds no papers the search missed', () => {
    const short = 'x'.repeat(SHORT_QUERY_MAX_LENGTH);
    assert.deepEqual(ids(searchFamiliarFirst(catalogAnswering(['a', 'b', 'c', 'd']), short, 10, ['e', 'd', 'b'])), ['b', 'd', 'a', 'c']);
  });

  it('leaves a longer query to the search', () => {
    const longer = 'x'.repeat(SHORT_QUERY_MAX_LENGTH + 1);
    assert.deepEqual(ids(searchFamiliarFirst(catalogAnswering(['a', 'b', 'c']), longer, 10, ['c'])), ['a', 'b', 'c']);
  });
});
