/**
 * Where the cursor stands relative to citations in LaTeX, Markdown and Typst (./typst.ts) text: inside an existing citation (so a new
 * key extends it) or right where a key is being typed (so completion applies). Pure: no `vscode` import.
 * Offsets are UTF-16 offsets into the document text, which is what VS Code's `offsetAt` and `positionAt` use.
 */

import { typstCitationAt, typstCitedKeyAt, typstCitedKeys, typstCompletionContext } from './typst';

export type CitationLanguage = 'latex' | 'markdown' | 'typst';

export interface OffsetRange {
  readonly start: number;
  readonly end: number;
}

export interface CitedKey {
  readonly key: string;
  readonly range: OffsetRange;
}

/** A citation that contains the cursor. */
export interface ExistingCitation {
  /** The whole citation: `\citep[see][p.~3]{a,b}` or `[see @a, p. 3; @b]`. */
  readonly range: OffsetRange;
  readonly keys: readonly CitedKey[];
  /** Where a new key goes: right after the key the cursor is in, or at the end. */
  readonly keyOffset: number;
  /** What goes before the new key there: `,` or `; @`, or less where the cursor is in an empty slot. */
  readonly keyPrefix: string;
  /** How the new key is written there, when not as it is: in Typst, as a citation of its own (`@key`, `#cite(<key>)`). */
  readonly keyText?: (key: string) => string;
}

export interface TextInsertion {
  readonly offset: number;
  readonly text: string;
}

/** The key typed so far where a completion list applies. */
export interface KeyCompletionContext {
  readonly prefix: string;
  /** The range of the prefix, ending at the cursor. */
  readonly range: OffsetRange;
}

export function citationAt(text: string, cursor: number, language: CitationLanguage): ExistingCitation | undefined {
  if (language === 'typst') return typstCitationAt(text, cursor, paragraphAround(text, cursor));
  return language === 'latex' ? latexCitationAt(text, cursor) : markdownCitationAt(text, cursor);
}

/**
 * The cited key at the cursor: one in a citation, or in Markdown also a bare in-text `@key` (pandoc's
 * `As @key shows`), which is no citation `citationAt` finds since it stands in no brackets.
 */
export function citedKeyAt(text: string, cursor: number, language: CitationLanguage): CitedKey | undefined {
  if (language === 'typst') return typstCitedKeyAt(text, cursor, paragraphAround(text, cursor));
  const inCitation = citationAt(text, cursor, language)?.keys.find(({ range }) => range.start <= cursor && cursor <= range.end);
  return inCitation ?? (language === 'markdown' ? markdownInTextKeyAt(text, cursor) : undefined);
}

/** The edit that adds `key` to an existing citation: `\cite{a}` → `\cite{a,key}`, `[@a]` → `[@a; @key]`, `@a` → `@a @key`. */
export function keyInsertion(citation: ExistingCitation, key: string): TextInsertion {
  return { offset: citation.keyOffset, text: citation.keyPrefix + (citation.keyText?.(key) ?? key) };
}

export function completionContext(text: string, cursor: number, language: CitationLanguage): KeyCompletionContext | undefined {
  if (language === 'typst') return typstCompletionContext(text, cursor);
  return language === 'latex' ? latexCompletionContext(text, cursor) : markdownCompletionContext(text, cursor);
}

/** A blank line: neither a LaTeX command's argument nor a pandoc citation nor a Typst reference can span one. */
const BLANK_LINE = /\n[ \t]*\r?\n/g;

/** The paragraph around the cursor, which bounds every search here. */
function paragraphAround(text: string, cursor: number): OffsetRange {
  // A cursor on a blank line stands between two paragraphs, in neither: no citation reaches across it to the cursor.
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const lineEnd = text.indexOf('\n', cursor);
  if (lineStart > 0 && lineEnd >= 0 && /^[ \t]*\r?$/.test(text.slice(lineStart, lineEnd))) return { start: cursor, end: cursor };
  let start = 0;
  for (const blank of text.slice(0, cursor).matchAll(BLANK_LINE)) start = (blank.index ?? 0) + blank[0].length;
  const after = text.slice(cursor).search(BLANK_LINE);
  return { start, end: after < 0 ? text.length : cursor + after };
}

/** A trimmed piece of text between separators: a slot of a LaTeX key list, an item of a pandoc citation. */
interface TextPiece {
  readonly text: string;
  readonly range: OffsetRange;
}

/** The pieces of `text[start, end)` between separators, empty ones included. */
function splitWithRanges(text: string, start: number, end: number, separator: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let pieceStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text[i] !== separator) continue;
    const raw = text.slice(pieceStart, i);
    const leading = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    pieces.push({ text: trimmed, range: { start: pieceStart + leading, end: pieceStart + leading + trimmed.length } });
    pieceStart = i + 1;
  }
  return pieces;
}

// ---------------------------------------------------------------------------------------------------------------
// LaTeX

/**
 * Citation commands: any command whose name contains "cite" — \cite, \citep, \citet, \citeauthor, \parencite,
 * \autocite, \textcite, \footcite, \Cite… — with an optional star. The arguments are parsed by `parseLatexCitation`.
 */
const LATEX_CITE_COMMAND = /\\[A-Za-z]*[cC]ite[A-Za-z]*\*?/;

interface LatexCitation {
  /** Offset of the backslash. */
  readonly start: number;
  /** Offset just after the `{` of the key list. */
  readonly keysStart: number;
  /** Offset of the `}` that closes the key list, if the paragraph has one. */
  readonly keysEnd: number | undefined;
}

/** Skips spaces and single line breaks, which LaTeX allows between a command's arguments. */
function skipSpace(text: string, offset: number, end: number): number {
  let i = offset;
  while (i < end && /\s/.test(text[i])) i++;
  return i;
}

/** The offset just after the `]` that closes the optional argument opening at `open`, with braces nesting inside. */
function optionalArgumentEnd(text: string, open: number, end: number): number | undefined {
  let depth = 0;
  for (let i = open + 1; i < end; i++) {
    const char = text[i];
    if (char === '{') depth++;
    else if (char === '}') depth--;
    else if (char === ']' && depth === 0) return i + 1;
  }
  return undefined;
}

/** A citation command's arguments: at most two optional `[...]`, then the `{keys}`. */
function parseLatexCitation(text: string, start: number, commandEnd: number, end: number): LatexCitation | undefined {
  let i = skipSpace(text, commandEnd, end);
  for (let optional = 0; optional < 2 && text[i] === '['; optional++) {
    const argumentEnd = optionalArgumentEnd(text, i, end);
    if (argumentEnd === undefined) return undefined;
    i = skipSpace(text, argumentEnd, end);
  }
  if (text[i] !== '{') return undefined;
  // Keys hold no braces: a `{` before the first `}` means this key list is still open.
  const close = text.slice(i + 1, end).search(/[{}]/);
  return { start, keysStart: i + 1, keysEnd: close >= 0 && text[i + 1 + close] === '}' ? i + 1 + close : undefined };
}

function* latexCitationsIn(text: string, paragraph: OffsetRange): Generator<LatexCitation> {
  // A regex of its own: the search resumes from its `lastIndex`, which the generator's callers must not share.
  const command = new RegExp(LATEX_CITE_COMMAND.source, 'g');
  command.lastIndex = paragraph.start;
  for (let match = command.exec(text); match && match.index < paragraph.end; match = command.exec(text)) {
    const citation = parseLatexCitation(text, match.index, match.index + match[0].length, paragraph.end);
    if (citation) yield citation;
  }
}

function latexCitationAt(text: string, cursor: number): ExistingCitation | undefined {
  for (const citation of latexCitationsIn(text, paragraphAround(text, cursor))) {
    const { start, keysStart, keysEnd } = citation;
    if (keysEnd === undefined || cursor <= start || cursor > keysEnd) continue;
    const slots = splitWithRanges(text, keysStart, keysEnd, ',');
    const keys = slots.filter((slot) => slot.text !== '').map(({ text: key, range }) => ({ key, range }));
    const range = { start, end: keysEnd + 1 };
    // No slot holds the cursor when it is in the command name or an optional argument: the new key goes last.
    const slot = slots.find((candidate) => cursorInPiece(text, candidate, cursor));
    if (slot?.text === '') return { range, keys, keyOffset: cursor, keyPrefix: '' };
    const after = slot ?? keys[keys.length - 1];
    return after ? { range, keys, keyOffset: after.range.end, keyPrefix: ',' } : { range, keys, keyOffset: keysEnd, keyPrefix: '' };
  }
  return undefined;
}

/** Whether the cursor is in a piece, counting the blanks around it up to the separators on either side. */
function cursorInPiece(text: string, piece: TextPiece, cursor: number): boolean {
  let start = piece.range.start;
  while (start > 0 && /\s/.test(text[start - 1])) start--;
  let end = piece.range.end;
  while (end < text.length && /\s/.test(text[end])) end++;
  return cursor >= start && cursor <= end;
}

function latexCompletionContext(text: string, cursor: number): KeyCompletionContext | undefined {
  // Read only up to the cursor: a key list that holds the cursor is one still open there.
  let keysStart: number | undefined;
  for (const citation of latexCitationsIn(text, { start: paragraphAround(text, cursor).start, end: cursor })) {
    if (citation.keysEnd === undefined) keysStart = citation.keysStart;
  }
  if (keysStart === undefined) return undefined;
  const prefix = /[^,\s]*$/.exec(text.slice(keysStart, cursor))?.[0] ?? '';
  return { prefix, range: { start: cursor - prefix.length, end: cursor } };
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown (pandoc citations)

/**
 * A pandoc citation key after its `@`: a letter, digit or `_`, then those or internal punctuation
 * (`:.#$%&-+?<>~/` followed by another key character); or any text in braces.
 */
const MARKDOWN_KEY = String.raw`(?:[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_]))*|\{[^}]*\})`;

/** `@key` or `-@key` not glued to a word before it, so `a@b.com` is no citation. */
const MARKDOWN_CITED_KEY = new RegExp(String.raw`(?<![\p{L}\p{N}_])-?@(${MARKDOWN_KEY})`, 'u');

/** Every `@key` of a text, with the lookbehind of `MARKDOWN_CITED_KEY` (no `@` glued to a word, as in an e-mail address). */
const MARKDOWN_CITED_KEYS = new RegExp(MARKDOWN_CITED_KEY.source, 'gu');

/** The `@key` on the cursor's line whose `@` or key the cursor is on (or just after), with the key's range. */
function markdownInTextKeyAt(text: string, cursor: number): CitedKey | undefined {
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const lineEnd = text.indexOf('\n', cursor);
  for (const match of text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd).matchAll(MARKDOWN_CITED_KEYS)) {
    const start = lineStart + match.index + match[0].length - match[1].length;
    const end = start + match[1].length;
    if (start - 1 <= cursor && cursor <= end) return { key: match[1], range: { start, end } };
  }
  return undefined;
}

/** What may stand right before the `@` of a key being typed: `[`, `;`, `-` (author suppressed) or a blank. */
const BEFORE_TYPED_KEY = /(?:^|[\s[;])-?$/;

/** Characters a key being typed may hold so far (it may end in punctuation while it is typed). */
const TYPED_KEY = /[\p{L}\p{N}_:.#$%&\-+?<>~/]*$/u;

/** An item that is only the `@` (or `-@`) of a key still to be typed. */
const BARE_AT = /^-?@$/;

/** The unescaped `[` before the cursor and `]` after it in the paragraph, if no other bracket stands between. */
function enclosingBrackets(text: string, cursor: number): OffsetRange | undefined {
  const paragraph = paragraphAround(text, cursor);
  let open = cursor - 1;
  while (open >= paragraph.start && !(isUnescaped(text, open) && /[[\]]/.test(text[open]))) open--;
  let close = cursor;
  while (close < paragraph.end && !(isUnescaped(text, close) && /[[\]]/.test(text[close]))) close++;
  const found = open >= paragraph.start && close < paragraph.end && text[open] === '[' && text[close] === ']';
  return found ? { start: open, end: close + 1 } : undefined;
}

function isUnescaped(text: string, offset: number): boolean {
  let backslashes = 0;
  while (offset - backslashes > 0 && text[offset - backslashes - 1] === '\\') backslashes++;
  return backslashes % 2 === 0;
}

function markdownCitationAt(text: string, cursor: number): ExistingCitation | undefined {
  const brackets = enclosingBrackets(text, cursor);
  // `![…]` is an image, `[…](…)` and `[…][…]` are links: the text in them only looks like a citation.
  if (!brackets || text[brackets.start - 1] === '!' || /[([]/.test(text[brackets.end] ?? '')) return undefined;
  const items = splitWithRanges(text, brackets.start + 1, brackets.end - 1, ';');
  const keys: CitedKey[] = [];
  for (const item of items) {
    if (item.text === '' || BARE_AT.test(item.text)) continue;
    const match = MARKDOWN_CITED_KEY.exec(item.text);
    // pandoc reads the brackets as a citation only when every item cites a key.
    if (!match) return undefined;
    const start = item.range.start + match.index + match[0].length - match[1].length;
    keys.push({ key: match[1], range: { start, end: start + match[1].length } });
  }
  if (keys.length === 0 && !items.some((item) => BARE_AT.test(item.text))) return undefined;
  const item = items.find((candidate) => cursorInPiece(text, candidate, cursor)) ?? items[items.length - 1];
  if (item.text === '') return { range: brackets, keys, keyOffset: cursor, keyPrefix: '@' };
  return { range: brackets, keys, keyOffset: item.range.end, keyPrefix: BARE_AT.test(item.text) ? '' : '; @' };
}

function markdownCompletionContext(text: string, cursor: number): KeyCompletionContext | undefined {
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const beforeCursor = text.slice(lineStart, cursor);
  const prefix = TYPED_KEY.exec(beforeCursor)?.[0] ?? '';
  const at = beforeCursor.length - prefix.length - 1;
  if (beforeCursor[at] !== '@' || !BEFORE_TYPED_KEY.test(beforeCursor.slice(0, at))) return undefined;
  return { prefix, range: { start: cursor - prefix.length, end: cursor } };
}

// ---------------------------------------------------------------------------------------------------------------
// Every cited key of a document

/**
 * Every key the document cites, in text order, each with its range: LaTeX `\cite`-like commands outside
 * comments (not `\nocite{*}`'s `*`); in Markdown every pandoc `@key`, bracketed or in-text, outside code,
 * the YAML front matter, HTML comments and link targets, where pandoc would not read one either; in Typst every
 * reference and `cite` call that is no cross-reference to a label of the document (./typst.ts).
 */
export function citedKeysIn(text: string, language: CitationLanguage): CitedKey[] {
  if (language === 'typst') return typstCitedKeys(text);
  return language === 'latex' ? latexCitedKeys(text) : markdownCitedKeys(text);
}

function latexCitedKeys(text: string): CitedKey[] {
  const keys: CitedKey[] = [];
  for (const citation of latexCitationsIn(text, { start: 0, end: text.length })) {
    if (citation.keysEnd === undefined || inLatexComment(text, citation.start)) continue;
    for (const slot of splitWithRanges(text, citation.keysStart, citation.keysEnd, ',')) {
      if (slot.text !== '' && slot.text !== '*') keys.push({ key: slot.text, range: slot.range });
    }
  }
  return keys;
}

/** Whether an unescaped `%` starts a comment before `offset` on its line. */
function inLatexComment(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  for (let i = lineStart; i < offset; i++) if (text[i] === '%' && isUnescaped(text, i)) return true;
  return false;
}

/**
 * Parts of Markdown where an `@` is no citation: fenced code blocks, inline code, the YAML front matter, HTML
 * comments, link targets `](…)` and autolinks `<…>`.
 */
const MARKDOWN_NOT_PROSE = /(?<![\s\S])---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)|^[ \t]*(```+|~~~+)[^\n]*\n[\s\S]*?(?:^[ \t]*\1[ \t]*$|(?![\s\S]))|(`+)[\s\S]*?\2|<!--[\s\S]*?-->|\]\([^)\s]*(?:\s+"[^"]*")?\)|<[a-z][a-z0-9+.-]*:[^>\s]*>/gim;

function markdownCitedKeys(text: string): CitedKey[] {
  const skipped: OffsetRange[] = [];
  for (const match of text.matchAll(MARKDOWN_NOT_PROSE)) {
    skipped.push({ start: match.index, end: match.index + match[0].length });
  }
  const keys: CitedKey[] = [];
  let next = 0;
  for (const match of text.matchAll(MARKDOWN_CITED_KEYS)) {
    while (next < skipped.length && skipped[next].end <= match.index) next++;
    if (next < skipped.length && skipped[next].start <= match.index) continue;
    const start = match.index + match[0].length - match[1].length;
    const braced = /^\{(.*)\}$/.exec(match[1]);
    keys.push(braced ? { key: braced[1], range: { start: start + 1, end: start + 1 + braced[1].length } } : { key: match[1], range: { start, end: start + match[1].length } });
  }
  return keys;
}
