/**
 * Citations in Typst markup, read as the Typst compiler reads them (crates/typst-syntax/src/lexer.rs): a reference
 * `@key` (with an optional supplement `@key[p. 7]`), and the `cite` function, `#cite(<key>)` or
 * `#cite(label("any key"))`; the bibliography a document declares with `#bibliography("refs.bib")` (or an array of
 * files), and what to write so that it declares one. Pure: no `vscode` import.
 * Offsets are UTF-16 offsets into the document text.
 */
import type { CitedKey, ExistingCitation, KeyCompletionContext, OffsetRange, TextInsertion } from './citationContext';

/** What continues an identifier in Typst (`is_id_continue`): Unicode XID_Continue, `_` and `-`. */
const ID_CONTINUE = String.raw`[\p{XID_Continue}\-]`;

/** What a label literal `<…>` and a reference `@…` may hold (`is_valid_in_label_literal`): those, `:` and `.`. */
const LABEL_CHAR = String.raw`[\p{XID_Continue}\-:.]`;

/**
 * A reference's key: the lexer takes every label character after `@` (the first must continue an identifier), then
 * gives back a trailing `.` or `:`, which is likely the sentence's (`see @knuth.` cites `knuth`).
 */
const REFERENCE_KEY = String.raw`${ID_CONTINUE}(?:${LABEL_CHAR}*${ID_CONTINUE})?`;

const REFERENCE_KEY_ONLY = new RegExp(String.raw`^${REFERENCE_KEY}$`, 'u');
const LABEL_LITERAL_ONLY = new RegExp(String.raw`^${ID_CONTINUE}${LABEL_CHAR}*$`, 'u');
/** Text that an `@key` before it would take into its key: label characters that do not all end up given back. */
const CONTINUES_REFERENCE = new RegExp(String.raw`^[.:]*${ID_CONTINUE}`, 'u');

/**
 * The citation of `key` as written before `next`, the text that follows it. `@key` where Typst reads exactly that
 * key there; else `#cite(<key>)` for a key a label literal can hold (one that ends in `.` or `:`, or an `@key` the
 * next character would run on into); else `#cite(label("key"))`, which takes any key. A `[` or `(` right after a
 * citation would be read as its supplement or as more arguments, so the call is ended there with `;`.
 */
export function typstCitation(key: string, next = ''): string {
  const runsOn = CONTINUES_REFERENCE.test(next);
  if (REFERENCE_KEY_ONLY.test(key) && !runsOn && !next.startsWith('[')) return `@${key}`;
  const call = LABEL_LITERAL_ONLY.test(key) ? `#cite(<${key}>)` : `#cite(label(${typstString(key)}))`;
  return /^[[(]/.test(next) ? `${call};` : call;
}

/** A Typst string literal holding `text`. */
function typstString(text: string): string {
  return `"${text.replace(/[\\"]/g, (char) => `\\${char}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** The text of a Typst string literal's body (between its quotes). */
function stringValue(body: string): string {
  const escapes: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|.)/g, (_, escaped: string) =>
    escaped.startsWith('u{') ? String.fromCodePoint(parseInt(escaped.slice(2, -1), 16)) : (escapes[escaped] ?? escaped),
  );
}

/**
 * Parts of a Typst document where no citation is read: comments, raw text, math, links, escaped characters, and
 * string literals in code (a string after `(`, `,`, `:` or `=`; in markup a `"` is a quotation mark).
 */
const NOT_MARKUP = new RegExp(
  [
    String.raw`/\*[\s\S]*?\*/`,
    String.raw`https?://[^\s"'<>()\[\]]*`,
    String.raw`//[^\n]*`,
    String.raw`(\`{3,})[\s\S]*?\1`,
    String.raw`\`[^\`]*\``,
    String.raw`\$(?:[^$\\]|\\[\s\S])*\$`,
    String.raw`(?<=[(,:=]\s*)"(?:[^"\\\n]|\\.)*"`,
    String.raw`\\[\s\S]`,
  ].join('|'),
  'g',
);

/** The ranges of `text` that are `NOT_MARKUP`, in order. */
function skippedRanges(text: string): OffsetRange[] {
  return [...text.matchAll(NOT_MARKUP)].map((match) => ({ start: match.index, end: match.index + match[0].length }));
}

function inRanges(ranges: readonly OffsetRange[], offset: number): boolean {
  // Binary search: the ranges are sorted and disjoint.
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (ranges[middle].end <= offset) low = middle + 1;
    else if (ranges[middle].start > offset) high = middle - 1;
    else return true;
  }
  return false;
}

/** One citation in the text: a reference or a `cite` call, with its key. */
interface TypstCitation {
  readonly range: OffsetRange;
  readonly key: CitedKey;
}

/** `@key`, and its supplement `[…]` if one follows right after. */
const REFERENCE = new RegExp(String.raw`@(${REFERENCE_KEY})(\[[^\]\n]*\])?`, 'gu');

/** `cite(<key>` or `cite(label("key")`, not a method (`x.cite(`) or part of a longer name. */
const CITE_CALL = new RegExp(String.raw`(?<![\p{XID_Continue}.\-])cite\(\s*(?:<(${ID_CONTINUE}${LABEL_CHAR}*)>|label\(\s*"((?:[^"\\\n]|\\.)*)"\s*\))`, 'gu');

/** A label literal `<name>` in markup or code: a label the document defines (on a heading, a figure, …). */
const LABEL = new RegExp(String.raw`<(${ID_CONTINUE}${LABEL_CHAR}*)>`, 'gu');

/** The offset just after the `)` that closes the call whose `(` is at `open`; the text's end if it is not closed. */
function callEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const close = /^"(?:[^"\\\n]|\\.)*"/.exec(text.slice(i));
      if (close) i += close[0].length - 1;
    } else if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** Every citation of the text in `[from, to)`, in text order, outside the parts that are not markup. */
function citationsIn(text: string, from: number, to: number, skipped = skippedRanges(text)): TypstCitation[] {
  const citations: TypstCitation[] = [];
  const region = text.slice(from, to);
  for (const match of region.matchAll(REFERENCE)) {
    const start = from + match.index;
    if (inRanges(skipped, start)) continue;
    const keyStart = start + 1;
    citations.push({ range: { start, end: start + match[0].length }, key: { key: match[1], range: { start: keyStart, end: keyStart + match[1].length } } });
  }
  for (const match of region.matchAll(CITE_CALL)) {
    const start = from + match.index;
    if (inRanges(skipped, start)) continue;
    const literal = match[1];
    const key = literal ?? stringValue(match[2]);
    // The key's range is the label's name, or the string's body.
    const keyStart = start + match[0].lastIndexOf(literal === undefined ? `"${match[2]}"` : `<${literal}>`) + 1;
    const keyEnd = keyStart + (literal ?? match[2]).length;
    // `#cite(` with its `#`, when there is one, so that extending goes after the whole call.
    const callStart = text[start - 1] === '#' ? start - 1 : start;
    citations.push({ range: { start: callStart, end: callEnd(text, start + 'cite'.length) }, key: { key, range: { start: keyStart, end: keyEnd } } });
  }
  return citations.sort((a, b) => a.range.start - b.range.start);
}

/**
 * The citation at the cursor: a reference or `cite` call that holds it (or ends right at it), with the citations
 * next to it — Typst prints citations separated by nothing but spaces as one group (`[1], [2]`). A new key goes right
 * after the citation the cursor is in, as a citation of its own: `@a` → `@a @key`, `#cite(<a>, form: "prose")` →
 * `#cite(<a>, form: "prose") @key`.
 */
export function typstCitationAt(text: string, cursor: number, paragraph: OffsetRange): ExistingCitation | undefined {
  const citations = citationsIn(text, paragraph.start, paragraph.end);
  const index = citations.findIndex(({ range }) => range.start <= cursor && cursor <= range.end);
  if (index < 0) return undefined;
  const adjacent = (a: TypstCitation, b: TypstCitation): boolean => /^[ \t]*\r?\n?[ \t]*$/.test(text.slice(a.range.end, b.range.start));
  let first = index;
  while (first > 0 && adjacent(citations[first - 1], citations[first])) first--;
  let last = index;
  while (last < citations.length - 1 && adjacent(citations[last], citations[last + 1])) last++;
  const group = citations.slice(first, last + 1);
  const keyOffset = citations[index].range.end;
  return {
    range: { start: group[0].range.start, end: group[group.length - 1].range.end },
    keys: group.map(({ key }) => key),
    keyOffset,
    keyPrefix: ' ',
    keyText: (key) => typstCitation(key, text.slice(keyOffset, keyOffset + 1)),
  };
}

/** The cited key at the cursor, if the cursor is on a citation's key (or on its `@`, or just after it). */
export function typstCitedKeyAt(text: string, cursor: number, paragraph: OffsetRange): CitedKey | undefined {
  return citationsIn(text, paragraph.start, paragraph.end).find(({ key }) => key.range.start - 1 <= cursor && cursor <= key.range.end)?.key;
}

/** A reference being typed: `@` and the label characters so far, not escaped. */
const TYPED_REFERENCE = new RegExp(String.raw`(?<!\\)@(${LABEL_CHAR}*)$`, 'u');
/** A key being typed in `cite(<` or `cite(label("`. */
const TYPED_CITE_KEY = new RegExp(String.raw`(?<![\p{XID_Continue}.\-])cite\(\s*(?:<(${LABEL_CHAR}*)|label\(\s*"([^"\\\n]*))$`, 'u');

/** Where a key is being typed: after `@` in markup, or in `#cite(<` / `#cite(label("`. */
export function typstCompletionContext(text: string, cursor: number): KeyCompletionContext | undefined {
  const lineStart = text.lastIndexOf('\n', cursor - 1) + 1;
  const beforeCursor = text.slice(lineStart, cursor);
  const typed = TYPED_CITE_KEY.exec(beforeCursor) ?? TYPED_REFERENCE.exec(beforeCursor);
  if (!typed) return undefined;
  const prefix = typed[1] ?? typed[2] ?? '';
  // A reference's key starts with a character that continues an identifier; `@.` is text.
  if (typed[0].startsWith('@') && prefix !== '' && !new RegExp(`^${ID_CONTINUE}`, 'u').test(prefix)) return undefined;
  if (inRanges(skippedRanges(text.slice(0, cursor)), lineStart + typed.index)) return undefined;
  return { prefix, range: { start: cursor - prefix.length, end: cursor } };
}

/**
 * Every key the document cites, in text order: references and `cite` calls outside comments, raw text, math, links
 * and code strings. A reference to a label the document defines itself (`= Intro <intro>` … `@intro`, figures,
 * equations) is a cross-reference, not a citation, and is left out.
 */
export function typstCitedKeys(text: string): CitedKey[] {
  const skipped = skippedRanges(text);
  const citations = citationsIn(text, 0, text.length, skipped);
  const calls = citations.filter(({ range }) => text[range.start] !== '@');
  const callRanges = calls.map(({ range }) => range);
  const defined = new Set<string>();
  for (const match of text.matchAll(LABEL)) {
    if (!inRanges(skipped, match.index) && !inRanges(callRanges, match.index)) defined.add(match[1]);
  }
  return citations.filter(({ range, key }) => text[range.start] !== '@' || !defined.has(key.key)).map(({ key }) => key);
}

/** `bibliography(` as a function call (in `#bibliography(…)` or a show rule's `bibliography(…)`), not `x.bibliography(`. */
const BIBLIOGRAPHY_CALL = /(?<![\p{XID_Continue}.-])bibliography\(/gu;

/** The string literals of a call's first argument: `"refs.bib"`, or each of an array `("a.bib", "b.yml")`. */
const FIRST_ARGUMENT = /^\s*(?:"((?:[^"\\\n]|\\.)*)"|\(([^()]*)\))/;

/**
 * The bibliography files a Typst document declares with `bibliography(…)`, as written there (paths relative to the
 * document, or to the project root when they start with `/`): a string, or each string of an array.
 */
export function typstBibliographies(text: string): string[] {
  const skipped = skippedRanges(text);
  const files: string[] = [];
  for (const match of text.matchAll(BIBLIOGRAPHY_CALL)) {
    if (inRanges(skipped, match.index)) continue;
    const argument = FIRST_ARGUMENT.exec(text.slice(match.index + match[0].length));
    if (!argument) continue;
    if (argument[1] !== undefined) files.push(stringValue(argument[1]));
    else for (const item of argument[2].matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) files.push(stringValue(item[1]));
  }
  return files.filter((file) => file !== '');
}

/**
 * Where and what to write so that a Typst document declares `bibFile`: `#bibliography("references.bib")` on a line
 * of its own at the end of the document, where Typst prints it.
 */
export function typstBibliographyDeclaration(text: string, bibFile: string): TextInsertion {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const declaration = `#bibliography(${typstString(bibFile)})${eol}`;
  if (text === '') return { offset: 0, text: declaration };
  return { offset: text.length, text: (text.endsWith('\n') ? eol : eol + eol) + declaration };
}
