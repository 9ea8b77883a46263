/**
 * Papers the user already knows (their reading list, then what they opened or cited lately) go first
 * when the query says too little to rank by. Pure: no `vscode` import.
 */
import type { Paper } from '../papers/paper';
import { searchInCollection, splitCollectionFilter } from './collectionFilter';
import type { SearchHit } from './search';

/**
 * Queries up to this many characters match too many papers by accident ("gr", "ssm") for the match
 * score to tell which one is meant, so a familiar match is the better guess.
 */
export const SHORT_QUERY_MAX_LENGTH = 3;

/** What the ranking needs of a catalog. */
export interface SearchableCatalog<P extends Paper> {
  search(query: string, limit: number): SearchHit<P>[];
  get(id: string): P | undefined;
  /** Every paper, for a `collection:` query with no other words (./collectionFilter.ts). */
  [Symbol.iterator]?(): Iterator<P>;
}

/**
 * The catalog's hits for `query`, reordered for the user. `familiarIds` are the papers they know, best
 * first; ids no longer loaded are skipped. An empty query lists the familiar papers in that order, then
 * the rest; a short query puts familiar hits first, each group keeping its search order; a longer query
 * is ranked by the search alone. At most `limit` hits.
 */
export function searchFamiliarFirst<P extends Paper>(
  catalog: SearchableCatalog<P>,
  query: string,
  limit: number,
  familiarIds: readonly string[],
): SearchHit<P>[] {
  const { rest, collection } = splitCollectionFilter(query);
  if (collection !== undefined) return searchInCollection(catalog, rest, collection, limit);
  const hits = catalog.search(query, limit);
  const length = query.trim().length;
  if (length > SHORT_QUERY_MAX_LENGTH || familiarIds.length === 0) return hits;
  const familiar = new Set(familiarIds);
  const unfamiliar = hits.filter((hit) => !familiar.has(hit.paper.id));
  const first = length === 0
    ? familiarIds.flatMap((id): SearchHit<P>[] => {
      const paper = catalog.get(id);
      return paper ? [{ paper, score: 1, matches: [] }] : [];
    })
    : hits.filter((hit) => familiar.has(hit.paper.id));
  return [...first, ...unfamiliar].slice(0, limit);
}
