/**
 * The shared catalog's hits and the local sources' hits as one ranked list. Pure: no `vscode` import.
 *
 * Scores from two engines cannot be compared, so the lists are interleaved rank by rank, the local one first:
 * each engine's order is kept, neither buries the other's best papers. Hits with every word of the query come
 * before hits with only part of it, from either side, as each engine lists them. A paper both have (the same id,
 * DOI or arXiv id) is listed once, as the local copy: it is the one the user's own index files describe.
 */
import type { Paper } from '../papers/paper';
import type { SearchHit } from '../search/search';

export function mergeHits<P extends Paper>(local: readonly SearchHit<P>[], server: readonly SearchHit<P>[], limit: number): SearchHit<P>[] {
  const seen = new Set<string>();
  const merged: SearchHit<P>[] = [];
  const isComplete = (hit: SearchHit<P>): boolean => !hit.unmatched?.length;
  for (const complete of [true, false]) {
    const fromLocal = local.filter((hit) => isComplete(hit) === complete);
    const fromServer = server.filter((hit) => isComplete(hit) === complete);
    for (let rank = 0; rank < Math.max(fromLocal.length, fromServer.length); rank++) {
      for (const hit of [fromLocal[rank], fromServer[rank]]) {
        if (hit === undefined || merged.length >= limit) continue;
        const identities = paperIdentities(hit.paper);
        if (identities.some((identity) => seen.has(identity))) continue;
        for (const identity of identities) seen.add(identity);
        merged.push(hit);
      }
    }
  }
  return merged;
}

/** What makes two papers the same: the id, the DOI (any case), the arXiv id (any version). */
export function paperIdentities(paper: Paper): string[] {
  const identities = [`id:${paper.id}`];
  if (paper.doi) identities.push(`doi:${paper.doi.trim().toLowerCase()}`);
  if (paper.arxivId) identities.push(`arxiv:${paper.arxivId.trim().toLowerCase().replace(/v\d+$/, '')}`);
  return identities;
}
