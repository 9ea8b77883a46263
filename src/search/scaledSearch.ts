/**
 * The search engine for indexes of any size, behind the `PaperSearch` interface of ./search.ts. Its cost per
 * keystroke follows the postings of the typed words, not the number of papers; `npm run bench` compares it with
 * plain fuse.js and MiniSearch. Pure: no `vscode` import.
 *
 * Candidates and ranking come from the compact token index (./engine/invertedIndex.ts, ./engine/query.ts):
 * prefix matching for the word being typed, one-edit typo tolerance for words of 5+ characters (and the
 * commonest near neighbours of a rare 4-letter word), a field-weighted relevance score (title > authors >
 * abstract), and a top-k merge that stops early. Papers with every word come first; when there are fewer
 * than asked, papers with the most of the query follow, each hit naming the words it lacks (`unmatched`).
 *
 * Match ranges are our own, not fuse.js's: for a hit, the words of its title, authors and abstract whose
 * terms the index matched are marked (the whole word, or only the typed part of a word being completed).
 * They show exactly why the paper was found, they agree with the ranking, and they cost a scan of one
 * paper's text; a fuzzy matcher run over the results would mark its own character runs, which need not be the
 * words the index matched. Ranges are computed lazily, when a caller reads `matches`: the picker reads them for
 * the rows it shows, and a caller that only needs the papers pays nothing.
 */
import { asPaperList, type Paper, type PaperList } from '../papers/paper';
import type { FieldMatch, PaperSearch, SearchHit } from './search';
import { buildSearchIndex, termsOfDoc, type SearchIndex } from './engine/invertedIndex';
import { Kind, QueryEngine, type QueryWord } from './engine/query';
import { forEachWord } from './engine/tokens';

export interface ScaledSearch<P extends Paper = Paper> extends PaperSearch<P> {
  /** The index searched, for writing to a cache (see ./engine/serialize.ts). */
  readonly index: SearchIndex;
}

/**
 * A search over `papers`. `prebuilt` is an index of exactly these papers in this order (from a cache);
 * without it the index is built here, which takes about a second per 20 000 papers. Only the hits' papers are
 * read from `papers`.
 */
export function createScaledSearch<P extends Paper>(given: readonly P[] | PaperList<P>, prebuilt?: SearchIndex): ScaledSearch<P> {
  const papers = asPaperList(given);
  const index = prebuilt ?? buildSearchIndex([...papers]);
  if (index.docCount !== papers.size) {
    throw new Error(`The search index holds ${index.docCount} papers, but ${papers.size} were given.`);
  }
  const engine = new QueryEngine(index);
  return {
    index,
    search(query: string, limit: number): SearchHit<P>[] {
      const result = engine.search(query, limit);
      if (result === undefined) {
        return Array.from({ length: Math.max(0, Math.min(limit, papers.size)) }, (_, doc) => ({ paper: papers.paperAt(doc), score: 1, matches: [] }));
      }
      return result.docs.map((doc, i) => {
        const score = Math.min(1, Math.max(0, 1 - result.scores[i] / result.maxScore));
        const missing = result.unmatched[i];
        const unmatched = missing === 0 ? undefined : result.words.filter((_, w) => (missing & (1 << w)) !== 0).map((word) => word.typed);
        const paper = papers.paperAt(doc);
        return lazyHit(paper, score, () => matchesIn(paper, matchedTerms(index, doc, result.words)), unmatched);
      });
    },
  };
}

/**
 * A hit whose `matches` are computed on first read. The getter is an own, enumerable property, so spreading
 * or serialising a hit sees `matches` like any other field.
 */
function lazyHit<P extends Paper>(paper: P, score: number, compute: () => readonly FieldMatch[], unmatched?: readonly string[]): SearchHit<P> {
  let computed: readonly FieldMatch[] | undefined;
  const hit = (unmatched ? { paper, score, unmatched } : { paper, score }) as { paper: P; score: number; matches: readonly FieldMatch[] };
  Object.defineProperty(hit, 'matches', { enumerable: true, get: () => (computed ??= compute()) });
  return hit;
}

/** The paper's terms that matched a query word → how many characters of such a word to mark (0: all of it). */
function matchedTerms(index: SearchIndex, doc: number, words: readonly QueryWord[]): Map<string, number> {
  const marked = new Map<string, number>();
  const ids = termsOfDoc(index, doc).terms;
  for (const word of words) {
    for (const range of word.ranges) {
      let p = 0;
      while (p < ids.length && ids[p] < range.lo) p++;
      for (; p < ids.length && ids[p] < range.hi; p++) {
        const term = index.terms.at(ids[p]);
        const whole = range.kind === Kind.Exact || range.kind === Kind.Typo || term.length <= range.covers;
        const length = whole ? 0 : range.covers;
        const before = marked.get(term);
        // Several words may match one term; mark the most of it.
        if (before === undefined || (before !== 0 && (length === 0 || length > before))) marked.set(term, length);
      }
    }
  }
  return marked;
}

/** Where the terms in `marked` are in the paper's fields; a term's number is how many characters to mark (0: all). */
export function matchesIn(paper: Paper, marked: ReadonlyMap<string, number>): FieldMatch[] {
  if (marked.size === 0) return [];
  const rangesIn = (text: string): [number, number][] => {
    const ranges: [number, number][] = [];
    forEachWord(text, (term, start, end) => {
      const length = marked.get(term);
      if (length !== undefined) ranges.push([start, length === 0 ? end : Math.min(end, start + length)]);
    });
    return ranges;
  };
  const matches: FieldMatch[] = [];
  const title = rangesIn(paper.title);
  if (title.length > 0) matches.push({ field: 'title', ranges: title });
  paper.authors?.forEach((author, authorIndex) => {
    const ranges = rangesIn(author);
    if (ranges.length > 0) matches.push({ field: 'authors', authorIndex, ranges });
  });
  const abstract = rangesIn(paper.abstract ?? '');
  if (abstract.length > 0) matches.push({ field: 'abstract', ranges: abstract });
  return matches;
}
