/**
 * "Related papers": the papers whose title and abstract use the same distinctive words. Pure: no `vscode`
 * import. Computed locally from the loaded index, so it works offline and for private index files alike.
 *
 * "More like this" over the search index (./engine/invertedIndex.ts), so there is nothing to build and a
 * catalog of any size has them. The paper's own title and abstract words (title words counting more) are
 * weighted by how rare they are in the index, the most telling ones make a query, and the other papers
 * score by those words' postings, whose impacts say how strongly each paper is about a word (title over
 * abstract, saturated and length-normalised). A distinctive word has a short posting list, and the postings
 * a query reads are capped, so a query's cost does not grow with the catalog, and nothing is built per paper.
 * `npm run bench:related` compares it with TF-IDF cosine over per-paper vectors (src/bench/tfidfRelated.ts).
 */
import { runToEnd, type Steps } from '../shared/cooperative';
import { documentFrequency, forEachPosting, termId, type SearchIndex } from './engine/invertedIndex';
import { forEachWord, STOP_WORDS } from './engine/tokens';
import { asPaperList, type Paper, type PaperList } from '../papers/paper';

export interface RelatedPapers<P extends Paper = Paper> {
  /** Up to `k` other papers, most similar first; papers sharing no distinctive word are left out. */
  related(paper: P, k?: number): P[];
  /**
   * `related` as steps (see ./cooperative.ts), pausing after each posting list: the first queries run
   * before the code is compiled, when a list of thousands of postings takes milliseconds.
   */
  relatedSteps(paper: P, k?: number): Steps<P[]>;
}

export const DEFAULT_RELATED_COUNT = 5;

/**
 * How many times a title word counts compared with an abstract word in the paper asked about: a title
 * names what the paper is about, while an abstract also describes methods and datasets shared with
 * unrelated work. (In the other papers the index's impacts weight the title likewise.)
 */
const TITLE_WEIGHT = 3;

/**
 * Words the search index keeps but that say nothing about a paper's topic: the words nearly every
 * abstract uses, and function words the index's stop list (./engine/tokens.ts) does not drop.
 */
const GENERIC_WORDS: ReadonlySet<string> = new Set(
  ('above again all because being doing during few further having here however itself just once ours out own same should ' +
    'until within without yet paper propose proposed show shows shown approach method methods result results using use used ' +
    'based new work towards toward study problem problems provide present introduce demonstrate existing well one two three ' +
    'first different')
    .split(' '),
);

/**
 * Postings a query may read, over all its words. The paper's words join the query most telling first, each
 * at the cost of the postings it reads, while they fit: in a small catalog that is every word, as in TF-IDF
 * cosine; in a big one the common words, whose long lists would decide little, are left out. Past 30,000
 * the related papers of `npm run bench:related` hardly change, and a query at a million papers takes longer.
 */
const MAX_POSTINGS_PER_QUERY = 30_000;

/**
 * Postings read per term at most, best impact first: a term common enough to have more counts only for the
 * papers most about it (those with it in the title).
 */
const MAX_POSTINGS_PER_TERM = 5_000;

/** One query word: the index's terms for one stem (singular and plural), and what a unit of impact earns. */
interface QueryWord {
  readonly terms: readonly number[];
  readonly weight: number;
  /** Postings it reads. */
  readonly cost: number;
}

/**
 * Per paper: its score, and its strongest impact on the word being read; zeroed again after use. The papers
 * scored, and those of the word being read, in order (each at most `MAX_POSTINGS_PER_QUERY`).
 */
interface Scratch {
  readonly score: Float64Array;
  readonly wordImpact: Uint8Array;
  readonly touched: Uint32Array;
  readonly wordDocs: Uint32Array;
}

/**
 * A light plural strip ("networks" → "network", "properties" → "property"), so singular and plural match;
 * anything more aggressive merges unrelated technical terms.
 */
function stripPlural(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The words that strip to `stem`: itself and its plurals. */
function formsOf(stem: string): string[] {
  const forms = [stem, `${stem}s`];
  if (stem.endsWith('y')) forms.push(`${stem.slice(0, -1)}ies`);
  return forms.filter((form) => stripPlural(form) === stem);
}

/**
 * Related papers among `papers`, found through `index`, the search index of exactly these papers in this
 * order. Creating it costs nothing; a query reads the paper's own title and abstract and some postings.
 */
export function createRelatedPapers<P extends Paper>(given: readonly P[] | PaperList<P>, index: SearchIndex): RelatedPapers<P> {
  const papers = asPaperList(given);
  const { docCount } = index;
  // Allocated on the first query and reused; a query running while another is paused gets its own.
  let spare: Scratch | undefined;

  /** The paper's words that make the query, most telling first. */
  const queryWords = (paper: P): QueryWord[] => {
    const counts = new Map<string, number>();
    const count = (weight: number) => (term: string): void => {
      if (term.length < 2 || STOP_WORDS.has(term) || GENERIC_WORDS.has(term)) return;
      const stem = stripPlural(term);
      counts.set(stem, (counts.get(stem) ?? 0) + weight);
    };
    forEachWord(paper.title, count(TITLE_WEIGHT));
    forEachWord(paper.abstract, count(1));
    const words: QueryWord[] = [];
    for (const [stem, times] of counts) {
      const terms = formsOf(stem).map((form) => termId(index, form)).filter((t) => t >= 0);
      const frequencies = terms.map((t) => documentFrequency(index, t));
      const frequency = Math.min(docCount, frequencies.reduce((sum, n) => sum + n, 0));
      // A word only one paper has links nothing: in the catalog, that paper is the one asked about.
      if (frequency < 2) continue;
      // Smoothed so a word in every paper weighs zero. Sublinear frequency: a word used ten times is not ten
      // times as telling. The rarity counts twice, as in TF-IDF cosine, where both papers' weights carry it.
      const idf = Math.log((1 + docCount) / (1 + frequency));
      const weight = ((1 + Math.log(times)) * idf * idf) / 255;
      const cost = frequencies.reduce((sum, n) => sum + Math.min(n, MAX_POSTINGS_PER_TERM), 0);
      if (weight > 0) words.push({ terms, weight, cost });
    }
    words.sort((a, b) => b.weight - a.weight);
    const query: QueryWord[] = [];
    let budget = MAX_POSTINGS_PER_QUERY;
    for (const word of words) {
      if (word.cost > budget) continue;
      budget -= word.cost;
      query.push(word);
    }
    return query;
  };

  function* relatedSteps(paper: P, k = DEFAULT_RELATED_COUNT): Steps<P[]> {
    if (k <= 0) return [];
    const words = queryWords(paper);
    const scratch = spare ?? {
      score: new Float64Array(docCount),
      wordImpact: new Uint8Array(docCount),
      touched: new Uint32Array(MAX_POSTINGS_PER_QUERY),
      wordDocs: new Uint32Array(MAX_POSTINGS_PER_QUERY),
    };
    spare = undefined;
    const { score, wordImpact, touched, wordDocs } = scratch;
    let touchedCount = 0;
    for (const { terms, weight } of words) {
      // A paper with both the singular and the plural counts the stronger, as if they were one term.
      let wordDocCount = 0;
      for (const t of terms) {
        yield;
        forEachPosting(index, t, MAX_POSTINGS_PER_TERM, (doc, impact) => {
          if (wordImpact[doc] === 0) wordDocs[wordDocCount++] = doc;
          if (impact > wordImpact[doc]) wordImpact[doc] = impact;
        });
      }
      for (let i = 0; i < wordDocCount; i++) {
        const doc = wordDocs[i];
        if (score[doc] === 0) touched[touchedCount++] = doc;
        score[doc] += weight * wordImpact[doc];
        wordImpact[doc] = 0;
      }
    }

    // The best k, kept sorted: score descending, ties (rare with real text) by paper order.
    const best: number[] = [];
    const before = (a: number, b: number): boolean => score[a] > score[b] || (score[a] === score[b] && a < b);
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i];
      if (best.length === k && !before(doc, best[k - 1])) continue;
      if (papers.idAt(doc) === paper.id) continue;
      let at = Math.min(best.length, k - 1);
      best[at] = doc;
      while (at > 0 && before(doc, best[at - 1])) {
        best[at] = best[at - 1];
        best[--at] = doc;
      }
    }
    for (let i = 0; i < touchedCount; i++) score[touched[i]] = 0;
    spare = scratch;
    return best.map((doc) => papers.paperAt(doc));
  }

  return {
    relatedSteps,
    related: (paper, k) => runToEnd(relatedSteps(paper, k)),
  };
}
