/**
 * The compact token index behind the scaled search. Pure: no `vscode` import.
 *
 * Everything lives in a few typed arrays, so a million papers cost about six bytes per (paper, distinct
 * word) pair, nothing per JavaScript object, and the whole index can be written to disk and read back
 * as-is (./serialize.ts). Loading is mostly touching fresh memory, so size is load time:
 *
 * - `terms`: the vocabulary, sorted, so the words starting with a prefix are one contiguous id range.
 * - postings, per term, ordered by impact (best paper first): a query reads only the head of a long list
 *   and stops once nothing further down can enter the top k. Read only in order, so paper numbers are
 *   stored as varints: a run of equal impacts is in ascending paper order and stores the gaps.
 * - a forward index, per paper, its term ids in ascending order: checking whether a candidate paper also
 *   has the query's other words is a binary search there, and a whole prefix range is one search. Term
 *   ids are split into a 16-bit low part, stored per posting, and a segment (the high part): each paper
 *   records where each segment's terms start, so the lists stay searchable at two bytes a term.
 *
 * A posting's impact (one byte) is how strongly the paper is about the term, from where the word occurs:
 * BM25-style saturated term frequencies of the title, the authors and the abstract, weighted so that a
 * title word outweighs any number of mentions in the abstract, and an author name sits in between.
 */
import { runToEnd, type Steps } from '../../shared/cooperative';
import type { Paper } from '../../papers/paper';
import { packStringSteps, type PackedStrings } from './packedStrings';
import { forEachWord, STOP_WORDS } from './tokens';

export interface SearchIndex {
  readonly docCount: number;
  /** The vocabulary in ascending code-unit order; a term's id is its position. */
  readonly terms: PackedStrings;
  /** Term t's postings are `[postStart[t], postStart[t + 1])`. Length: terms + 1. */
  readonly postStart: Uint32Array;
  /** Per posting, per term by descending impact, ties by ascending paper number. */
  readonly postImpact: Uint8Array;
  /** Term t's paper numbers are varints from byte `postByteStart[t]`; see `PostingCursor`. Length: terms + 1. */
  readonly postByteStart: Uint32Array;
  readonly postBytes: Uint8Array;
  /** Term-id segments (ids `s · 65536 …`): `max(1, ceil(terms / 65536))`. */
  readonly segments: number;
  /**
   * Paper d's terms of segment s are the postings `[fwdSegStart[d · segments + s], fwdSegStart[d · segments + s + 1])`;
   * all its terms: `[fwdSegStart[d · segments], fwdSegStart[(d + 1) · segments])`. Length: papers · segments + 1.
   */
  readonly fwdSegStart: Uint32Array;
  /** Low 16 bits of term ids, ascending within each paper and segment. */
  readonly fwdLow: Uint16Array;
  readonly fwdImpact: Uint8Array;
}

export const SEGMENT_BITS = 16;
const SEGMENT_SIZE = 1 << SEGMENT_BITS;

/** A paper's term ids, ascending, with their impacts. */
export function termsOfDoc(index: SearchIndex, doc: number): { terms: number[]; impacts: number[] } {
  const { segments, fwdSegStart, fwdLow, fwdImpact } = index;
  const terms: number[] = [];
  const impacts: number[] = [];
  for (let s = 0; s < segments; s++) {
    for (let p = fwdSegStart[doc * segments + s]; p < fwdSegStart[doc * segments + s + 1]; p++) {
      terms.push(s * SEGMENT_SIZE + fwdLow[p]);
      impacts.push(fwdImpact[p]);
    }
  }
  return { terms, impacts };
}

/** The id of `term` in the vocabulary, or -1 when no paper has it. */
export function termId(index: SearchIndex, term: string): number {
  const { terms } = index;
  const at = lowerBound(terms, term);
  return at < terms.size && terms.equals(at, term) ? at : -1;
}

/** The first position from `from` in the sorted `terms` whose term is not below `value`. */
export function lowerBound(terms: PackedStrings, value: string, from = 0): number {
  let lo = from;
  let hi = terms.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (terms.compare(mid, value) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many papers have term `t`. */
export function documentFrequency(index: SearchIndex, t: number): number {
  return index.postStart[t + 1] - index.postStart[t];
}

/**
 * Calls `visit(paper, impact)` for the first `limit` postings of term `t`, best impact first, decoding the
 * varints that `encodePostings` writes.
 */
export function forEachPosting(index: SearchIndex, t: number, limit: number, visit: (doc: number, impact: number) => void): void {
  const { postStart, postImpact } = index;
  const from = postStart[t];
  const to = Math.min(postStart[t + 1], from + limit);
  const cursor: ByteCursor = { at: index.postByteStart[t] };
  let doc = 0;
  for (let p = from; p < to; p++) {
    doc = readPosting(index, t, p, cursor, doc);
    visit(doc, postImpact[p]);
  }
}

/** A read position in `postBytes`, moved past each posting read. */
export interface ByteCursor {
  at: number;
}

/**
 * The paper of posting `p` of term `t`, whose varint starts at `cursor.at`; moves the cursor past it.
 * `previous` is the paper of posting `p - 1`. A run of equal impacts stores the gaps between papers; its first
 * posting stores the paper itself.
 */
export function readPosting(index: SearchIndex, t: number, p: number, cursor: ByteCursor, previous: number): number {
  const { postBytes, postImpact, postStart } = index;
  let at = cursor.at;
  let value = 0;
  let scale = 1;
  let b: number;
  do {
    b = postBytes[at++];
    value += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  cursor.at = at;
  return p === postStart[t] || postImpact[p] !== postImpact[p - 1] ? value : previous + value;
}

/**
 * Bumped whenever tokenising, impacts or the cache layout (./serialize.ts) change, so an index cached on
 * disk by an older version is rebuilt rather than searched with different rules. 2: section checksums,
 * citation keys and source names. 3: abstracts and author lists stored with byte lengths, read on demand.
 * 4: every text column but ids and citation keys stored with byte lengths, read on demand; arXiv categories.
 * 5: the vocabulary, ids and citation keys as packed UTF-16, used in place. 6: letters that do not decompose
 * folded (ø → o, ß → ss, þ → th, …), LaTeX markup read as its text (`{\TeX}book` → "texbook").
 */
export const INDEX_FORMAT_VERSION = 6;

/** Share of the impact each field can contribute; they add up to 1. */
const FIELD_WEIGHT = { title: 0.55, authors: 0.25, abstract: 0.2 } as const;
/** BM25 saturation and length normalisation. */
const K1 = 1.2;
const B_TITLE = 0.3;
const B_AUTHORS = 0.3;
const B_ABSTRACT = 0.75;

/** BM25's term-frequency part scaled to [0, 1): `tf (k1 + 1) / (tf + k1 norm)`, divided by `k1 + 1`. */
function saturate(tf: number, length: number, averageLength: number, b: number): number {
  if (tf === 0) return 0;
  const norm = 1 - b + (b * length) / (averageLength || 1);
  return tf / (tf + K1 * norm);
}

function fieldText(paper: Paper, field: 0 | 1 | 2): string {
  if (field === 0) return paper.title ?? '';
  if (field === 1) return paper.authors ? paper.authors.join('; ') : '';
  return paper.abstract ?? '';
}

export function buildSearchIndex(papers: readonly Paper[]): SearchIndex {
  return runToEnd(buildSearchIndexSteps(papers));
}

/**
 * Between pauses (see ../cooperative.ts): this many papers are tokenised, or this many postings or
 * vocabulary entries handled — each a few milliseconds of work.
 */
const DOCS_PER_STEP = 128;
const ITEMS_PER_STEP = 1 << 16;

/** `buildSearchIndex` as steps, pausing every few milliseconds. */
export function* buildSearchIndexSteps(papers: readonly Paper[]): Steps<SearchIndex> {
  const docCount = papers.length;
  // Pass 1: term ids in order of first appearance, and per paper its distinct terms with per-field counts.
  const termIds = new Map<string, number>();
  for (const stop of STOP_WORDS) termIds.set(stop, -1);
  const firstSeenTerms: string[] = [];
  let lastDoc = new Int32Array(1 << 16).fill(-1);
  let slotOf = new Uint32Array(1 << 16);
  // Per posting, in paper order: the term, and its frequency in the title, the authors and the abstract
  // (saturating at 255, 255 and 65535). Sized up front for about one distinct word per 8 characters of
  // text (real and synthetic corpora have one per 11 or 12), because doubling arrays of millions of
  // postings copies them in one uninterruptible stretch; grown by doubling past that, and each paper
  // reserves room for all its words first.
  let textLength = 0;
  for (let d = 0; d < docCount; d++) {
    if (d % (DOCS_PER_STEP * 8) === 0) yield;
    textLength += (papers[d].title?.length ?? 0) + (papers[d].abstract?.length ?? 0) + (papers[d].authors?.length ?? 0) * 16;
  }
  const initialPostings = Math.max(1 << 16, Math.ceil(textLength / 8));
  let postTerm = new Uint32Array(initialPostings);
  let tfTitle = new Uint8Array(initialPostings);
  let tfAuthors = new Uint8Array(initialPostings);
  let tfAbstract = new Uint16Array(initialPostings);
  let postingCount = 0;
  const reserve = (extra: number): void => {
    if (postingCount + extra <= postTerm.length) return;
    const size = Math.max(postTerm.length * 2, postingCount + extra);
    const grow = <T extends Uint32Array | Uint16Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const bigger = make(size);
      bigger.set(array.subarray(0, postingCount));
      return bigger;
    };
    postTerm = grow(postTerm, (n) => new Uint32Array(n));
    tfTitle = grow(tfTitle, (n) => new Uint8Array(n));
    tfAuthors = grow(tfAuthors, (n) => new Uint8Array(n));
    tfAbstract = grow(tfAbstract, (n) => new Uint16Array(n));
  };
  const docStart = new Uint32Array(docCount + 1);
  const fieldLength = [new Uint32Array(docCount), new Uint32Array(docCount), new Uint32Array(docCount)];
  const totalLength = [0, 0, 0];

  let doc = 0;
  let field: 0 | 1 | 2 = 0;
  let words = 0;
  const onWord = (term: string): void => {
    let id = termIds.get(term);
    if (id === undefined) {
      id = firstSeenTerms.length;
      termIds.set(term, id);
      firstSeenTerms.push(term);
      if (id >= lastDoc.length) {
        const biggerLast = new Int32Array(lastDoc.length * 2).fill(-1);
        biggerLast.set(lastDoc);
        lastDoc = biggerLast;
        const biggerSlot = new Uint32Array(slotOf.length * 2);
        biggerSlot.set(slotOf);
        slotOf = biggerSlot;
      }
    } else if (id < 0) {
      return;
    }
    words++;
    let slot: number;
    if (lastDoc[id] !== doc) {
      lastDoc[id] = doc;
      slot = postingCount++;
      slotOf[id] = slot;
      postTerm[slot] = id;
      tfTitle[slot] = 0;
      tfAuthors[slot] = 0;
      tfAbstract[slot] = 0;
    } else {
      slot = slotOf[id];
    }
    if (field === 0) {
      if (tfTitle[slot] < 255) tfTitle[slot]++;
    } else if (field === 1) {
      if (tfAuthors[slot] < 255) tfAuthors[slot]++;
    } else if (tfAbstract[slot] < 65535) {
      tfAbstract[slot]++;
    }
  };
  for (doc = 0; doc < docCount; doc++) {
    if (doc % DOCS_PER_STEP === 0) yield;
    docStart[doc] = postingCount;
    const texts = [fieldText(papers[doc], 0), fieldText(papers[doc], 1), fieldText(papers[doc], 2)];
    // A word takes at least one character and is followed by a separator or the end.
    reserve(((texts[0].length + texts[1].length + texts[2].length) >> 1) + 3);
    for (field = 0; field < 3; field = (field + 1) as 0 | 1 | 2) {
      words = 0;
      forEachWord(texts[field], onWord);
      fieldLength[field][doc] = words;
      totalLength[field] += words;
    }
  }
  docStart[docCount] = postingCount;

  // Pass 2: impacts.
  const average = totalLength.map((total) => total / Math.max(1, docCount));
  const docImpact = new Uint8Array(postingCount);
  {
    const titleTf = tfTitle;
    const authorsTf = tfAuthors;
    const abstractTf = tfAbstract;
    for (let d = 0; d < docCount; d++) {
      if (d % DOCS_PER_STEP === 0) yield;
      const lt = fieldLength[0][d];
      const la = fieldLength[1][d];
      const lb = fieldLength[2][d];
      for (let p = docStart[d]; p < docStart[d + 1]; p++) {
        const value =
          FIELD_WEIGHT.title * saturate(titleTf[p], lt, average[0], B_TITLE) +
          FIELD_WEIGHT.authors * saturate(authorsTf[p], la, average[1], B_AUTHORS) +
          FIELD_WEIGHT.abstract * saturate(abstractTf[p], lb, average[2], B_ABSTRACT);
        docImpact[p] = Math.max(1, Math.min(255, Math.round(value * 255)));
      }
    }
  }

  // Pass 3: sort the vocabulary; renumber terms.
  const order = yield* sortedOrder(firstSeenTerms);
  const termCount = order.length;
  const newId = new Uint32Array(termCount);
  order.forEach((old, rank) => (newId[old] = rank));
  const terms = yield* packStringSteps(termCount, (rank) => firstSeenTerms[order[rank]]);
  const docTerm = postTerm.subarray(0, postingCount);
  for (let p = 0; p < postingCount; p++) {
    if (p % ITEMS_PER_STEP === 0) yield;
    docTerm[p] = newId[docTerm[p]];
  }

  // Pass 4: postings by term (counting sort; papers ascending within a term).
  const postStart = new Uint32Array(termCount + 1);
  for (let p = 0; p < postingCount; p++) postStart[docTerm[p] + 1]++;
  for (let t = 0; t < termCount; t++) postStart[t + 1] += postStart[t];
  const postDoc = new Uint32Array(postingCount);
  const postImpact = new Uint8Array(postingCount);
  {
    const cursor = postStart.slice(0, termCount);
    for (let d = 0; d < docCount; d++) {
      if (d % DOCS_PER_STEP === 0) yield;
      for (let p = docStart[d]; p < docStart[d + 1]; p++) {
        const at = cursor[docTerm[p]]++;
        postDoc[at] = d;
        postImpact[at] = docImpact[p];
      }
    }
  }

  // Pass 5: the forward index from the postings, so each paper's terms come out ascending.
  const fwdStart = docStart;
  const fwdTerm = new Uint32Array(postingCount);
  const fwdImpact = new Uint8Array(postingCount);
  {
    const cursor = fwdStart.slice(0, docCount);
    for (let t = 0, handled = 0; t < termCount; t++) {
      handled += postStart[t + 1] - postStart[t];
      if (handled >= ITEMS_PER_STEP) {
        handled = 0;
        yield;
      }
      for (let p = postStart[t]; p < postStart[t + 1]; p++) {
        const at = cursor[postDoc[p]]++;
        fwdTerm[at] = t;
        fwdImpact[at] = postImpact[p];
      }
    }
  }

  // Pass 6: within each term, best impact first (stable, so ties keep ascending paper order).
  yield* sortPostingsByImpact(postStart, postDoc, postImpact);

  // Pass 7: the compact forms: varint paper numbers, 16-bit term ids per segment.
  const { postByteStart, postBytes } = yield* encodePostings(postStart, postDoc, postImpact);
  const segments = Math.max(1, Math.ceil(termCount / SEGMENT_SIZE));
  const fwdSegStart = new Uint32Array(docCount * segments + 1);
  const fwdLow = new Uint16Array(postingCount);
  for (let d = 0; d < docCount; d++) {
    if (d % DOCS_PER_STEP === 0) yield;
    let p = fwdStart[d];
    for (let s = 0; s < segments; s++) {
      fwdSegStart[d * segments + s] = p;
      const segmentEnd = (s + 1) * SEGMENT_SIZE;
      while (p < fwdStart[d + 1] && fwdTerm[p] < segmentEnd) {
        fwdLow[p] = fwdTerm[p] - s * SEGMENT_SIZE;
        p++;
      }
    }
  }
  fwdSegStart[docCount * segments] = postingCount;

  return { docCount, terms, postStart, postImpact, postByteStart, postBytes, segments, fwdSegStart, fwdLow, fwdImpact };
}

function* encodePostings(
  postStart: Uint32Array,
  postDoc: Uint32Array,
  postImpact: Uint8Array,
): Steps<{ postByteStart: Uint32Array; postBytes: Uint8Array }> {
  const termCount = postStart.length - 1;
  const postByteStart = new Uint32Array(termCount + 1);
  let bytes = new Uint8Array(Math.max(16, postDoc.length * 2));
  let at = 0;
  for (let t = 0, handled = 0; t < termCount; t++) {
    handled += postStart[t + 1] - postStart[t];
    if (handled >= ITEMS_PER_STEP) {
      handled = 0;
      yield;
    }
    postByteStart[t] = at;
    for (let p = postStart[t]; p < postStart[t + 1]; p++) {
      let value = p === postStart[t] || postImpact[p] !== postImpact[p - 1] ? postDoc[p] : postDoc[p] - postDoc[p - 1];
      if (at + 5 > bytes.length) {
        const bigger = new Uint8Array(bytes.length * 2);
        bigger.set(bytes);
        bytes = bigger;
      }
      while (value >= 128) {
        bytes[at++] = (value & 0x7f) | 0x80;
        value = Math.floor(value / 128);
      }
      bytes[at++] = value;
    }
  }
  postByteStart[termCount] = at;
  return { postByteStart, postBytes: bytes.slice(0, at) };
}

function* sortPostingsByImpact(postStart: Uint32Array, postDoc: Uint32Array, postImpact: Uint8Array): Steps<void> {
  const termCount = postStart.length - 1;
  let longest = 0;
  for (let t = 0; t < termCount; t++) longest = Math.max(longest, postStart[t + 1] - postStart[t]);
  const scratchDoc = new Uint32Array(longest);
  const scratchImpact = new Uint8Array(longest);
  const counts = new Uint32Array(257);
  for (let t = 0, handled = 0; t < termCount; t++) {
    const from = postStart[t];
    const to = postStart[t + 1];
    const n = to - from;
    handled += n;
    if (handled >= ITEMS_PER_STEP) {
      handled = 0;
      yield;
    }
    if (n < 2) continue;
    if (n <= 32) {
      // Insertion sort, stable: move an entry left only past strictly smaller impacts.
      for (let i = from + 1; i < to; i++) {
        const d = postDoc[i];
        const imp = postImpact[i];
        let j = i - 1;
        while (j >= from && postImpact[j] < imp) {
          postDoc[j + 1] = postDoc[j];
          postImpact[j + 1] = postImpact[j];
          j--;
        }
        postDoc[j + 1] = d;
        postImpact[j + 1] = imp;
      }
      continue;
    }
    // Counting sort on 255 - impact.
    counts.fill(0);
    for (let i = from; i < to; i++) counts[256 - postImpact[i]]++;
    for (let k = 1; k < 257; k++) counts[k] += counts[k - 1];
    for (let i = from; i < to; i++) {
      const at = counts[255 - postImpact[i]]++;
      scratchDoc[at] = postDoc[i];
      scratchImpact[at] = postImpact[i];
    }
    postDoc.set(scratchDoc.subarray(0, n), from);
    postImpact.set(scratchImpact.subarray(0, n), from);
  }
}

/**
 * The positions of `terms` in ascending code-unit order. A bottom-up merge sort rather than `Array.sort`,
 * which would sort a million-word vocabulary in one uninterrupted stretch of a second.
 */
function* sortedOrder(terms: readonly string[]): Steps<Uint32Array> {
  const n = terms.length;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  // Runs of 32 by insertion sort, then rounds of merging runs pairwise.
  const RUN = 32;
  for (let start = 0; start < n; start += RUN) {
    if (start % ITEMS_PER_STEP === 0) yield;
    const end = Math.min(n, start + RUN);
    for (let i = start + 1; i < end; i++) {
      const item = from[i];
      let j = i - 1;
      while (j >= start && terms[from[j]] > terms[item]) {
        from[j + 1] = from[j];
        j--;
      }
      from[j + 1] = item;
    }
  }
  for (let width = RUN; width < n; width *= 2) {
    let handled = 0;
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(n, left + width);
      const right = Math.min(n, left + 2 * width);
      let i = left;
      let j = middle;
      for (let k = left; k < right; k++) {
        if (++handled >= ITEMS_PER_STEP) {
          handled = 0;
          yield;
        }
        // Ties take the left run first, so equal terms would keep their order (there are none: terms are distinct).
        to[k] = i < middle && (j >= right || terms[from[i]] <= terms[from[j]]) ? from[i++] : from[j++];
      }
    }
    [from, to] = [to, from];
  }
  return from;
}
