/**
 * What a paper search gives its callers, and the snippet they show of it. Pure: no `vscode` import.
 *
 * Callers see only `PaperSearch`: build once over a list of papers, then `search(query, limit)`. The engine
 * is ./scaledSearch.ts at every size: it found more known items than a tuned fuse.js even at 1k papers,
 * and fuse.js's per-query scan cannot meet the latency target beyond a few thousand (see `npm run bench`,
 * where plain fuse.js stays as the baseline).
 */
import type { Paper } from '../papers/paper';

export type SearchField = 'title' | 'authors' | 'abstract';

/** Half-open `[start, end)` character ranges of a match in one field (in one author, for `authors`). */
export interface FieldMatch {
  readonly field: SearchField;
  /** For `authors`: which author matched. */
  readonly authorIndex?: number;
  readonly ranges: readonly (readonly [number, number])[];
}

export interface SearchHit<P extends Paper = Paper> {
  readonly paper: P;
  /** 0 is a perfect match, 1 no match at all. */
  readonly score: number;
  readonly matches: readonly FieldMatch[];
  /**
   * The query's words, as typed, that this paper does not have; absent or empty when it has every word.
   * Papers with every word are listed before those without.
   */
  readonly unmatched?: readonly string[];
}

export interface PaperSearch<P extends Paper = Paper> {
  /**
   * Ranked hits, best first: the papers with every word of the query, then, when there are fewer than
   * `limit` of those, the papers with the most of it. An empty query returns the first `limit` papers in
   * index order.
   */
  search(query: string, limit: number): SearchHit<P>[];
}

/**
 * About `width` characters of `text` around its longest matched range, for one-line previews: cut at
 * word boundaries, with ellipses where text was cut.
 */
export function snippetAround(
  text: string,
  ranges: readonly (readonly [number, number])[],
  width = 160,
): string {
  if (text.length <= width || ranges.length === 0) return text.length <= width ? text : `${text.slice(0, width).replace(/\s+\S*$/, '')}…`;
  const [start, end] = ranges.reduce((best, range) => (range[1] - range[0] > best[1] - best[0] ? range : best));
  let from = Math.max(0, start - Math.floor((width - (end - start)) / 3));
  let to = Math.min(text.length, from + width);
  from = Math.max(0, to - width);
  if (from > 0) from = text.indexOf(' ', from) + 1 || from;
  if (to < text.length) to = text.lastIndexOf(' ', to) > from ? text.lastIndexOf(' ', to) : to;
  return `${from > 0 ? '…' : ''}${text.slice(from, to).trim()}${to < text.length ? '…' : ''}`;
}
