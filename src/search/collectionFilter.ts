/**
 * `collection:` in a search: `collection:Reading attention` lists the papers of the Zotero collection "Reading" (and of
 * its subcollections) that match "attention"; `collection:"Deep Learning"` names one with blanks; the prefix alone lists
 * the collection's papers. A collection is named by its path (`Reading/Deep Learning`) or by its last part, in any case.
 * Pure: no `vscode` import.
 */
import type { Paper } from '../papers/paper';
import type { SearchHit } from './search';

/** At most this many hits of the other words are searched for ones in the collection. */
const SEARCHED_FOR_COLLECTION = 5000;

const COLLECTION_PREFIX = /(?:^|\s)collection:(?:"([^"]*)"?|(\S*))/i;

/** The collection a query asks for, and the query without it; no `collection` when it asks for none. */
export function splitCollectionFilter(query: string): { readonly rest: string; readonly collection?: string } {
  const match = COLLECTION_PREFIX.exec(query);
  if (!match) return { rest: query };
  const rest = `${query.slice(0, match.index)} ${query.slice(match.index + match[0].length)}`.replace(/\s+/g, ' ').trim();
  return { rest, collection: (match[1] ?? match[2]).trim() };
}

/** Whether the paper is in the collection named `name` or in one below it. */
export function isInCollection(paper: Pick<Paper, 'collections'>, name: string): boolean {
  const wanted = name.toLowerCase();
  return (paper.collections ?? []).some((collectionPath) => {
    const lower = collectionPath.toLowerCase();
    return lower === wanted || lower.startsWith(`${wanted}/`) || lower.split('/').includes(wanted);
  });
}

/** The hits of `rest` (or, with no words, every paper in `papers`' order) in the collection, at most `limit`. */
export function searchInCollection<P extends Paper>(
  catalog: { search(query: string, limit: number): SearchHit<P>[]; [Symbol.iterator]?(): Iterator<P> },
  rest: string,
  collection: string,
  limit: number,
): SearchHit<P>[] {
  if (rest.trim() !== '') return catalog.search(rest, SEARCHED_FOR_COLLECTION).filter((hit) => isInCollection(hit.paper, collection)).slice(0, limit);
  const hits: SearchHit<P>[] = [];
  const papers: Iterable<P> = catalog[Symbol.iterator] ? (catalog as Iterable<P>) : [];
  for (const paper of papers) {
    if (hits.length >= limit) break;
    if (collection === '' ? paper.collections !== undefined : isInCollection(paper, collection)) hits.push({ paper, score: 1, matches: [] });
  }
  return hits;
}
