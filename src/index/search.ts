/**
 * Paper search. Pure: no `vscode` import.
 *
 * Callers see only `PaperSearch`: build once over a list of papers, then `search(query, limit)`. The engine
 * behind it is fuse.js today; a later engine for very large indexes can replace it without touching callers.
 */
import Fuse, { type Expression, type FuseResultMatch, type IFuseOptions } from 'fuse.js';
import type { Paper } from './paper';

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
}

export interface PaperSearch<P extends Paper = Paper> {
  /** Ranked hits, best first. An empty query returns the first `limit` papers in index order. */
  search(query: string, limit: number): SearchHit<P>[];
}

/**
 * Field weights: a title match must outrank an abstract-only match, and an author match sits between.
 * Tuned against the known-item query set in test/unit/search.test.ts.
 */
const FIELD_WEIGHTS: Readonly<Record<SearchField, number>> = { title: 4, authors: 2, abstract: 1 };

/**
 * How much of each field is searched: ten times the longest abstract we have seen. fuse.js spreads all of a field's
 * matches into one call's arguments, so a 10 MB abstract overflowed the stack; it also scans every character.
 */
const MAX_SEARCHED_LENGTH = 20_000;

/** A paper's field as fuse.js searches it: cut to `MAX_SEARCHED_LENGTH`, so match ranges still index the full text. */
function searchedText(paper: Paper, field: SearchField): string | string[] | undefined {
  const value = paper[field];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value.slice(0, MAX_SEARCHED_LENGTH) : value.map((author) => author.slice(0, MAX_SEARCHED_LENGTH));
}

/** Fuse treats a leading `!`, `^`, `=`, `'` or a trailing `$` as operators; a user's words are plain words. */
function queryTokens(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .map((token) => token.replace(/^[!^='"]+|[$"]+$/g, ''))
    .filter((token) => token.length > 0)
    // Bitap patterns are limited to 32 characters; longer "words" are pasted URLs or identifiers.
    .map((token) => token.slice(0, 32));
}

export function createPaperSearch<P extends Paper>(papers: readonly P[]): PaperSearch<P> {
  const options: IFuseOptions<P> = {
    keys: (Object.keys(FIELD_WEIGHTS) as SearchField[]).map((name) => ({ name, weight: FIELD_WEIGHTS[name], getFn: (paper: P) => searchedText(paper, name) })),
    includeScore: true,
    includeMatches: true,
    ignoreLocation: true,
    threshold: 0.3,
    // Fuse's field-length norm favours short titles over the title the user means; measured worse on the query set.
    ignoreFieldNorm: true,
    minMatchCharLength: 2,
    useExtendedSearch: true,
  };
  const fuse = new Fuse(papers, options);

  return {
    search(query: string, limit: number): SearchHit<P>[] {
      const tokens = queryTokens(query);
      if (tokens.length === 0) return papers.slice(0, limit).map((paper) => ({ paper, score: 1, matches: [] }));
      // Every word must match somewhere (title, authors or abstract); words may match different fields.
      const expression: Expression = {
        $and: tokens.map((token) => ({
          $or: (Object.keys(FIELD_WEIGHTS) as SearchField[]).map((field) => ({ [field]: token })),
        })),
      };
      return fuse.search(expression, { limit }).map((result) => ({
        paper: result.item,
        score: result.score ?? 1,
        matches: toFieldMatches(result.matches ?? []),
      }));
    },
  };
}

/** Fuse reports one match per query word and field; callers want one entry per field with sorted ranges. */
function toFieldMatches(matches: readonly FuseResultMatch[]): FieldMatch[] {
  const merged = new Map<string, { field: SearchField; authorIndex?: number; ranges: [number, number][] }>();
  for (const match of matches) {
    if (match.key !== 'title' && match.key !== 'authors' && match.key !== 'abstract') continue;
    const authorIndex = match.key === 'authors' ? match.refIndex : undefined;
    const id = `${match.key}:${authorIndex ?? ''}`;
    const entry = merged.get(id) ?? { field: match.key, ...(authorIndex !== undefined ? { authorIndex } : {}), ranges: [] };
    entry.ranges.push(...match.indices.map(([start, end]): [number, number] => [start, end + 1]));
    merged.set(id, entry);
  }
  return [...merged.values()].map((entry) => ({ ...entry, ranges: entry.ranges.sort((a, b) => a[0] - b[0]) }));
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
