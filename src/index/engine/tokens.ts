/**
 * Words for the search index and for queries. Pure: no `vscode` import.
 *
 * A word is a run of letters, digits and combining marks, folded to lower case without accents
 * ("Akyürek" → "akyurek"). Offsets are into the original text, so match ranges can be highlighted there.
 * ASCII text, nearly all of every index, takes a fast path with no regular expression and no normalisation.
 */

/**
 * Function words: not indexed, and dropped from queries. They match nearly every abstract, so they do not
 * narrow a search, and indexing them would cost about a third of all postings.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its ' +
    'may more most no nor not of on or our over she so such than that the their them then there these they this those ' +
    'to too under up was we were what when where which while who whom why will with would you your also any both each ' +
    'only other some very via between through about after before s t')
    .split(' '),
);

/** 0: not yet known, 1: part of a word, 2: a separator. Filled lazily for non-ASCII code units. */
const wordCharTable = new Uint8Array(65536);
for (let c = 0; c < 128; c++) {
  wordCharTable[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 2;
}
// Surrogates: the pair is some astral character; treat it as a letter (CJK extensions, math letters).
for (let c = 0xd800; c < 0xe000; c++) wordCharTable[c] = 1;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

function isWordChar(code: number): boolean {
  let kind = wordCharTable[code];
  if (kind === 0) {
    kind = WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
    wordCharTable[code] = kind;
  }
  return kind === 1;
}

const COMBINING_MARKS = /\p{M}/gu;

/** Lower case, accents dropped (NFKD, then combining marks removed). */
export function foldWord(word: string): string {
  return word.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
}

/**
 * Calls `sink(term, start, end)` for every word of `text`, in order; `[start, end)` is the word in `text`.
 * `term` is the folded word; it may be a stop word (callers decide).
 */
export function forEachWord(text: string, sink: (term: string, start: number, end: number) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i);
    if (code < 128 ? wordCharTable[code] !== 1 : !isWordChar(code)) {
      i++;
      continue;
    }
    const start = i;
    let ascii = true;
    let upper = false;
    for (; i < n; i++) {
      code = text.charCodeAt(i);
      if (code < 128) {
        if (wordCharTable[code] !== 1) break;
        if (code >= 65 && code <= 90) upper = true;
      } else if (isWordChar(code)) {
        ascii = false;
      } else {
        break;
      }
    }
    let term = text.slice(start, i);
    if (!ascii) term = foldWord(term);
    else if (upper) term = term.toLowerCase();
    if (term.length > 0) sink(term, start, i);
  }
}

/** The folded words of `text`, in order. */
export function words(text: string): string[] {
  const out: string[] = [];
  forEachWord(text, (term) => out.push(term));
  return out;
}
