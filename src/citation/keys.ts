/**
 * Citation keys. Pure: no `vscode` import.
 *
 * The format follows Better BibTeX's default (`auth.lower + shorttitle(3,3) + year`), so a key made here
 * matches the one a Zotero user already has for the same paper: the first author's family name in lower
 * case, the first three significant title words capitalised, then the year — `punyEquivariantPolynomialsGraph2023`.
 * Keys are folded to ASCII letters and digits, which both BibTeX and pandoc accept anywhere in a key.
 * Changing this function changes users' keys: treat its output as a stable interface.
 */
import type { Paper } from '../index/paper';

/** Words Better BibTeX skips in `shorttitle`: articles, conjunctions and short prepositions. */
const FUNCTION_WORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'nor', 'so', 'yet', 'as', 'at', 'by', 'for', 'from', 'in', 'into',
  'of', 'off', 'on', 'onto', 'out', 'over', 'to', 'up', 'upon', 'with', 'via', 'vs', 'versus', 'per',
]);

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

/** The family name of an author written "Given Family" or "Family, Given". */
export function familyName(author: string): string {
  const trimmed = author.trim();
  const comma = trimmed.indexOf(',');
  if (comma > 0) return trimmed.slice(0, comma).trim();
  const parts = trimmed.split(/\s+/);
  return parts[parts.length - 1] ?? '';
}

function asciiWords(text: string): string[] {
  return foldToAscii(text).split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** The key for one paper before collisions with other papers are resolved. */
export function baseCitationKey(paper: Pick<Paper, 'title' | 'authors' | 'year'>): string {
  const firstAuthor = paper.authors?.[0];
  const author = firstAuthor ? asciiWords(familyName(firstAuthor)).join('').toLowerCase() : '';
  const significant = asciiWords(paper.title).filter((word) => !FUNCTION_WORDS.has(word.toLowerCase()));
  const shortTitle = significant.slice(0, 3).map(capitalise).join('');
  const year = paper.year !== undefined ? String(paper.year) : '';
  const key = author ? `${author}${shortTitle}${year}` : `${shortTitle.charAt(0).toLowerCase()}${shortTitle.slice(1)}${year}`;
  return key || 'untitled';
}

/**
 * Assigns a key to every paper, unique across the list: the first paper with a base key keeps it, later
 * ones get the suffixes a, b, …, z, aa, ab, … in list order (bundled papers come first, so their keys
 * never move when a user adds an index).
 */
export function assignCitationKeys(papers: readonly Pick<Paper, 'title' | 'authors' | 'year'>[]): string[] {
  const taken = new Set<string>();
  return papers.map((paper) => {
    const base = baseCitationKey(paper);
    let key = base;
    for (let n = 0; taken.has(key); n++) key = base + alphabeticSuffix(n);
    taken.add(key);
    return key;
  });
}

/** 0 → a, 25 → z, 26 → aa, … */
function alphabeticSuffix(n: number): string {
  let suffix = '';
  for (let i = n; i >= 0; i = Math.floor(i / 26) - 1) suffix = String.fromCharCode(97 + (i % 26)) + suffix;
  return suffix;
}
