/**
 * Query evaluation over a `SearchIndex`: which papers match every query word, and the best k of them.
 * Pure: no `vscode` import.
 *
 * 1. Each query word expands to term-id ranges of the sorted vocabulary: the word itself; for the word
 *    being typed (the last one, with nothing after it) every term it starts, from 3 characters (1–2
 *    characters take only their most frequent completions); for words of 5+ characters the terms one edit
 *    away (Damerau: a letter deleted, inserted, replaced, or two swapped), found by generating the few
 *    hundred variants and looking each up by binary search, so the typo stage needs no index of its own;
 *    for a typed word of 5+ characters, the terms starting with such a variant.
 *    A word of exactly 4 characters whose own matches are rare also takes its commonest few neighbours one
 *    edit away of about its length ("graf" → "graph"): short words have many neighbours, so only the
 *    likeliest are taken, and only when the word as typed finds next to nothing. Umlauts are tried in both
 *    spellings: "goedel" also looks up "godel" (the index folds "Gödel" to that), "gödel" also "goedel".
 * 2. A paper's score is the sum over words of `idf(word) × penalty(expansion) × impact(term, paper)`.
 *    Papers with every word come first. When fewer than k have them all, the papers with the most of the
 *    query follow (`topAny`): each word a paper has adds its idf, so rare words count most, plus a fifth
 *    of its usual score; each such hit says which words it lacks.
 * 3. Top k by the threshold algorithm: each word's matching terms' posting lists (best impact first)
 *    are merged into one stream per word, and the streams are read in turn, a rare word's fastest. Each
 *    paper seen for the first time is checked against the other words and scored in full. Reading stops
 *    when the k-th best score reaches the sum of the streams' next scores (no unseen paper can beat it),
 *    or when a stream runs out (every paper with that word has been seen). A common word costs about k
 *    postings, and a rare word bounds the work for the whole query.
 * 4. Narrowing as the query grows: each word typed in full gets a bitset of its papers, built once from
 *    its postings and kept while the next words are typed. A paper lacking one of them costs a bit test;
 *    only the word being typed, which changes with every keystroke, is checked in the paper's forward list.
 */
import { lowerBound, readPosting, SEGMENT_BITS, termId, type ByteCursor, type SearchIndex } from './invertedIndex';
import { foldWord, forEachWord, STOP_WORDS } from './tokens';

export const enum Kind {
  Exact = 0,
  Prefix = 1,
  Typo = 2,
  TypoPrefix = 3,
}

/** A contiguous range of term ids that match a query word, and how. */
export interface TermRange {
  readonly lo: number;
  readonly hi: number;
  readonly kind: Kind;
  /** How many leading characters of a matching term the query word (or its variant) covers. */
  readonly covers: number;
  /** The penalty of its terms, when not the kind's. */
  readonly penalty?: number;
}

export interface QueryWord {
  /** The folded query word. */
  readonly text: string;
  /** The word as it was typed, for telling the user it matched nothing. */
  readonly typed: string;
  /** Sorted by `lo`; they may overlap (a term takes the best penalty of the ranges holding it). */
  readonly ranges: readonly TermRange[];
  /** Weight of the word: inverse document frequency of its most frequent matching term. */
  readonly idf: number;
}

export interface QueryResult {
  /** Paper numbers, best first. */
  readonly docs: number[];
  /** Raw scores, parallel to `docs`. */
  readonly scores: number[];
  /**
   * Parallel to `docs`: bit i set when the paper lacks `words[i]`. 0 for the papers with every word, which
   * all come before the others.
   */
  readonly unmatched: number[];
  /** The largest score a paper could reach for this query (every word an exact, strongest match). */
  readonly maxScore: number;
  readonly words: readonly QueryWord[];
}

/** Prefixes shorter than this take only their most frequent completions. */
const MIN_FULL_PREFIX = 3;
export const SHORT_PREFIX_COMPLETIONS = 12;
/** Typo expansion only for words this long: shorter words have too many neighbours one edit away. */
export const MIN_TYPO_LENGTH = 5;
/** Words this long (up to `MIN_TYPO_LENGTH`) take only their commonest few neighbours, and only when rare themselves. */
const MIN_SHORT_TYPO_LENGTH = 4;
const SHORT_TYPO_CANDIDATES = 3;
/** A short word's own matches are rare below this many papers, plus one per this many papers of the index. */
const SHORT_TYPO_RARE = 3;
const SHORT_TYPO_RARE_PER = 10_000;
/** At most this many query words are planned; a paper's missing words are bits of a 32-bit integer. */
const MAX_QUERY_WORDS = 31;
/**
 * In `topAny`, a word a paper has earns its idf, plus this share of its usual contribution (at most its idf):
 * having more of the query, or a rarer word of it, outweighs how strongly a paper has a word.
 */
const STRENGTH_SHARE = 0.2;
/** `topAny` reads at most this many postings: a bound on its time when no word is rare. */
const MAX_ANY_READS = 10_000;
/** A typed word drops a letter (a wider prefix) only from this length: shorter prefixes match too much. */
const MIN_TYPO_PREFIX_DELETION = 7;
/** At most this many terms per word (the most frequent); past it, the word matches only those. Below 65 536. */
const MAX_WORD_TERMS = 2000;
/** Below this idf a word would no longer order anything (a word in nearly every paper). */
export const MIN_IDF = 0.05;
const TYPO_PENALTY = 0.6;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Match sets kept for the next keystrokes: an eighth of a byte per paper each. */
const MATCH_SET_CACHE = 16;
/** Past this many ranges, a word is probed through a term map rather than a search per range. */
const MAX_SEARCHED_RANGES = 8;

interface PlannedWord extends QueryWord {
  /** Matching terms with the penalty each earns. */
  readonly terms: Uint32Array;
  readonly penalties: Float64Array;
  /** Postings of the matching terms together. */
  readonly postings: number;
  /** The word being typed: its matches change with the next keystroke. */
  readonly typing: boolean;
  /** The most this word adds to any paper's score: its best posting's. */
  readonly maxContribution: number;
}

/** One word's matching terms' posting lists merged best first: a max-heap of cursors. */
class WordStream {
  private readonly term: Uint32Array;
  private readonly pos: Uint32Array;
  private readonly end: Uint32Array;
  /** Where the next posting's varint starts, and the paper of the posting before it. */
  private readonly byte: Uint32Array;
  private readonly previous: Float64Array;
  private readonly key: Float64Array;
  private readonly factor: Float64Array;
  private readonly heap: Int32Array;
  private size = 0;
  /** Reused by `next` for every posting it reads. */
  private readonly cursor: ByteCursor = { at: 0 };

  constructor(
    word: PlannedWord,
    private readonly index: SearchIndex,
  ) {
    const { postStart, postImpact, postByteStart } = index;
    const n = word.terms.length;
    this.term = word.terms;
    this.pos = new Uint32Array(n);
    this.end = new Uint32Array(n);
    this.byte = new Uint32Array(n);
    this.previous = new Float64Array(n);
    this.key = new Float64Array(n);
    this.factor = new Float64Array(n);
    this.heap = new Int32Array(n);
    for (let e = 0; e < n; e++) {
      const t = word.terms[e];
      this.pos[e] = postStart[t];
      this.end[e] = postStart[t + 1];
      this.byte[e] = postByteStart[t];
      this.factor[e] = (word.idf * word.penalties[e]) / 255;
      if (this.pos[e] < this.end[e]) {
        this.key[e] = this.factor[e] * postImpact[this.pos[e]];
        this.heap[this.size++] = e;
      }
    }
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** The score of the next posting; -1 when the stream is exhausted. */
  head(): number {
    return this.size > 0 ? this.key[this.heap[0]] : -1;
  }

  /** The next posting's paper; advances. Only after `head()` returned a score. */
  next(): number {
    const { postImpact } = this.index;
    const e = this.heap[0];
    const p = this.pos[e];
    const cursor = this.cursor;
    cursor.at = this.byte[e];
    const doc = readPosting(this.index, this.term[e], p, cursor, this.previous[e]);
    this.previous[e] = doc;
    this.byte[e] = cursor.at;
    this.pos[e] = p + 1;
    if (p + 1 < this.end[e]) {
      this.key[e] = this.factor[e] * postImpact[p + 1];
    } else {
      this.heap[0] = this.heap[--this.size];
    }
    if (this.size > 0) this.siftDown(0);
    return doc;
  }

  private siftDown(i: number): void {
    const { heap, key } = this;
    const e = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && key[heap[child + 1]] > key[heap[child]]) child++;
      if (key[heap[child]] <= key[e]) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = e;
  }
}

export class QueryEngine {
  private readonly seen: Uint32Array;
  /** Match sets of recent complete words (see `matchSet`), least recently used first. */
  private readonly matchSets = new Map<string, Uint32Array>();
  /** Scratch for the intersection of match sets. */
  private readonly filter: Uint32Array;
  /** Per query word slot, per term: 1 + its index in the word's `terms` when the word matches it, else 0. Reused. */
  private readonly termMaps: Uint16Array[] = [];
  private generation = 0;

  constructor(readonly index: SearchIndex) {
    this.seen = new Uint32Array(index.docCount);
    this.filter = new Uint32Array((index.docCount + 31) >>> 5);
  }

  /** Words of the query as the engine reads it; `undefined` when the query has no words at all. */
  plan(query: string): PlannedWord[] | undefined {
    const tokens: { text: string; start: number; end: number }[] = [];
    forEachWord(query, (text, start, end) => tokens.push({ text, start, end }));
    if (tokens.length === 0) return undefined;
    const last = tokens[tokens.length - 1];
    // The last word is still being typed unless something (a space, punctuation) follows it.
    const typing = last.end === query.length;
    let kept = tokens.filter((token) => !STOP_WORDS.has(token.text));
    // A query of stop words only: the last one may be the start of a real word ("the" → "theory").
    if (kept.length === 0) {
      if (!typing) return [];
      kept = [last];
    }
    const planned: PlannedWord[] = [];
    const seenWords = new Set<string>();
    for (const token of kept) {
      if (seenWords.has(token.text) || planned.length === MAX_QUERY_WORDS) continue;
      seenWords.add(token.text);
      const typed = query.slice(token.start, token.end);
      planned.push(this.expand(token.text, typing && token === last, typed, umlautSpellings(typed, token.text)));
    }
    return planned;
  }

  search(query: string, limit: number): QueryResult | undefined {
    const words = this.plan(query);
    if (words === undefined) return undefined;
    const maxScore = words.reduce((sum, word) => sum + word.idf, 0) || 1;
    const found = words.filter((word) => word.terms.length > 0);
    if (words.length === 0 || limit <= 0 || found.length === 0) return { docs: [], scores: [], unmatched: [], maxScore, words };
    const all = found.length === words.length ? this.topK(words, limit) : { docs: [], scores: [] };
    const unmatched = all.docs.map(() => 0);
    if (all.docs.length === limit || words.length === 1) return { ...all, unmatched, maxScore, words };
    // Fewer than `limit` papers have every word, and those are all of them: the best of the rest follow.
    const some = this.topAny(words, limit - all.docs.length, all.docs);
    return {
      docs: [...all.docs, ...some.docs],
      scores: [...all.scores, ...some.scores],
      unmatched: [...unmatched, ...some.unmatched],
      maxScore,
      words,
    };
  }

  /**
   * The `k` best papers with some but not all of `words`, none of `exclude`, by the threshold algorithm
   * over the words' streams as in `topK`, with a paper's words added rather than required. A word a paper
   * has adds its idf plus `STRENGTH_SHARE` of its usual contribution, so a paper with more of the query,
   * or rarer words of it, ranks first. Reading stops when the k-th best reaches what an unseen
   * paper could still score, when every stream has run out, or after `MAX_ANY_READS` postings.
   */
  private topAny(words: PlannedWord[], k: number, exclude: readonly number[]): { docs: number[]; scores: number[]; unmatched: number[] } {
    const slots = words.flatMap((word, slot) => (word.terms.length > 0 ? [slot] : []));
    const active = slots.map((slot) => words[slot]);
    const count = active.length;
    const streams = active.map((word) => new WordStream(word, this.index));
    const heads = Float64Array.from(streams, (stream) => stream.head());
    const maps = active.map((word, slot) => (word.ranges.length > MAX_SEARCHED_RANGES ? this.fillTermMap(slot, word) : undefined));
    const shared = (word: PlannedWord, contribution: number): number => (contribution <= 0 ? 0 : word.idf + STRENGTH_SHARE * contribution);
    const wanted = (1 << words.length) - 1 >>> 0;

    const top: { doc: number; rank: number; score: number; unmatched: number }[] = [];
    // The worst kept hit, when `top` is full: the bar a new paper must clear.
    let worst = -1;
    const isWorse = (a: { rank: number; doc: number }, b: { rank: number; doc: number }): boolean =>
      a.rank < b.rank || (a.rank === b.rank && a.doc > b.doc);

    const seen = this.nextGeneration();
    for (const doc of exclude) this.seen[doc] = seen;
    const read = new Float64Array(count);
    const length = Float64Array.from(active, (word) => Math.max(1, word.postings));
    for (let reads = 0; reads < MAX_ANY_READS; reads++) {
      let w = -1;
      for (let v = 0; v < count; v++) {
        if (heads[v] < 0) continue;
        if (w < 0 || (read[v] + 1) * length[v] < (read[w] + 1) * length[w]) w = v;
      }
      if (w < 0) break;
      read[w]++;
      const doc = streams[w].next();
      heads[w] = streams[w].head();
      if (this.seen[doc] === seen) continue;
      this.seen[doc] = seen;
      let rank = 0;
      let score = 0;
      let has = 0;
      for (let v = 0; v < count; v++) {
        const map = maps[v];
        const contribution = map ? this.probeMap(active[v], map, doc) : this.probe(active[v], doc);
        if (contribution === 0) continue;
        rank += shared(active[v], contribution);
        score += contribution;
        has |= 1 << slots[v];
      }
      const hit = { doc, rank, score, unmatched: (wanted & ~has) >>> 0 };
      // Papers with every word were all excluded; one found here only if its other words' terms were capped.
      if (hit.unmatched === 0) continue;
      if (top.length < k) {
        top.push(hit);
        if (top.length === k) worst = top.reduce((at, item, i) => (isWorse(item, top[at]) ? i : at), 0);
      } else if (isWorse(top[worst], hit)) {
        top[worst] = hit;
        worst = top.reduce((at, item, i) => (isWorse(item, top[at]) ? i : at), 0);
      }
      if (top.length === k) {
        let threshold = 0;
        for (let v = 0; v < count; v++) if (heads[v] >= 0) threshold += shared(active[v], heads[v]);
        if (top[worst].rank >= threshold) break;
      }
    }
    active.forEach((word, slot) => {
      const map = maps[slot];
      if (map) for (const t of word.terms) map[t] = 0;
    });
    top.sort((a, b) => b.rank - a.rank || a.doc - b.doc);
    return { docs: top.map((hit) => hit.doc), scores: top.map((hit) => hit.score), unmatched: top.map((hit) => hit.unmatched) };
  }

  /** A fresh mark for `seen`: a paper is seen in this search when its entry equals it. */
  private nextGeneration(): number {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.seen.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }

  private topK(words: PlannedWord[], k: number): { docs: number[]; scores: number[] } {
    // Words with the fewest postings first: the likeliest to be missing from a paper.
    const byRarity = [...words].sort((a, b) => a.postings - b.postings);
    const wordCount = byRarity.length;
    const streams = byRarity.map((word) => new WordStream(word, this.index));
    const heads = Float64Array.from(streams, (stream) => stream.head());

    // Papers with every word typed in full: the intersection of their match sets, kept from keystroke to
    // keystroke. A paper a stream yields that lacks one of them costs a bit test, not a probe.
    let filter: Uint32Array | undefined;
    if (wordCount > 1) {
      for (const word of byRarity) {
        if (word.typing) continue;
        const set = this.matchSet(word);
        if (!filter) {
          filter = this.filter;
          filter.set(set);
        } else {
          for (let i = 0; i < filter.length; i++) filter[i] &= set[i];
        }
      }
    }
    // Words matching through many ranges are probed through a term map.
    const maps = byRarity.map((word, slot) => (word.ranges.length > MAX_SEARCHED_RANGES ? this.fillTermMap(slot, word) : undefined));

    const topScore = new Float64Array(k);
    const topDoc = new Int32Array(k);
    let topSize = 0;
    // Min-heap: the worst hit (lower score, or same score and later paper) at the root.
    const worse = (i: number, j: number): boolean =>
      topScore[i] < topScore[j] || (topScore[i] === topScore[j] && topDoc[i] > topDoc[j]);
    const swap = (i: number, j: number): void => {
      const s = topScore[i];
      topScore[i] = topScore[j];
      topScore[j] = s;
      const d = topDoc[i];
      topDoc[i] = topDoc[j];
      topDoc[j] = d;
    };

    const generation = this.nextGeneration();
    const seen = this.seen;

    // Streams advance at rates inversely proportional to their lengths: a rare word's stream, whose papers
    // are the likeliest to have every word, advances fastest (and when it runs out, every match has been
    // seen); every stream still advances, so the threshold falls for common words too.
    const read = new Float64Array(wordCount);
    const length = Float64Array.from(byRarity, (word) => Math.max(1, word.postings));
    for (;;) {
      let w = 0;
      for (let v = 1; v < wordCount; v++) if ((read[v] + 1) * length[v] < (read[w] + 1) * length[w]) w = v;
      read[w]++;
      const driverScore = heads[w];
      // A stream ran out: every paper with this word has been seen.
      if (driverScore < 0) break;
      const doc = streams[w].next();
      heads[w] = streams[w].head();
      if ((filter === undefined || (filter[doc >>> 5] & (1 << (doc & 31))) !== 0) && seen[doc] !== generation) {
        seen[doc] = generation;
        const full = topSize === k;
        let score = driverScore;
        // What the words not yet checked could still add.
        let rest = 0;
        for (let v = 0; v < wordCount; v++) if (v !== w) rest += byRarity[v].maxContribution;
        let accepted = true;
        for (let v = 0; v < wordCount; v++) {
          if (v === w) continue;
          if (full && score + rest < topScore[0]) {
            accepted = false;
            break;
          }
          const map = maps[v];
          const contribution = map ? this.probeMap(byRarity[v], map, doc) : this.probe(byRarity[v], doc);
          if (contribution === 0) {
            accepted = false;
            break;
          }
          score += contribution;
          rest -= byRarity[v].maxContribution;
        }
        if (accepted) {
          if (!full) {
            topScore[topSize] = score;
            topDoc[topSize] = doc;
            for (let i = topSize++; i > 0; ) {
              const parent = (i - 1) >> 1;
              if (!worse(i, parent)) break;
              swap(i, parent);
              i = parent;
            }
          } else if (score > topScore[0] || (score === topScore[0] && doc < topDoc[0])) {
            topScore[0] = score;
            topDoc[0] = doc;
            for (let i = 0; ; ) {
              let child = 2 * i + 1;
              if (child >= topSize) break;
              if (child + 1 < topSize && worse(child + 1, child)) child++;
              if (!worse(child, i)) break;
              swap(i, child);
              i = child;
            }
          }
        }
      }
      if (topSize === k) {
        // No paper unseen so far can score more than the streams' next scores together.
        let threshold = 0;
        for (let v = 0; v < wordCount; v++) threshold += Math.max(0, heads[v]);
        if (topScore[0] >= threshold) break;
      }
    }

    byRarity.forEach((word, slot) => {
      const map = maps[slot];
      if (map) for (const t of word.terms) map[t] = 0;
    });
    const order = Array.from({ length: topSize }, (_, i) => i).sort((a, b) => topScore[b] - topScore[a] || topDoc[a] - topDoc[b]);
    return { docs: order.map((i) => topDoc[i]), scores: order.map((i) => topScore[i]) };
  }

  /** The papers that have `word`, as a bitset; built from its postings once and kept for the next keystrokes. */
  private matchSet(word: PlannedWord): Uint32Array {
    const key = word.text;
    const cached = this.matchSets.get(key);
    if (cached) {
      // Most recently used last.
      this.matchSets.delete(key);
      this.matchSets.set(key, cached);
      return cached;
    }
    const { postStart, postByteStart } = this.index;
    const set = new Uint32Array((this.index.docCount + 31) >>> 5);
    const cursor: ByteCursor = { at: 0 };
    for (const t of word.terms) {
      cursor.at = postByteStart[t];
      let previous = 0;
      for (let p = postStart[t]; p < postStart[t + 1]; p++) {
        const doc = readPosting(this.index, t, p, cursor, previous);
        previous = doc;
        set[doc >>> 5] |= 1 << (doc & 31);
      }
    }
    this.matchSets.set(key, set);
    if (this.matchSets.size > MATCH_SET_CACHE) this.matchSets.delete(this.matchSets.keys().next().value as string);
    return set;
  }

  private fillTermMap(slot: number, word: PlannedWord): Uint16Array {
    this.termMaps[slot] ??= new Uint16Array(this.index.terms.size);
    const map = this.termMaps[slot];
    word.terms.forEach((t, e) => (map[t] = e + 1));
    return map;
  }

  /** `probe` through the word's term map. */
  private probeMap(word: PlannedWord, map: Uint16Array, doc: number): number {
    const { fwdSegStart, fwdLow, fwdImpact, segments } = this.index;
    const penalties = word.penalties;
    let best = 0;
    for (let s = 0; s < segments; s++) {
      const offset = s << SEGMENT_BITS;
      const to = fwdSegStart[doc * segments + s + 1];
      for (let p = fwdSegStart[doc * segments + s]; p < to; p++) {
        const e = map[offset + fwdLow[p]];
        if (e !== 0) {
          const value = penalties[e - 1] * fwdImpact[p];
          if (value > best) best = value;
        }
      }
    }
    return best === 0 ? 0 : (best * word.idf) / 255;
  }

  /** The word's best contribution to paper `doc`; 0 when the paper lacks the word. */
  private probe(word: PlannedWord, doc: number): number {
    const { fwdSegStart, fwdLow, fwdImpact, segments } = this.index;
    const base = doc * segments;
    let best = 0;
    for (const range of word.ranges) {
      // The range's ids may span segments; in each, binary-search the low parts.
      const last = range.hi - 1;
      for (let s = range.lo >>> SEGMENT_BITS; s <= last >>> SEGMENT_BITS; s++) {
        const from = fwdSegStart[base + s];
        const to = fwdSegStart[base + s + 1];
        if (from === to) continue;
        const offset = s << SEGMENT_BITS;
        const lowFrom = Math.max(range.lo - offset, 0);
        const lowTo = Math.min(range.hi - offset, 1 << SEGMENT_BITS);
        let lo = from;
        let hi = to;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (fwdLow[mid] < lowFrom) lo = mid + 1;
          else hi = mid;
        }
        for (let p = lo; p < to && fwdLow[p] < lowTo; p++) {
          const value = this.penalty(range, offset + fwdLow[p]) * fwdImpact[p];
          if (value > best) best = value;
        }
      }
    }
    return best === 0 ? 0 : (best * word.idf) / 255;
  }

  /** How much of a word's weight a matching term earns: 1 for the word itself, less for completions and typos. */
  private penalty(range: TermRange, term: number): number {
    if (range.penalty !== undefined) return range.penalty;
    if (range.kind === Kind.Exact) return 1;
    const termLength = this.index.terms.lengthOf(term);
    if (range.kind === Kind.Prefix) return termLength <= range.covers ? 1 : 0.65 + (0.3 * range.covers) / termLength;
    if (range.kind === Kind.Typo) return TYPO_PENALTY;
    return 0.45 + (0.2 * Math.min(range.covers, termLength)) / termLength;
  }

  private expand(word: string, typing: boolean, typed: string, spellings: readonly string[]): PlannedWord {
    const { postStart, docCount } = this.index;
    const df = (t: number): number => postStart[t + 1] - postStart[t];
    let ranges: TermRange[] = [];
    const exact = this.find(word);
    if (exact >= 0) ranges.push({ lo: exact, hi: exact + 1, kind: Kind.Exact, covers: word.length });
    let spelt = false;
    for (const spelling of spellings) {
      const id = this.find(spelling);
      if (id >= 0) ranges.push({ lo: id, hi: id + 1, kind: Kind.Exact, covers: spelling.length });
      spelt ||= id >= 0;
      if (typing && spelling.length >= MIN_TYPO_LENGTH) {
        const [lo, hi] = this.prefixRange(spelling);
        if (hi > lo) ranges.push({ lo, hi, kind: Kind.Prefix, covers: spelling.length });
      }
    }
    // A word typed in full elsewhere in the query is a prefix too when the vocabulary lacks it ("equivar poly").
    const prefix = typing || (exact < 0 && !spelt && word.length >= MIN_FULL_PREFIX);
    if (prefix) {
      const [lo, hi] = this.prefixRange(word);
      if (word.length >= MIN_FULL_PREFIX) {
        if (hi > lo && !(hi === lo + 1 && lo === exact)) ranges.push({ lo, hi, kind: Kind.Prefix, covers: word.length });
      } else {
        // "n" or "ne": the most frequent completions only; thousands of terms start with them.
        for (const t of mostFrequent(lo, hi, SHORT_PREFIX_COMPLETIONS, df)) {
          if (t !== exact) ranges.push({ lo: t, hi: t + 1, kind: Kind.Prefix, covers: word.length });
        }
      }
    }
    if (word.length >= MIN_TYPO_LENGTH) {
      for (const variant of editVariants(word)) {
        if (prefix) {
          // A dropped letter widens the prefix; only long typed words afford it.
          if (variant.length < word.length && word.length < MIN_TYPO_PREFIX_DELETION) continue;
          const [lo, hi] = this.prefixRange(variant);
          if (hi > lo) ranges.push({ lo, hi, kind: Kind.TypoPrefix, covers: variant.length });
        } else {
          const id = this.find(variant);
          if (id >= 0) ranges.push({ lo: id, hi: id + 1, kind: Kind.Typo, covers: variant.length });
        }
      }
    } else if (word.length >= MIN_SHORT_TYPO_LENGTH) {
      let own = 0;
      for (const range of ranges) for (let t = range.lo; t < range.hi && own < docCount; t++) own += df(t);
      if (own < SHORT_TYPO_RARE + docCount / SHORT_TYPO_RARE_PER) {
        const neighbours = this.shortNeighbours(word, df);
        // The commonest neighbour is the likeliest meant: the others earn less.
        for (const t of neighbours) {
          const penalty = TYPO_PENALTY * (0.5 + (0.5 * df(t)) / df(neighbours[0]));
          ranges.push({ lo: t, hi: t + 1, kind: Kind.Typo, covers: this.index.terms.lengthOf(t), penalty });
        }
      }
    }
    ranges.sort((a, b) => a.lo - b.lo || a.kind - b.kind);

    // Every matching term with its best penalty.
    const best = new Map<number, number>();
    for (const range of ranges) {
      for (let t = range.lo; t < range.hi; t++) {
        const pen = this.penalty(range, t);
        if ((best.get(t) ?? 0) < pen) best.set(t, pen);
      }
      if (best.size > 4 * MAX_WORD_TERMS) break;
    }
    let entries = [...best.entries()];
    if (entries.length > MAX_WORD_TERMS) {
      // The word itself, then the most frequent: the rest would add cost, seldom the paper sought.
      entries.sort((a, b) => (a[0] === exact ? -1 : b[0] === exact ? 1 : b[1] * df(b[0]) - a[1] * df(a[0])));
      entries = entries.slice(0, MAX_WORD_TERMS).sort((a, b) => a[0] - b[0]);
      const kept = new Set(entries.map(([t]) => t));
      ranges = ranges.flatMap((range) => {
        const single: TermRange[] = [];
        for (let t = range.lo; t < range.hi; t++) if (kept.has(t)) single.push({ ...range, lo: t, hi: t + 1 });
        return single;
      });
      ranges.sort((a, b) => a.lo - b.lo || a.kind - b.kind);
    }
    let postings = 0;
    let commonest = 0;
    let strongest = 0;
    for (const [t, pen] of entries) {
      postings += df(t);
      commonest = Math.max(commonest, df(t));
      // Postings are best first: the first is the term's strongest.
      if (df(t) > 0) strongest = Math.max(strongest, pen * this.index.postImpact[postStart[t]]);
    }
    const idf = Math.max(MIN_IDF, Math.log(1 + (docCount - commonest + 0.5) / (commonest + 0.5)));
    return {
      text: word,
      typed,
      ranges,
      idf,
      terms: Uint32Array.from(entries, ([t]) => t),
      penalties: Float64Array.from(entries, ([, pen]) => pen),
      postings,
      typing,
      maxContribution: (idf * strongest) / 255,
    };
  }

  /**
   * The commonest few terms one edit from `word` or starting with a same-length edit of it, at most one
   * character longer than `word` ("graf" → "graph", "gram", "grad"; not "gradient").
   */
  private shortNeighbours(word: string, df: (t: number) => number): number[] {
    const terms = this.index.terms;
    const candidates = new Set<number>();
    for (const variant of editVariants(word)) {
      if (variant.length < word.length) continue;
      if (variant.length > word.length) {
        const id = this.find(variant);
        if (id >= 0) candidates.add(id);
        continue;
      }
      const [lo, hi] = this.prefixRange(variant);
      for (let t = lo; t < hi; t++) if (terms.lengthOf(t) <= word.length + 1) candidates.add(t);
    }
    return [...candidates].sort((a, b) => df(b) - df(a) || a - b).slice(0, SHORT_TYPO_CANDIDATES);
  }

  /** The id of `term`, or -1. */
  private find(term: string): number {
    return termId(this.index, term);
  }

  /** Ids `[lo, hi)` of the terms starting with `prefix`. */
  private prefixRange(prefix: string): [number, number] {
    const terms = this.index.terms;
    const lo = lowerBound(terms, prefix);
    if (lo >= terms.size || !terms.startsWith(lo, prefix)) return [lo, lo];
    return [lo, lowerBound(terms, `${prefix}\uffff`, lo)];
  }
}

/** The `count` ids in `[lo, hi)` with the highest `weight`, in ascending id order. */
function mostFrequent(lo: number, hi: number, count: number, weight: (t: number) => number): number[] {
  const chosen: number[] = [];
  for (let t = lo; t < hi; t++) {
    if (chosen.length < count) {
      chosen.push(t);
    } else {
      let weakest = 0;
      for (let i = 1; i < count; i++) if (weight(chosen[i]) < weight(chosen[weakest])) weakest = i;
      if (weight(t) > weight(chosen[weakest])) chosen[weakest] = t;
    }
  }
  return chosen.sort((a, b) => a - b);
}

/**
 * The other spellings of a word with umlauts: a typed "ä", "ö" or "ü" also as "ae", "oe", "ue" ("gödel" →
 * "goedel"), and in a word of 5+ letters a typed "ae", "oe" or "ue" also as the bare vowel the index folds an
 * umlaut to ("mueller" → "muller"). `typed` is the word as typed, `folded` its folded form.
 */
export function umlautSpellings(typed: string, folded: string): string[] {
  const spellings = new Set<string>();
  const composed = typed.normalize('NFC');
  if (/[äöüÄÖÜ]/.test(composed)) spellings.add(foldWord(composed.replace(/[äöüÄÖÜ]/g, (umlaut) => `${umlaut.normalize('NFD')[0]}e`)));
  // Not in short words, where it would mostly meet other words ("due" → "du").
  if (folded.length >= 5 && /[aou]e/.test(folded)) spellings.add(folded.replace(/([aou])e/g, '$1'));
  spellings.delete(folded);
  return [...spellings];
}

/** Every string one Damerau edit away from `word` (deletion, transposition, substitution, insertion). */
export function editVariants(word: string): Set<string> {
  const alphabet = ALPHABET + [...new Set(word.replace(/[a-z0-9]/g, ''))].join('');
  const out = new Set<string>();
  for (let i = 0; i < word.length; i++) {
    out.add(word.slice(0, i) + word.slice(i + 1));
    if (i + 1 < word.length) out.add(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2));
    for (const c of alphabet) out.add(word.slice(0, i) + c + word.slice(i + 1));
  }
  for (let i = 0; i <= word.length; i++) for (const c of alphabet) out.add(word.slice(0, i) + c + word.slice(i));
  out.delete(word);
  return out;
}
