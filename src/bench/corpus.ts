/**
 * Synthetic paper corpora for the search benchmark, grown from a seed index (the bundled papers).
 * Pure and deterministic: the same seed papers and size give the same corpus.
 *
 * - Abstracts and titles are runs of 1–4 consecutive words copied from random places in the seed text, so
 *   the frequencies of common words and short phrases follow the seed. Titles draw a fifth from seed titles,
 *   the rest from seed abstracts. A word only one seed paper uses (its topic: "hopfield", "convlstm") is
 *   copied one time in ten and otherwise replaced by a long-tail word: in a real library such words are
 *   rare, and copying them at the seed's rate would make every synthetic paper about the same 46 topics.
 * - A share of words (6 % of abstract words, 10 % of title words) come from a long tail of new words made
 *   by splicing two seed words ("equivformer"), drawn Zipf-like from a vocabulary that grows with the
 *   corpus (Heaps' law, about 40 √tokens words), so the vocabulary of a million papers is hundreds of
 *   thousands of terms, as in a real one, rather than the seed's few thousand.
 * - Authors: seed given names; family names mostly spliced, 2 % from the seed, so a seed author name is
 *   shared by a growing number of synthetic papers.
 * - The seed papers themselves are embedded unchanged, spread evenly through the corpus.
 */
import type { Paper } from '../papers/paper';

/** mulberry32: small, fast, good enough for synthetic text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(n: number): number {
  let h = Math.imul(n ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export interface CorpusStats {
  /** UTF-8 bytes of titles, authors and abstracts together. */
  readonly rawBytes: number;
}

export function generateCorpus(seed: readonly Paper[], size: number): { papers: Paper[]; stats: CorpusStats } {
  const rand = random(0x5eed + size);
  const split = (text: string): string[] => text.split(/\s+/).filter((word) => word.length > 0);
  const abstractWords = seed.flatMap((paper) => split(paper.abstract));
  const titleWords = seed.flatMap((paper) => split(paper.title));
  // Words (lower case) that only one seed paper uses.
  const bare = (word: string): string => word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
  const paperCount = new Map<string, number>();
  for (const paper of seed) {
    for (const word of new Set(split(`${paper.title} ${paper.abstract}`).map(bare))) paperCount.set(word, (paperCount.get(word) ?? 0) + 1);
  }
  const abstractDistinctive = abstractWords.map((word) => paperCount.get(bare(word)) === 1);
  const titleDistinctive = titleWords.map((word) => paperCount.get(bare(word)) === 1);
  const stems = [...new Set(abstractWords.concat(titleWords).map((w) => w.toLowerCase()).filter((w) => /^[a-z]{4,}$/.test(w)))];
  const givenNames = [...new Set(seed.flatMap((paper) => paper.authors ?? []).map((name) => name.split(' ')[0]))];
  const familyNames = [...new Set(seed.flatMap((paper) => paper.authors ?? []).map((name) => name.split(' ').slice(-1)[0]))];

  const splice = (n: number): string => {
    const h = hash(n);
    const a = stems[h % stems.length];
    const b = stems[hash(h) % stems.length];
    return a.slice(0, 3 + ((h >>> 8) % 4)) + b.slice(-(3 + ((h >>> 12) % 4)));
  };
  const tailSize = Math.max(1000, Math.round(40 * Math.sqrt(size * 150)));
  // Log-uniform rank: P(rank r) ∝ 1/r, Zipf's law with exponent 1.
  const tailWord = (): string => splice(Math.floor(Math.exp(rand() * Math.log(tailSize))));
  const familyPool = Math.max(100, size >> 2);
  const family = (): string =>
    rand() < 0.02 ? familyNames[Math.floor(rand() * familyNames.length)] : capitalize(splice(1e9 + Math.floor(Math.exp(rand() * Math.log(familyPool)))));

  const run = (source: readonly string[], distinctive: readonly boolean[], out: string[]): void => {
    const from = Math.floor(rand() * source.length);
    const length = 1 + Math.floor(rand() * 4);
    for (let i = from; i < Math.min(source.length, from + length); i++) {
      out.push(distinctive[i] && rand() < 0.9 ? tailWord() : source[i]);
    }
  };

  const papers: Paper[] = [];
  let rawBytes = 0;
  const seedAt = new Map<number, Paper>();
  seed.forEach((paper, j) => seedAt.set(Math.min(size - 1, Math.floor(((j + 0.5) * size) / seed.length)), paper));
  for (let i = 0; i < size; i++) {
    const real = seedAt.get(i);
    let paper: Paper;
    if (real) {
      paper = real;
    } else {
      const title: string[] = [];
      const titleLength = 3 + Math.floor(rand() * 10);
      while (title.length < titleLength) {
        if (rand() < 0.1) title.push(tailWord());
        else if (rand() < 0.2) run(titleWords, titleDistinctive, title);
        else run(abstractWords, abstractDistinctive, title);
      }
      const abstract: string[] = [];
      const abstractLength = 80 + Math.floor(rand() * 140);
      while (abstract.length < abstractLength) {
        if (rand() < 0.06) abstract.push(tailWord());
        else run(abstractWords, abstractDistinctive, abstract);
      }
      const authors: string[] = [];
      const authorCount = 1 + Math.floor(rand() * 6);
      for (let a = 0; a < authorCount; a++) authors.push(`${givenNames[Math.floor(rand() * givenNames.length)]} ${family()}`);
      paper = {
        id: `syn-${i}`,
        title: title.slice(0, titleLength).map(capitalize).join(' ').replace(/[.,;:]+$/, ''),
        abstract: abstract.join(' '),
        authors,
        year: 1995 + Math.floor(rand() * 31),
      };
    }
    rawBytes += Buffer.byteLength(paper.title) + Buffer.byteLength(paper.abstract) + Buffer.byteLength((paper.authors ?? []).join(', '));
    papers.push(paper);
  }
  return { papers, stats: { rawBytes } };
}

/**
 * A paper as one line of an arXiv metadata snapshot in JSON Lines (what `paperLookup.indexes` reads from
 * `.jsonl` files): `id`, `title`, `authors` ("A, B and C"), `abstract` and `update_date`, ending in "\n".
 */
export function arxivJsonlLine(paper: Paper): string {
  const names = paper.authors ?? [];
  const authors = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
  return `${JSON.stringify({ id: paper.id, title: paper.title, authors, abstract: paper.abstract, update_date: `${paper.year ?? 2020}-01-01` })}\n`;
}
