/**
 * Words for the search index and for queries. Pure: no `vscode` import.
 *
 * A word is a run of letters, digits and combining marks, folded to the ASCII a person would type for it:
 * lower case, accents and ligatures dropped by NFKD ("Akyürek" → "akyurek", "ﬁ" → "fi"), and the Latin
 * letters that do not decompose spelled out by `LETTER_FOLDS` ("Østergaard" → "ostergaard", "Straße" →
 * "strasse", "Þór" → "thor"). Index and queries fold through this one function, so a word matches however
 * either side spelled it. German umlauts fold to the bare vowel ("Gödel" → "godel"); the query side also
 * tries the "oe" spelling both ways (./query.ts), so the index holds one form per word.
 *
 * LaTeX left in text is read as the text it typesets, not split at its braces and backslashes:
 * `The {\TeX}book` gives "the", "texbook"; `Gr{\"o}bner` and `Garc{\'\i}a` give "grobner" and "garcia";
 * `\emph{word}` gives "word". Only text holding `\`, `{` or `}` takes that path.
 *
 * Offsets are into the original text, so match ranges can be highlighted there. ASCII text, nearly all of
 * every index, takes a fast path with no regular expression and no normalisation.
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

/**
 * Lower-case letters that NFKD leaves whole, as their usual ASCII spelling (the one bibliographies and
 * people use: Łukasiewicz → Lukasiewicz, Þórsdóttir → Thorsdottir, Đặng → Dang, Işık → Isik).
 */
export const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ø: 'o', ł: 'l', ß: 'ss', þ: 'th', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd', ı: 'i', ħ: 'h', ŀ: 'l', ĸ: 'k', ŋ: 'ng',
  ſ: 's', ƀ: 'b', ƈ: 'c', ɗ: 'd', ƒ: 'f', ɠ: 'g', ƙ: 'k', ƚ: 'l', ɲ: 'n', ƥ: 'p', ʠ: 'q', ɍ: 'r', ʂ: 's',
  ƭ: 't', ʈ: 't', ʋ: 'v', ƴ: 'y', ƶ: 'z', ȥ: 'z', ɖ: 'd', ɓ: 'b', ɛ: 'e', ɔ: 'o', ə: 'e', ǝ: 'e',
};
const LETTER_FOLD_PATTERN = new RegExp(`[${Object.keys(LETTER_FOLDS).join('')}]`, 'gu');

/** Lower case, accents and ligatures dropped (NFKD, then combining marks removed), other Latin letters spelled out. */
export function foldWord(word: string): string {
  const folded = word.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
  return folded.replace(LETTER_FOLD_PATTERN, (letter) => LETTER_FOLDS[letter]);
}

/**
 * Calls `sink(term, start, end)` for every word of `text`, in order; `[start, end)` is the word in `text`.
 * `term` is the folded word; it may be a stop word (callers decide).
 */
export function forEachWord(text: string, sink: (term: string, start: number, end: number) => void): void {
  if (!LATEX_MARKUP.test(text)) {
    forEachPlainWord(text, sink);
    return;
  }
  const { plain, from, to } = latexAsText(text);
  forEachPlainWord(plain, (term, start, end) => sink(term, from[start], to[end - 1]));
}

const LATEX_MARKUP = /[\\{}]/;
/** Control words that typeset a letter, as its folded spelling (`{\o}` → "o", `\ss` → "ss"). */
const LATEX_LETTERS: Readonly<Record<string, string>> = {
  i: 'i', j: 'j', o: 'o', O: 'o', l: 'l', L: 'l', ss: 'ss', SS: 'ss', ae: 'ae', AE: 'ae', oe: 'oe', OE: 'oe',
  aa: 'a', AA: 'a', dh: 'd', DH: 'd', th: 'th', TH: 'th', ng: 'ng', NG: 'ng', dj: 'd', DJ: 'd',
};
/** Accents named by a letter (`\v{c}`, `\c c`, `\k{e}`): dropped, their letter kept. */
const LATEX_LETTER_ACCENTS = new Set(['b', 'c', 'd', 'H', 'k', 'r', 't', 'u', 'v']);
/** Accents named by a symbol (`\'e`, `\"o`, `\^o`). */
const LATEX_SYMBOL_ACCENTS = new Set(["'", '"', '^', '`', '~', '=', '.']);

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * The text LaTeX markup typesets, for finding words in it: braces dropped (they group, they do not
 * separate), accents dropped, letter commands spelled out, a command with an argument (`\emph{…}`) read as a
 * word break before its argument, and another control word (`\TeX`, `\alpha`) read as its name. `from[i]` and
 * `to[i]` are where the source of `plain[i]` starts and ends in `text`.
 */
function latexAsText(text: string): { plain: string; from: Int32Array; to: Int32Array } {
  const n = text.length;
  let plain = '';
  const from = new Int32Array(n + 1);
  const to = new Int32Array(n + 1);
  const emit = (chars: string, start: number, end: number): void => {
    for (const char of chars) {
      from[plain.length] = start;
      to[plain.length] = end;
      plain += char;
    }
  };
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === '{' || c === '}') {
      i++;
    } else if (c !== '\\') {
      emit(c, i, i + 1);
      i++;
    } else if (i + 1 < n && isAsciiLetter(text.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isAsciiLetter(text.charCodeAt(j))) j++;
      const name = text.slice(i + 1, j);
      const next = text[j];
      const letter = LATEX_LETTERS[name];
      if (letter !== undefined) {
        emit(letter, i, j);
        // TeX skips the spaces after a control word: `\o stergaard` is one word.
        while (j < n && text[j] === ' ') j++;
      } else if (LATEX_LETTER_ACCENTS.has(name) && (next === '{' || next === ' ')) {
        while (j < n && text[j] === ' ') j++;
      } else if (next === '{' && text[j + 1] !== '}') {
        emit(' ', i, j);
      } else {
        for (let k = i + 1; k < j; k++) emit(text[k], k, k + 1);
      }
      i = j;
    } else {
      const symbol = text[i + 1];
      if (symbol === undefined || !LATEX_SYMBOL_ACCENTS.has(symbol)) emit(' ', i, Math.min(n, i + 2));
      i += 2;
    }
  }
  return { plain, from, to };
}

function forEachPlainWord(text: string, sink: (term: string, start: number, end: number) => void): void {
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
