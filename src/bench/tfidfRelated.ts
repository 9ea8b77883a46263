/**
 * The related-papers baseline of `npm run bench:related`: how related papers were found before
 * ../index/related.ts, by TF-IDF cosine similarity of title and abstract over vectors built for every paper
 * in one synchronous go. Kept to measure the replacement against, as fuse.js is for search; the extension
 * never imports it.
 */
import type { Paper } from '../papers/paper';
import { DEFAULT_RELATED_COUNT, type RelatedPapers } from '../search/related';

/**
 * How many times a title word counts compared with an abstract word: a title names what the paper is
 * about, while an abstract also describes methods and datasets shared with unrelated work.
 */
const TITLE_WEIGHT = 3;

/** Function words and the words nearly every paper abstract uses, which say nothing about the topic. */
const STOP_WORDS = new Set(
  ('a about above after again all also an and any are as at be because been before being between both but by can could did do does ' +
    'doing during each few for from further had has have having here how however if in into is it its itself just more most no nor ' +
    'not of off on once only or other our ours out over own same should so some such than that the their them then there these they ' +
    'this those through to too under until up very via was we were what when where which while who whom why will with within without ' +
    'would yet you your paper propose proposed show shows shown approach method methods result results using use used based new work ' +
    'towards toward study problem problems provide present introduce demonstrate existing well one two three first different')
    .split(' '),
);

/**
 * Lower-case word stems: letters and digits, at least two characters, stop words removed. A light
 * plural strip ("networks" → "network", "properties" → "property") lets singular and plural match;
 * anything more aggressive merges unrelated technical terms.
 */
function stemmedWords(text: string): string[] {
  const words = text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((word) => word.length >= 2 && !STOP_WORDS.has(word)).map(stripPlural);
}

function stripPlural(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** One paper's unit-length TF-IDF vector, as term → weight. */
type TermVector = ReadonlyMap<string, number>;

/**
 * Builds the vectors once; each query then walks only the postings of the paper's own terms, so its cost
 * grows with the papers that share a word with it rather than with the whole index.
 */
export function createTfidfRelatedPapers<P extends Paper>(papers: readonly P[]): Pick<RelatedPapers<P>, 'related'> {
  const termCounts = papers.map((paper) => {
    const counts = new Map<string, number>();
    for (const word of stemmedWords(paper.title)) counts.set(word, (counts.get(word) ?? 0) + TITLE_WEIGHT);
    for (const word of stemmedWords(paper.abstract)) counts.set(word, (counts.get(word) ?? 0) + 1);
    return counts;
  });

  const documentFrequency = new Map<string, number>();
  for (const counts of termCounts) {
    for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  // Smoothed so a term in every paper weighs zero and one in a single paper weighs the most.
  const inverseFrequency = (term: string): number => Math.log((1 + papers.length) / (1 + (documentFrequency.get(term) ?? 0)));

  const vectors: TermVector[] = termCounts.map((counts) => {
    // Sublinear term frequency: a word repeated ten times is not ten times as telling.
    const weights = [...counts].map(([term, count]): [string, number] => [term, (1 + Math.log(count)) * inverseFrequency(term)]);
    const length = Math.hypot(...weights.map(([, weight]) => weight));
    return new Map(length > 0 ? weights.filter(([, weight]) => weight > 0).map(([term, weight]) => [term, weight / length]) : []);
  });

  const postings = new Map<string, { index: number; weight: number }[]>();
  vectors.forEach((vector, index) => {
    for (const [term, weight] of vector) {
      const list = postings.get(term) ?? [];
      list.push({ index, weight });
      postings.set(term, list);
    }
  });
  const indexOf = new Map(papers.map((paper, index) => [paper.id, index]));

  return {
    related(paper: P, k = DEFAULT_RELATED_COUNT): P[] {
      const own = indexOf.get(paper.id);
      if (own === undefined || k <= 0) return [];
      const similarity = new Map<number, number>();
      for (const [term, weight] of vectors[own]) {
        for (const posting of postings.get(term) ?? []) {
          if (posting.index !== own) similarity.set(posting.index, (similarity.get(posting.index) ?? 0) + weight * posting.weight);
        }
      }
      return [...similarity]
        // Ties (rare with real text) keep index order, so the answer does not depend on Map iteration details.
        .sort(([indexA, a], [indexB, b]) => b - a || indexA - indexB)
        .slice(0, k)
        .map(([index]) => papers[index]);
    },
  };
}
