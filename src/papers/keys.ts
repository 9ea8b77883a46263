/**
 * Citation keys. Pure: no `vscode` import.
 *
 * The format follows Better BibTeX's default (`auth.lower + shorttitle(3,3) + year`), so a key made here
 * matches the one a Zotero user already has for the same paper: the first author's family name in lower
 * case, the first three significant title words capitalised, then the year — `punyEquivariantPolynomialsGraph2023`.
 * Keys are folded to ASCII letters and digits, which both BibTeX and pandoc accept anywhere in a key.
 * Changing this function changes users' keys: treat its output as a stable interface.
 */
import type { Paper } from './paper';

/**
 * Words Better BibTeX skips in `shorttitle` and `title`: its default `skipWords` preference, copied exactly
 * (retorquere/zotero-better-bibtex, content/Preferences/preferences.yaml, `skipWords.default`) so that our
 * keys are the ones BBT makes. English, French, German, Italian and Spanish articles and prepositions, plus a
 * few verbs and particles (`is`, `do`, `al`); `dell` is listed twice there.
 */
const SKIP_WORDS = new Set(
  (
    'a,ab,aboard,about,above,across,after,against,al,along,amid,among,an,and,anti,around,as,at,before,behind,' +
    'below,beneath,beside,besides,between,beyond,but,by,d,da,das,de,del,dell,dello,dei,degli,della,dell,delle,' +
    'dem,den,der,des,despite,die,do,down,du,during,ein,eine,einem,einen,einer,eines,el,en,et,except,for,from,' +
    'gli,i,il,in,inside,into,is,l,la,las,le,les,like,lo,los,near,nor,of,off,on,onto,or,over,past,per,plus,' +
    'round,save,since,so,some,sur,than,the,through,to,toward,towards,un,una,unas,under,underneath,une,unlike,' +
    'uno,unos,until,up,upon,versus,via,von,while,with,within,without,yet,zu,zum'
  ).split(','),
);

/** Letters that Unicode decomposition does not reduce to ASCII. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'Th', ı: 'i',
};

/** Folds text to ASCII: accents dropped, special letters spelled out, anything else kept as is. */
export function foldToAscii(text: string): string {
  return text
    .replace(/[ßæÆœŒøØłŁđĐðÐþÞı]/g, (letter) => LETTER_FOLDS[letter] ?? letter)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/**
 * The family name of an author, with its particles, as Better BibTeX's `[auth]` takes it: BBT reads a BibTeX name
 * with @retorquere/bibtex-parser and uses the Zotero last name it builds from it, particle and last part together
 * (retorquere/zotero-better-bibtex, translators/bibtex/bibtex.ts: `lastName = prefix + ' ' + lastName`;
 * content/key-manager/formatter.ts: `[auth]` is the creator's `lastName`). The parser's rule, mirrored here:
 * - "Family, Given" and "Family, Jr, Given": everything before the first comma ("van der Waals", "Sáez de Ocáriz");
 * - "Given Family": the words from the first one that starts with a lower-case letter (a particle: "van der",
 *   "de", "von") to the end, when a capitalised word follows it ("Johannes Diderik van der Waals" → "van der Waals");
 *   otherwise the last word ("Jean-Baptiste d'Alembert" → "d'Alembert", "Luis Sáez Ocáriz" → "Ocáriz").
 */
export function familyName(author: string): string {
  const trimmed = author.trim();
  const comma = trimmed.indexOf(',');
  if (comma > 0) return trimmed.slice(0, comma).trim();
  const parts = trimmed.split(/\s+/);
  const particle = parts.findIndex((part) => /^[a-z]/.test(part));
  const after = particle <= 0 ? -1 : parts.findIndex((part, i) => i > particle && !/^[a-z]/.test(part));
  return after === -1 ? (parts[parts.length - 1] ?? '') : parts.slice(particle).join(' ');
}

/**
 * A family name as a key part: folded to ASCII, blanks and apostrophes dropped ("van der Waals" → "vanderWaals",
 * "O'Neil" → "ONeil", as BBT's `citekeyUnsafeChars` and its whitespace removal do), and hyphens too: BBT keeps them
 * ("al-Khwarizmi"), but our keys are letters and digits only, which every consumer and every key regex accepts.
 */
function familyKey(author: string): string {
  return foldToAscii(familyName(author)).replace(/[^A-Za-z0-9]+/g, '');
}

function asciiWords(text: string): string[] {
  return foldToAscii(text).split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** Better BibTeX's default formula, written in our template language. */
export const DEFAULT_KEY_TEMPLATE = '[auth:lower][shorttitle3_3][year]';

type KeyFields = Pick<Paper, 'title' | 'authors' | 'year'>;

/**
 * The parts a key template can use. `[shorttitleN_M]` is Better BibTeX's shorttitle(N, M): the first N
 * significant title words, the first M of them capitalised; `[shorttitle]` is `[shorttitle3_3]`.
 */
const KEY_PARTS: Readonly<Record<string, (paper: KeyFields, n: number, m: number) => string>> = {
  auth: (paper) => familyKey(paper.authors?.[0] ?? ''),
  authors: (paper, n) => (paper.authors ?? []).slice(0, n || undefined).map(familyKey).join(''),
  year: (paper) => (paper.year !== undefined ? String(paper.year) : ''),
  shorttitle: (paper, n, m) => significantWords(paper.title).slice(0, n || 3).map((word, i) => (i < (n ? m : 3) ? capitalise(word) : word.toLowerCase())).join(''),
  veryshorttitle: (paper) => significantWords(paper.title).slice(0, 1).map(capitalise).join(''),
  title: (paper) => significantWords(paper.title).map(capitalise).join(''),
};

const MODIFIERS: Readonly<Record<string, (text: string) => string>> = {
  lower: (text) => text.toLowerCase(),
  upper: (text) => text.toUpperCase(),
  capitalize: (text) => text.charAt(0).toUpperCase() + text.slice(1),
};

function significantWords(title: string): string[] {
  return asciiWords(title).filter((word) => !SKIP_WORDS.has(word.toLowerCase()));
}

interface Placeholder {
  readonly part: string;
  readonly n: number;
  readonly m: number;
  readonly modifiers: readonly string[];
}

const PLACEHOLDER = /\[([a-z]+?)(\d+)?(?:_(\d+))?((?::[a-z]+)*)\]/g;

/** A template as literal text and placeholders, in order; or the first problem with it. */
function parseKeyTemplate(template: string): { pieces: (string | Placeholder)[] } | { problem: string } {
  const pieces: (string | Placeholder)[] = [];
  let literalStart = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    pieces.push(template.slice(literalStart, match.index));
    literalStart = match.index + match[0].length;
    const [, part, n, m, modifierText] = match;
    if (!(part in KEY_PARTS)) return { problem: `unknown part [${part}]` };
    const modifiers = modifierText.split(':').slice(1);
    const unknown = modifiers.find((modifier) => !(modifier in MODIFIERS));
    if (unknown) return { problem: `unknown modifier :${unknown} in [${part}${modifierText}]` };
    pieces.push({ part, n: Number(n ?? 0), m: Number(m ?? n ?? 0), modifiers });
  }
  pieces.push(template.slice(literalStart));
  const badLiteral = pieces.find((piece): piece is string => typeof piece === 'string' && !/^[A-Za-z0-9]*$/.test(piece));
  if (badLiteral !== undefined) return { problem: `only letters, digits and [placeholders] may appear, found "${badLiteral}"` };
  if (!pieces.some((piece) => typeof piece !== 'string')) return { problem: 'the template has no [placeholder]' };
  return { pieces };
}

/** Why a key template cannot be used, or undefined when it can. */
export function keyTemplateProblem(template: string): string | undefined {
  const parsed = parseKeyTemplate(template);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/** The key for one paper before collisions are resolved. An unusable template falls back to the default. */
export function baseCitationKey(paper: KeyFields, template = DEFAULT_KEY_TEMPLATE): string {
  const parsed = parseKeyTemplate(template);
  const pieces = 'pieces' in parsed ? parsed.pieces : (parseKeyTemplate(DEFAULT_KEY_TEMPLATE) as { pieces: (string | Placeholder)[] }).pieces;
  const key = pieces
    .map((piece) => {
      if (typeof piece === 'string') return piece;
      const value = KEY_PARTS[piece.part](paper, piece.n, piece.m);
      return piece.modifiers.reduce((text, modifier) => MODIFIERS[modifier](text), value);
    })
    .join('')
    .replace(/[^A-Za-z0-9]/g, '');
  // A key that does not start with an author name starts with a title word: lower-case it, as Better BibTeX does.
  const first = pieces.find((piece) => piece !== '');
  const startsWithAuthor = typeof first === 'object' && first.part.startsWith('auth') && Boolean(paper.authors?.length);
  return (startsWithAuthor ? key : key.charAt(0).toLowerCase() + key.slice(1)) || 'untitled';
}

/**
 * Assigns a key to every paper, unique across the list: the first paper with a base key keeps it, later
 * ones get the suffixes a, b, …, z, aa, ab, … in list order (bundled papers come first, so their keys
 * never move when a user adds an index).
 */
export function assignCitationKeys(papers: readonly KeyFields[], template = DEFAULT_KEY_TEMPLATE): string[] {
  const taken = new Set<string>();
  return papers.map((paper) => {
    const key = uniqueKey(baseCitationKey(paper, template), taken);
    taken.add(key);
    return key;
  });
}

/** `base`, or `base` with the first suffix a, b, …, z, aa, … that no key in `taken` has. */
export function uniqueKey(base: string, taken: ReadonlySet<string>): string {
  let key = base;
  for (let n = 0; taken.has(key); n++) key = base + alphabeticSuffix(n);
  return key;
}

/** 0 → a, 25 → z, 26 → aa, … */
function alphabeticSuffix(n: number): string {
  let suffix = '';
  for (let i = n; i >= 0; i = Math.floor(i / 26) - 1) suffix = String.fromCharCode(97 + (i % 26)) + suffix;
  return suffix;
}
