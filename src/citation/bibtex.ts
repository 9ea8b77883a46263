/**
 * BibTeX entries for papers. Pure: no `vscode` import.
 *
 * The output is written for three consumers at once, and the tests run all three: BibTeX with the classic
 * styles (plain, plainnat), pandoc's citeproc, and @retorquere/bibtex-parser (Better BibTeX's reader).
 * Text is kept as UTF-8; only the characters that TeX or BibTeX treat as syntax are escaped.
 */
import type { LoadedPaper } from '../index/paper';

export type BibtexEntryType = 'article' | 'inproceedings' | 'misc';

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

/** Characters that are syntax to TeX or BibTeX, or that it prints as other characters (see `TEX_ESCAPES`). */
const TEX_SYNTAX = /[\\{}&%$#_~^<>]/gu;

/**
 * Where TeX would join two characters into one glyph: `--` into an en dash, ``` `` ``` and `''` into curly quotes,
 * `,,` into „, `!`` and `?`` into ¡ and ¿. An empty group there keeps the characters as the index has them.
 */
const TEX_LIGATURE = /(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=,)(?=,)|(?<=[!?])(?=`)/g;

/** Words that each hold a capital, separated by single spaces: "A Critical Review", "MgNO", "Über". */
const CAPITALISED_WORDS = '[\\p{L}\\p{M}\\p{N}]*\\p{Lu}[\\p{L}\\p{M}\\p{N}]*(?: [\\p{L}\\p{M}\\p{N}]*\\p{Lu}[\\p{L}\\p{M}\\p{N}]*)*';

const TEX_SYNTAX_OR_CAPITALISED_WORDS = new RegExp(`${TEX_SYNTAX.source}|${CAPITALISED_WORDS}`, 'gu');

/**
 * Plain text as BibTeX field text: TeX syntax escaped, and whatever else `pattern` matches wrapped in braces.
 * Whitespace is collapsed because a blank line inside a field would end the paragraph in TeX; control characters
 * with it, as TeX ignores some (NUL) and rejects others (DEL).
 */
function texText(text: string, pattern: RegExp): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.normalize('NFC').replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  const escapes = { ...TEX_ESCAPES, ...braceEscapes(clean) };
  // `Object.hasOwn`, not `escapes[match]`: a matched word such as "valueOf" would find Object.prototype's method.
  return clean.replace(pattern, (match) => (Object.hasOwn(escapes, match) ? escapes[match] : `{${match}}`)).replace(TEX_LIGATURE, '{}');
}

/** Plain text with TeX syntax escaped and letter case left to the style. */
function escapedText(text: string): string {
  return texText(text, TEX_SYNTAX);
}

/**
 * Text whose capitals must survive: every run of words that hold a capital is wrapped in braces.
 *
 * Why every capitalised word: styles such as plain and plainnat lower-case a title outside braces, and pandoc
 * lower-cases unprotected words for sentence-case CSL styles. Our titles come as published, mostly in Title Case,
 * so a proper noun ("Fourier", "Hebbian") cannot be told from an ordinarily capitalised word; protecting only
 * mixed-case words and acronyms would print "fourier".
 * Why not the whole title in double braces: lower-case words stay free, so citeproc can still title-case a
 * sentence-case title for a title-case style; and a title starting with an escape would make `{{\$…}}` a BibTeX
 * "special character", whose letters BibTeX case-changes after all. A brace before a letter or digit is plain
 * protection in every consumer.
 */
function protectedText(text: string): string {
  return texText(text, TEX_SYNTAX_OR_CAPITALISED_WORDS);
}

/**
 * One author for the `author` list. A name that BibTeX would misread as several (it contains the word "and" between
 * blanks, where BibTeX splits; "and_" or "Smith-and-Jones" it leaves alone) or cannot split ("von Last, Jr, First"
 * allows two commas at most) is braced whole, which BibTeX prints as is. An `=` is braced so that biblatex and the
 * Better BibTeX parser do not read "A=, B=" as their `family=…, given=…` name format.
 */
function authorName(name: string): string {
  const escaped = escapedText(name).replace(/=/g, '{=}');
  return /(?:^|\s)and(?:\s|$)/i.test(escaped) || (escaped.match(/,/g) ?? []).length > 2 ? `{${escaped}}` : escaped;
}

/**
 * A value that biblatex, pandoc and `\url` read verbatim (url, doi, eprint), so nothing is escaped: only what
 * would break the field is percent-encoded — braces, which BibTeX counts, `\`, and whitespace, which no URL or
 * identifier holds literally.
 */
function verbatimValue(value: string): string {
  return value.trim().replace(/[{}\\\s]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** The BibTeX entry for one paper: its fields in a fixed order, two-space indent, no trailing comma. */
export function toBibtexEntry(paper: LoadedPaper): string {
  const type = bibtexEntryType(paper.venue);
  const fields: [string, string | undefined][] = [
    ['author', paper.authors?.length ? paper.authors.map(authorName).join(' and ') : undefined],
    ['title', protectedText(paper.title)],
    [VENUE_FIELD[type], paper.venue ? protectedText(paper.venue) : undefined],
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
export function toBibtexFile(papers: readonly LoadedPaper[]): string {
  return papers.map((paper) => toBibtexEntry(paper) + '\n').join('\n');
}
