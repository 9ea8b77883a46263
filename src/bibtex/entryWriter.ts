/**
 * BibTeX entries for papers that have no .bib entry of their own (JSON, JSON Lines, bundled). Pure: no `vscode` import.
 *
 * The output is written for four consumers at once, and the tests run them all: pdflatex + BibTeX with the classic
 * styles (plain, plainnat), pdflatex + biblatex + biber, pandoc's citeproc, and @retorquere/bibtex-parser (Better
 * BibTeX's reader). Two encodings:
 * - `latex` (the default): pure ASCII. Letters outside ASCII become the LaTeX that pdflatex + BibTeX accept, braced as
 *   BibTeX "special characters" (`{\'i}`, `{\L}`, `{\k e}`, `{\ss}`), symbols and Greek become math (`$\alpha$`),
 *   using the mapping Better BibTeX uses (the `unicode2latex` package). What no macro writes (CJK, Cyrillic, emoji)
 *   is kept as UTF-8 for xelatex and lualatex rather than lost. BibTeX counts bytes, not characters, and
 *   lower-cases a raw `Ł` as it pleases; escapes are what every BibTeX style, biber and pandoc read alike.
 * - `utf8`, for biblatex documents: biber reads UTF-8 and that is biblatex's convention, so the Latin letters that
 *   pdflatex's T1 fonts hold (`García`, `Łukasiewicz`, `Erdős`) stay as they are; other Latin letters lose their
 *   accents (`Nguyễn` → Nguyen: biber would decode any escape back into a letter pdflatex lacks); Greek and symbols are
 *   converted as in `latex`, and scripts no LaTeX macro maps (CJK, Cyrillic) are kept for xelatex and lualatex.
 * Math in titles (`$…$`, `\(…\)`) stays math: arXiv titles are written in TeX.
 */
import type { LoadedPaper } from '../papers/paper';

export type BibtexEntryType = 'article' | 'inproceedings' | 'misc';

/** How text outside ASCII is written; see the module comment. */
export type BibtexEncoding = 'latex' | 'utf8';

export interface BibtexOptions {
  readonly encoding?: BibtexEncoding;
}

/** Words that name a journal; checked first, as a journal's name may hold a conference's ("ACM Transactions on Graphics (Proc. SIGGRAPH)"). */
const JOURNAL_VENUE = /\b(?:journal|transactions|letters|magazine|review|annals|bulletin|TMLR|JMLR|TPAMI|IJCV|JAIR|TACL|PNAS)\b/i;

/** Words and acronyms that name a conference or workshop. */
const PROCEEDINGS_VENUE = new RegExp(
  '\\b(?:conference|workshop|symposium|proceedings|meeting|congress|' +
    'ICML|NeurIPS|NIPS|ICLR|COLT|AISTATS|UAI|CVPR|ICCV|ECCV|WACV|BMVC|AAAI|IJCAI|KDD|WWW|SIGIR|CIKM|WSDM|RecSys|' +
    'ACL|EMNLP|NAACL|EACL|COLING|ICASSP|INTERSPEECH|LoG|CoRL|ICRA|IROS|RSS|MICCAI|SIGGRAPH|CHI|ICDM|ECML)\\b',
  'i',
);

/** A journal citation's "volume(issue)" or "volume (year)": "57(6)", "626 (2023) 129076". */
const VOLUME_AND_ISSUE = /\b\d+\s*\(\d+\)/;

/**
 * The entry type a venue calls for. A venue that is neither recognisably a journal nor a conference
 * (a book publisher, say) gets `@misc` with the venue in `howpublished`, so it is still printed.
 */
export function bibtexEntryType(venue: string | undefined): BibtexEntryType {
  if (!venue) return 'misc';
  if (JOURNAL_VENUE.test(venue)) return 'article';
  if (PROCEEDINGS_VENUE.test(venue)) return 'inproceedings';
  if (VOLUME_AND_ISSUE.test(venue)) return 'article';
  return 'misc';
}

const VENUE_FIELD: Readonly<Record<BibtexEntryType, string>> = {
  article: 'journal',
  inproceedings: 'booktitle',
  misc: 'howpublished',
};

/**
 * The TeX spelling of each character that is syntax to TeX or BibTeX, braces aside (see `braceEscapes`), and of `<`
 * and `>`, which TeX's default font encoding (OT1) prints as ¡ and ¿.
 */
const TEX_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

/**
 * How literal braces are written. BibTeX counts every brace in a field, escaped or not, and rejects a field whose
 * braces do not nest; so `\{` `\}`, which pandoc and the Better BibTeX parser also read, are used when the text's
 * own braces nest, and the always-safe `\textbraceleft{}` `\textbraceright{}` (which pandoc drops) when they do not.
 */
function braceEscapes(text: string): Readonly<Record<string, string>> {
  let depth = 0;
  for (const char of text) {
    if (char === '{') depth++;
    else if (char === '}' && --depth < 0) break;
  }
  return depth === 0 ? { '{': '\\{', '}': '\\}' } : { '{': '\\textbraceleft{}', '}': '\\textbraceright{}' };
}


/** Pairs of characters that TeX joins into one glyph: `--` (en dash), ``` `` ``` and `''` (quotes), `,,` („), `!`` and `?`` (¡ ¿). */
const TEX_LIGATURE_PAIR = /^(?:--|``|''|,,|[!?]`)$/;

/** `a` + `b`, with an empty group between them where TeX would join the last character of one and the first of the other. */
function joinTex(a: string, b: string): string {
  return a !== '' && b !== '' && TEX_LIGATURE_PAIR.test(a.slice(-1) + b.charAt(0)) ? `${a}{}${b}` : a + b;
}

interface LatexConverter {
  tolatex(text: string): string;
}
interface LatexConverters {
  /** Braces every special character (`{\'i}`), as BibTeX needs for sorting, name parsing and case changes. */
  readonly braced: LatexConverter;
  /** Gives stacked accents their argument braces (`\~{\^e}`), which the braced one leaves out (`{\~\^e}`). */
  readonly plain: LatexConverter;
  /** The combining marks it writes as accents. */
  readonly accents: Readonly<Record<string, unknown>>;
  /** Its table from LaTeX back to Unicode, which the BibTeX parsers use: `\alpha` → α. */
  readonly unicodeOf: Readonly<Record<string, string | { text?: string; math?: string }>>;
}
/** The unicode2latex converters, loaded on first use: their tables are large, and only writing an entry needs them. */
let converters: Promise<LatexConverters> | undefined;

function loadConverter(): Promise<LatexConverters> {
  // Greek as math (`$\theta$`), which every LaTeX has, rather than text Greek (`\texttheta`), which needs LGR fonts.
  converters ??= import('unicode2latex').then(({ Transform, bibtex, combining, latex2unicode }) => {
    const math = [...GREEK].filter((char) => bibtex.base[char]?.math !== undefined).join('');
    return { braced: new Transform('bibtex-creator', { math }), plain: new Transform('bibtex', { math }), accents: combining.tolatex, unicodeOf: latex2unicode };
  });
  return converters;
}

/** The Greek and Coptic block, U+0370–U+03FF. */
const GREEK = Array.from({ length: 0x90 }, (_, i) => String.fromCodePoint(0x370 + i)).join('');

/** An accent macro followed directly by another macro, which would take that macro as its argument. */
const STACKED_ACCENTS = /\\[`'^"~=.uvHckrbd] ?\\/;

/** Combining accents that pdflatex's T1 encoding composes with a Latin letter (grave … caron, cedilla, ogonek). */
const T1_ACCENTS = /^[A-Za-z][\u0300-\u0304\u0306-\u0308\u030a-\u030c\u0327\u0328]$/;

/** Letters T1 holds that are not an accented ASCII letter. */
const T1_LETTERS = new Set('ßæÆøØœŒłŁđĐðÐþÞıŋŊ');

/** Whether pdflatex (utf8 input, T1 fonts, as LaTeX has defaulted to since 2018) typesets `grapheme` as it is. */
function isT1Letter(grapheme: string): boolean {
  const code = grapheme.codePointAt(0) ?? 0;
  if (grapheme.length !== 1 || code < 0xc0 || code > 0x17f) return false;
  return T1_LETTERS.has(grapheme) || T1_ACCENTS.test(grapheme.normalize('NFD'));
}

/**
 * unicode2latex output that needs a package a plain document does not load (amssymb, T2A fonts, …), or that stands for
 * a styled letter no reader maps back (`\mathbf{A}` for 𝐀).
 */
const NEEDS_PACKAGE = /\\(?:math[a-z]+\{|cyrchar|textcyr|textgreek|fontencoding|usefont)/;

/** Letters (with their combining marks), or a lone mark. */
const GRAPHEME = /\P{M}\p{M}*|\p{M}+/gu;

/** A printable ASCII character. */
const PRINTABLE_ASCII = /^[\x20-\x7e]$/;

/**
 * Whether the mapping's LaTeX reads back as the character: an accented letter; a Greek letter in math (capitals that
 * look Latin are written as Latin letters: `$K$`); a sub- or superscript; or one macro that the reverse table maps to
 * it (`$\leq$` → ≤, `{\texttimes}` → ×; not `$\varepsilon$` for ɛ, `$\sqrt[3]{}$` for ∛ or `\^{}` for ˆ).
 */
function readsBack(converted: string, grapheme: string, latex: LatexConverters): boolean {
  const math = /^\$(.*)\$$/.exec(converted)?.[1];
  if (math !== undefined && (/\p{Script=Greek}/u.test(grapheme) || /^[\^_]\{?[0-9a-z+\-=()]\}?$/.test(math))) return true;
  // An accented letter (`{\'e}`, `{\k e}`) reads back through its accent; anything else must be one known macro.
  if (math === undefined && /^[\p{Ll}\p{Lu}\p{Lt}]/u.test(grapheme) && !/\p{Script=Greek}/u.test(grapheme)) return true;
  const macro = math !== undefined ? /^\\[A-Za-z]+$/.exec(math)?.[0] : /^\{?(\\[A-Za-z]+)(?:\{\})?\}?$/.exec(converted)?.[1];
  const back = macro !== undefined && Object.hasOwn(latex.unicodeOf, macro) ? latex.unicodeOf[macro] : undefined;
  return typeof back === 'string' ? back === grapheme : back?.math === grapheme || back?.text === grapheme;
}

/** One character outside ASCII as field text. */
function encodeChar(grapheme: string, encoding: BibtexEncoding, latex: LatexConverters): string {
  if (/^\p{M}/u.test(grapheme)) return grapheme; // A mark with no letter to sit on: no macro to write it with.
  if (encoding === 'utf8' && isT1Letter(grapheme)) return grapheme;
  // Biber decodes LaTeX accents into UTF-8 for pdflatex, so an accent T1 lacks (`\~{\^e}`) would fail there anyway.
  if (encoding === 'utf8' && /\p{Script=Latin}/u.test(grapheme)) return foldedChar(grapheme) ?? grapheme;
  // Styled letters (𝐴, 𝐀, ℝ) would be written as plain math letters that no reader maps back: kept as they are.
  if (/^[\u{2100}-\u{214f}\u{1d400}-\u{1d7ff}]/u.test(grapheme)) return grapheme;
  // A mark unicode2latex has no accent for is dropped by it silently: such a letter is kept as it is instead.
  if ([...grapheme.normalize('NFC')].slice(1).some((mark) => !Object.hasOwn(latex.accents, mark))) return grapheme;
  let converted = latex.braced.tolatex(grapheme);
  if (STACKED_ACCENTS.test(converted)) converted = `{${latex.plain.tolatex(grapheme)}}`;
  // Only a real spelling in TeX (a macro, math, a dash or quote ligature) is taken; a plain-text stand-in (`(11)` for ⑪)
  // would lose the character for good.
  const isTex = (/[\\$]/.test(converted) && readsBack(converted, grapheme, latex)) || /^[–—“”\u{fb00}-\u{fb06}]$/u.test(grapheme);
  if (isTex && /^[\x20-\x7e]*$/.test(converted) && !NEEDS_PACKAGE.test(converted)) {
    // Math from the mapping is braced, so that a style's case change leaves it alone (`$\Lambda$` is not `$\lambda$`).
    return converted.includes('$') ? `{${converted}}` : converted;
  }
  // A Latin letter with no macro prints as its plain letter (`ả` → a).
  if (/\p{Script=Latin}/u.test(grapheme)) {
    const folded = foldedChar(grapheme);
    if (folded !== undefined) return folded;
  }
  // What no LaTeX macro writes (CJK, Cyrillic, emoji) is kept: xelatex and lualatex typeset it, and nothing is lost.
  return grapheme;
}

/** A character's letters without accents, when they are ASCII (`ả` → a, `ａ` → a). */
function foldedChar(grapheme: string): string | undefined {
  const folded = grapheme.normalize('NFKD').replace(/\p{M}/gu, '');
  return /^[\x20-\x7e]+$/.test(folded) ? folded : undefined;
}

/** Plain text (no math) as field text: TeX syntax escaped, characters outside ASCII converted, ligatures kept apart. */
function encodeText(text: string, escapes: Readonly<Record<string, string>>, encoding: BibtexEncoding, latex: LatexConverters): string {
  let out = '';
  for (const grapheme of text.match(GRAPHEME) ?? []) {
    // A combining mark on a special character (`{` + U+0591) makes one grapheme of them: the character is still
    // escaped (an unescaped brace would unbalance the field), and the mark, meaningless on it, is dropped.
    const special = Object.hasOwn(escapes, grapheme[0]) ? escapes[grapheme[0]] : undefined;
    const piece = PRINTABLE_ASCII.test(grapheme) ? (special ?? grapheme) : special !== undefined && /^.\p{M}+$/u.test(grapheme) ? special : encodeChar(grapheme, encoding, latex);
    out = joinTex(out, piece);
  }
  return out;
}

/** TeX math, written back as `$…$`: ASCII as it is (`%`, `#` and `&` escaped, as math needs too), the rest as math macros. */
function encodeMath(math: string, latex: LatexConverters): string {
  let out = '';
  for (const grapheme of math.match(GRAPHEME) ?? []) {
    if (PRINTABLE_ASCII.test(grapheme)) {
      out += /[%#&]/.test(grapheme) && !out.endsWith('\\') ? `\\${grapheme}` : grapheme;
      continue;
    }
    let converted = /^\p{M}/u.test(grapheme) ? '' : latex.braced.tolatex(grapheme);
    if (/^\$[^$]*\$$/.test(converted)) converted = converted.slice(1, -1);
    else if (converted !== '') converted = `\\mbox{${converted}}`;
    if (!/^[\x20-\x7e]*$/.test(converted) || NEEDS_PACKAGE.test(converted)) converted = '?';
    // A macro name must not run into the letter after it: `\leq y`, not `\leqy`.
    out += converted + (/\\[A-Za-z]+$/.test(converted) ? ' ' : '');
  }
  return `$${out}$`;
}

/**
 * Inline math as TeX writes it and pandoc reads it: `$…$` whose first and last characters are not blanks, not followed by
 * a digit (so "$5 and $10" is money), and `\(…\)`. A `\$` is a dollar sign, not math.
 */
const INLINE_MATH = /(?<!\\)\$(?=[^\s$])((?:[^$\\]|\\[\s\S])*?[^\s\\])\$(?!\d)|\\\(([\s\S]+?)\\\)/g;

/** Whether the braces of `text` nest, ignoring escaped ones. */
function bracesNest(text: string): boolean {
  let depth = 0;
  for (const match of text.matchAll(/\\[\s\S]|[{}]/g)) {
    if (match[0] === '{') depth++;
    else if (match[0] === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

type Atom = { readonly math: string } | { readonly text: string };

/**
 * TeX that does more than typeset: reads or writes files, runs programs, redefines macros or category codes, ends the
 * run, or (`^^5c` is a backslash) spells characters in hex past any check. Math that holds any is read as text, so a
 * title cannot make the user's TeX run `\input{/etc/passwd}` or `\write18`. Environments other than math arrays too
 * (`filecontents` writes files).
 */
const UNSAFE_MATH = new RegExp(
  String.raw`\\(?:input|include|InputIfFileExists|openin|openout|read|readline|write|immediate|message|catcode|lccode|uccode|` +
    String.raw`def|edef|gdef|xdef|let|futurelet|global|csname|expandafter|noexpand|newcommand|renewcommand|providecommand|` +
    String.raw`DeclareRobustCommand|DeclareMathOperator|special|directlua|latelua|usepackage|RequirePackage|makeatletter|` +
    String.raw`makeatother|loop|uppercase|lowercase|scantokens|endinput|everymath|everypar|everyeof|output|shipout|` +
    String.raw`batchmode|errorstopmode|nonstopmode|scrollmode|dump|end(?!\{)|afterassignment|aftergroup)(?![A-Za-z])|\^\^|` +
    String.raw`\\(?:begin|end)\{(?![pbBvV]?matrix\}|smallmatrix\}|cases\}|array\}|aligned\}|gathered\}|split\}|subarray\})`,
);

/** Text split into plain text and math; math whose braces do not nest, or that is unsafe, is read as text and escaped. */
function splitMath(text: string): Atom[] {
  const atoms: Atom[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE_MATH)) {
    const math = match[1] ?? match[2];
    if (!bracesNest(math) || UNSAFE_MATH.test(math)) continue;
    if (match.index > last) atoms.push({ text: text.slice(last, match.index) });
    atoms.push({ math });
    last = match.index + match[0].length;
  }
  if (last < text.length) atoms.push({ text: text.slice(last) });
  return atoms;
}

/**
 * Whitespace collapsed, because a blank line inside a field would end the paragraph in TeX; control characters with
 * it, as TeX ignores some (NUL) and rejects others (DEL). Composed (NFC), so an accent is one character.
 */
function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.normalize('NFC').replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

/**
 * Field text with no case protection and no math: names and venues (BibTeX styles do not change a journal's or
 * booktitle's case, and a `$` in a name is a dollar sign).
 */
export async function fieldText(text: string, encoding: BibtexEncoding, extraEscapes: Readonly<Record<string, string>> = {}): Promise<string> {
  const latex = await loadConverter();
  const clean = cleanText(text);
  return encodeText(clean, { ...TEX_ESCAPES, ...braceEscapes(clean), ...extraEscapes }, encoding, latex);
}

/** A word of a title: letters, digits, apostrophes and the math glued to them (`Cu$_2$O`). */
interface Word {
  readonly atoms: Atom[];
  /** The word's text outside math. */
  readonly letters: string;
  /** First word of the title or of a part after `:`, `.`, `?` or `!`, whose first letter every style keeps. */
  readonly startsSentence: boolean;
}

const WORD_CHARS = /[\p{L}\p{M}\p{N}'’]+|[^\p{L}\p{M}\p{N}'’]+/gu;

/** A title as words and the separators between them (kept as strings). */
function titleParts(atoms: readonly Atom[]): (Word | string)[] {
  const parts: (Word | string)[] = [];
  let current: Atom[] = [];
  let separatorBefore = '';
  const flush = (): void => {
    if (current.length === 0) return;
    const letters = current.map((atom) => ('text' in atom ? atom.text : '')).join('');
    const startsSentence = parts.length === 0 || /[:.?!]\s*$/.test(separatorBefore);
    parts.push({ atoms: current, letters, startsSentence });
    current = [];
  };
  for (const atom of atoms) {
    if ('math' in atom) {
      current.push(atom);
      continue;
    }
    for (const [piece] of atom.text.matchAll(WORD_CHARS)) {
      if (/^[\p{L}\p{M}\p{N}'’]/u.test(piece)) {
        current.push({ text: piece });
      } else {
        flush();
        parts.push(piece);
        separatorBefore = piece;
      }
    }
  }
  flush();
  return parts;
}

/** A capital after the first letter: acronyms and names written with inner capitals (`BERT`, `ImageNet`, `iPhone`, `3D`). */
function hasInnerCapital(letters: string): boolean {
  return /\p{Lu}/u.test([...letters].slice(1).join(''));
}

function isCapitalised(letters: string): boolean {
  return /^\p{Lu}/u.test(letters);
}

/** Small words that Title Case leaves in lower case; they say nothing about which case a title is in. */
const TITLE_CASE_SMALL_WORDS = new Set(
  'a an and as at but by down for from if in into like near nor of off on onto or over past per so than that the to up upon via vs with without yet'.split(' '),
);

/**
 * Whether a title is in sentence case ("Calculation of prompt diphoton production at Tevatron") rather than Title Case:
 * of its ordinary words (not the first of a sentence, not acronyms, not small words), at least a third start in lower
 * case.
 */
function isSentenceCase(words: readonly Word[]): boolean {
  let lower = 0;
  let capitalised = 0;
  for (const word of words) {
    if (word.startsSentence || !/^\p{L}/u.test(word.letters) || hasInnerCapital(word.letters) || TITLE_CASE_SMALL_WORDS.has(word.letters.toLowerCase())) continue;
    if (isCapitalised(word.letters)) capitalised++;
    else lower++;
  }
  // Title Case capitalises every such word, so a few in lower case already say sentence case, even beside many names.
  return lower > 0 && lower * 2 >= capitalised;
}

/** A word without a possessive ending: "Hebb's" → "Hebb". */
const stem = (word: string): string => word.replace(/['’]s$/u, '');

/**
 * Capitalised words that the abstract writes with a capital in mid-sentence and never in lower case: proper nouns
 * ("Fourier", "Hopfield", "Transformer" when the authors name their model so), as far as the text can tell.
 */
function properNounsOf(abstract: string): Set<string> {
  const capitalised = new Set<string>();
  const lower = new Set<string>();
  for (const match of abstract.matchAll(/[\p{L}\p{M}\p{N}'’]+/gu)) {
    const word = stem(match[0]);
    if (!/^\p{L}/u.test(word) || hasInnerCapital(word)) continue;
    if (!isCapitalised(word)) {
      lower.add(word.toLowerCase());
      continue;
    }
    const before = abstract.slice(0, match.index).trimEnd();
    if (before !== '' && !/[.?!:]$/.test(before)) capitalised.add(word);
  }
  return new Set([...capitalised].filter((word) => !lower.has(word.toLowerCase())));
}

/**
 * A title with only what must keep its case braced, by Better BibTeX's rule (its FAQ, "But why *so many* double
 * braces?"): a word with a capital that is not the first letter of a (sub)sentence is taken for a proper noun or an
 * acronym and protected, because styles such as plain lower-case a title outside braces and pandoc does so for
 * sentence-case styles. Better BibTeX applies that rule to sentence-case titles (Zotero's convention); most titles
 * we are given are in Title Case, where it would brace every word, so there the capitalised words protected are the
 * ones the abstract shows to be proper nouns, and words with inner capitals (`BERT`, `GPT-4`, `ImageNet`) always are.
 * Runs of protected words are braced together (`{Graph Neural Networks}`); math is braced as a whole.
 * Why not the whole title in double braces: lower-case words stay free, so a style can still change their case; and
 * biblatex ignores a title wrapped whole.
 */
export async function titleText(title: string, abstract: string, encoding: BibtexEncoding): Promise<string> {
  const latex = await loadConverter();
  const atoms = splitMath(cleanText(title));
  const escapes = { ...TEX_ESCAPES, ...braceEscapes(atoms.map((atom) => ('text' in atom ? atom.text : '')).join('')) };
  const parts = titleParts(atoms);
  const words = parts.filter((part): part is Word => typeof part !== 'string');
  const sentenceCase = isSentenceCase(words);
  const properNouns = sentenceCase ? undefined : properNounsOf(cleanText(abstract));
  const isProtected = (word: Word): boolean =>
    hasInnerCapital(word.letters) || (!word.startsSentence && isCapitalised(word.letters) && (properNouns === undefined || properNouns.has(stem(word.letters))));
  const encodeAtoms = (word: Word, braceMath: boolean): string =>
    word.atoms.reduce((out, atom) => joinTex(out, 'text' in atom ? encodeText(atom.text, escapes, encoding, latex) : braceMath ? `{${encodeMath(atom.math, latex)}}` : encodeMath(atom.math, latex)), '');

  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === 'string') {
      out = joinTex(out, encodeText(part, escapes, encoding, latex));
      continue;
    }
    if (!isProtected(part)) {
      out = joinTex(out, encodeAtoms(part, true));
      continue;
    }
    // A run of protected words joined by single spaces or hyphens, braced together.
    let run = encodeAtoms(part, false);
    while (i + 2 < parts.length && /^[ -]$/.test(parts[i + 1] as string) && typeof parts[i + 2] !== 'string' && isProtected(parts[i + 2] as Word)) {
      run = joinTex(joinTex(run, parts[i + 1] as string), encodeAtoms(parts[i + 2] as Word, false));
      i += 2;
    }
    out = joinTex(out, `{${run}}`);
  }
  return out;
}

/**
 * One author for the `author` list. A name that BibTeX would misread as several (it contains the word "and" between
 * blanks, where BibTeX splits; "and_" or "Smith-and-Jones" it leaves alone) or cannot split ("von Last, Jr, First"
 * allows two commas at most) is braced whole, which BibTeX prints as is. An `=` is braced so that biblatex and the
 * Better BibTeX parser do not read "A=, B=" as their `family=…, given=…` name format.
 */
async function authorName(name: string, encoding: BibtexEncoding): Promise<string> {
  const escaped = await fieldText(name, encoding, { '=': '{=}' });
  return /(?:^|\s)and(?:\s|$)/i.test(escaped) || (escaped.match(/,/g) ?? []).length > 2 ? `{${escaped}}` : escaped;
}

/**
 * A value that biblatex, pandoc and `\url` read verbatim (url, doi, eprint), so nothing is escaped: only what
 * would break the field is percent-encoded — braces, which BibTeX counts, `\`, and whitespace, which no URL or
 * identifier holds literally.
 */
export function verbatimValue(value: string): string {
  return value.trim().replace(/[{}\\\s]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/**
 * The encoding for entries cited from a LaTeX document: UTF-8 when it uses biblatex (`\usepackage{biblatex}` or
 * `\addbibresource`), whose biber reads UTF-8; LaTeX escapes otherwise, which classic BibTeX needs and biber and
 * pandoc read too.
 */
export function bibtexEncodingFor(documentText: string): BibtexEncoding {
  const usesBiblatex = /\\addbibresource\b/.test(documentText) || /\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{[^}]*\bbiblatex\b[^}]*\}/.test(documentText);
  return usesBiblatex ? 'utf8' : 'latex';
}

/** The BibTeX entry for one paper: its fields in a fixed order, two-space indent, no trailing comma. */
export async function toBibtexEntry(paper: LoadedPaper, options: BibtexOptions = {}): Promise<string> {
  const encoding = options.encoding ?? 'latex';
  const type = bibtexEntryType(paper.venue);
  const authors = paper.authors?.length ? await Promise.all(paper.authors.map((name) => authorName(name, encoding))) : [];
  const fields: [string, string | undefined][] = [
    ['author', authors.length ? authors.join(' and ') : undefined],
    ['title', await titleText(paper.title, paper.abstract ?? '', encoding)],
    [VENUE_FIELD[type], paper.venue ? await fieldText(paper.venue, encoding) : undefined],
    ['year', paper.year !== undefined ? String(paper.year) : undefined],
    ['doi', paper.doi ? verbatimValue(paper.doi) : undefined],
    ['eprint', paper.arxivId ? verbatimValue(paper.arxivId) : undefined],
    ['archivePrefix', paper.arxivId ? 'arXiv' : undefined],
    // Only known from JSON Lines and from index files that give it; never guessed. It qualifies the eprint.
    ['primaryClass', paper.arxivId && paper.arxivCategory ? verbatimValue(paper.arxivCategory) : undefined],
    ['url', paper.url ? verbatimValue(paper.url) : undefined],
  ];
  const lines = fields.filter(([, value]) => value).map(([name, value]) => `  ${name} = {${value}}`);
  return `@${type}{${paper.key},\n${lines.join(',\n')}\n}`;
}

/** A whole .bib file: the entries in the given order, separated by blank lines. */
export async function toBibtexFile(papers: readonly LoadedPaper[], options: BibtexOptions = {}): Promise<string> {
  const entries = await Promise.all(papers.map((paper) => toBibtexEntry(paper, options)));
  return entries.map((entry) => entry + '\n').join('\n');
}
