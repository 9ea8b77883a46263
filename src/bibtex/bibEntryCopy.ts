/**
 * A .bib entry as its author wrote it, read character by character the way BibTeX reads it, so that it can be
 * copied whole into another .bib: entry type, key, every field, values byte for byte. Pure: no `vscode` import.
 *
 * The only change a copy may need is for `@string` macros: a field that uses a macro defined in its own file
 * (`journal = jmr # " Letters"`) is written with the macro's text in its place (`journal = {Journal of Made-Up
 * Results Letters}`), so the copy means the same in a .bib that does not define it. Month macros (`jan`…`dec`)
 * are predefined by every BibTeX style and by biblatex, and are kept as written.
 */
import type { LoadedPaper } from '../papers/paper';
import { toBibtexEntry, type BibtexOptions } from './entryWriter';

/**
 * The entry to add to a document's .bib for `paper` under `key`: the paper's own .bib entry, whole, under that key;
 * for a paper without one (JSON, JSON Lines, bundled) an entry written from its fields, in `options.encoding`.
 */
export async function bibliographyEntryFor(paper: LoadedPaper, key: string, targetText = '', options: BibtexOptions = {}): Promise<string> {
  if (paper.bibtex === undefined) return toBibtexEntry({ ...paper, key }, options);
  const { preambles, entry } = splitPreambles(paper.bibtex);
  // A preamble the target already has (copied with an earlier entry) is not added again.
  const carried = preambles.filter((preamble) => !targetText.includes(preamble));
  return [...carried, withKey(entry, key)].join('\n\n');
}

/** A whole .bib file of `papers`, each under its key as `bibliographyEntryFor` gives it, separated by blank lines. */
export async function bibliographyFileFor(papers: Iterable<LoadedPaper>): Promise<string> {
  let file = '';
  for (const paper of papers) file = `${file}${file === '' ? '' : '\n'}${await bibliographyEntryFor(paper, paper.key, file)}\n`;
  return file;
}

/**
 * The `@preamble{…}` blocks of a .bib text, as written: where a file defines commands its entries use
 * (`\newcommand{\bibcyr}[1]{…}`), for LaTeX to typeset them.
 */
export function bibPreambles(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/@[ \t]*preamble[ \t]*\{/gi)) {
    const end = closingBraceOf(text, match.index + match[0].length - 1);
    if (end >= 0) found.push(text.slice(match.index, end + 1));
  }
  return found;
}

/** The names of the commands a preamble defines (`\newcommand{\x}`, `\providecommand\x`, `\def\x`, `\@ifundefined{x}`). */
function commandsDefinedIn(preamble: string): Set<string> {
  const names = new Set<string>();
  for (const match of preamble.matchAll(/\\(?:(?:re)?newcommand|providecommand|DeclareRobustCommand|ProvideTextCommandDefault|def)\*?\s*\{?\s*\\([A-Za-z@]+)|\\@ifundefined\s*\{([A-Za-z@]+)\}/g)) {
    names.add(match[1] ?? match[2]);
  }
  return names;
}

/**
 * The entry text to keep for a paper: its self-contained entry, after the file's preambles that define a command
 * it uses, so that a copy typesets where the original does.
 */
export function entryWithPreambles(entryText: string, preambles: readonly string[]): string {
  const used = new Set([...entryText.matchAll(/\\([A-Za-z@]+)/g)].map((match) => match[1]));
  const needed = preambles.filter((preamble) => [...commandsDefinedIn(preamble)].some((name) => used.has(name)));
  return [...needed, entryText].join('\n\n');
}

/** `text` as its leading `@preamble{…}` blocks and the entry after them. */
function splitPreambles(text: string): { preambles: string[]; entry: string } {
  const preambles: string[] = [];
  let rest = text;
  for (;;) {
    const start = /^\s*@[ \t]*preamble[ \t]*\{/i.exec(rest);
    const end = start ? closingBraceOf(rest, start[0].length - 1) : -1;
    if (!start || end < 0) break;
    preambles.push(rest.slice(start[0].indexOf('@'), end + 1));
    rest = rest.slice(end + 1);
  }
  return { preambles, entry: rest.trimStart() };
}

/** The offset of the `}` that closes the `{` at `open`, not counting braces after a backslash; -1 if none. */
function closingBraceOf(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** One piece of a field's value: `{…}`, `"…"`, a number or a macro name, joined to the next by `#`. */
interface ValuePart {
  readonly kind: 'braced' | 'quoted' | 'number' | 'macro';
  /** Inside the delimiters for `braced` and `quoted`; the digits or the macro name otherwise. */
  readonly text: string;
}

/** A `name = value` of an entry, with where its value is in the entry's text. */
export interface RawField {
  /** As written; BibTeX field names are case-insensitive. */
  readonly name: string;
  /** Offset of the field's name in the entry text. */
  readonly start: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly parts: readonly ValuePart[];
}

export interface RawEntry {
  readonly type: string;
  /** Empty for `@article{,` (Mendeley writes entries without a key). */
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly fields: readonly RawField[];
  /** The entry's text, from its `@` to its closing brace or parenthesis. */
  readonly text: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * The entry that starts at the `@` at `text[0]`, or undefined when it is not one BibTeX could read (unbalanced
 * braces, a field without `=`). Braces preceded by a backslash do not count when finding where a value ends, as in
 * the parser that reads the fields; `unbalancedBraceFields` says where BibTeX, which counts them, would disagree.
 */
export function scanEntry(text: string, hasKey = true): RawEntry | undefined {
  const scanner = new Scanner(text);
  if (!scanner.eat('@')) return undefined;
  scanner.skipSpace();
  const type = scanner.match(/[A-Za-z][\w-]*/y);
  if (!type) return undefined;
  scanner.skipSpace();
  const open = scanner.peek();
  if (open !== '{' && open !== '(') return undefined;
  scanner.at++;
  const close = open === '{' ? '}' : ')';
  scanner.skipSpace();
  let keyStart = scanner.at;
  let key = '';
  if (hasKey) {
    key = scanner.match(open === '{' ? /[^,\s}]*/y : /[^,\s)]*/y) ?? '';
    keyStart = scanner.at - key.length;
  }
  const keyEnd = keyStart + key.length;
  const fields: RawField[] = [];
  for (;;) {
    scanner.skipSpace();
    if (scanner.eat(close)) break;
    if (scanner.eat(',')) continue;
    const start = scanner.at;
    const name = scanner.match(/[^\s=,{}()"#%]+/y);
    if (!name) return undefined;
    scanner.skipSpace();
    if (!scanner.eat('=')) return undefined;
    scanner.skipSpace();
    const valueStart = scanner.at;
    const parts: ValuePart[] = [];
    for (;;) {
      const part = scanner.valuePart(close);
      if (!part) return undefined;
      parts.push(part);
      const beforeSpace = scanner.at;
      scanner.skipSpace();
      if (!scanner.eat('#')) {
        scanner.at = beforeSpace;
        break;
      }
      scanner.skipSpace();
    }
    fields.push({ name, start, valueStart, valueEnd: scanner.at, parts });
  }
  return { type, key, keyStart, keyEnd, fields, text: text.slice(0, scanner.at) };
}

class Scanner {
  at = 0;
  constructor(private readonly text: string) {}

  peek(): string {
    return this.text[this.at];
  }

  eat(char: string): boolean {
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  /** `pattern` must be sticky (`y`). */
  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.at += found[0].length;
    return found[0];
  }

  skipSpace(): void {
    this.match(/\s*/y);
  }

  valuePart(close: string): ValuePart | undefined {
    const char = this.peek();
    if (char === '{') {
      const end = closingBraceOf(this.text, this.at);
      if (end < 0) return undefined;
      const part: ValuePart = { kind: 'braced', text: this.text.slice(this.at + 1, end) };
      this.at = end + 1;
      return part;
    }
    if (char === '"') {
      // A quoted value ends at a `"` outside braces.
      let depth = 0;
      for (let i = this.at + 1; i < this.text.length; i++) {
        const c = this.text[i];
        if (c === '\\') i++;
        else if (c === '{') depth++;
        else if (c === '}') depth--;
        else if (c === '"' && depth === 0) {
          const part: ValuePart = { kind: 'quoted', text: this.text.slice(this.at + 1, i) };
          this.at = i + 1;
          return part;
        }
      }
      return undefined;
    }
    const number = this.match(/\d+/y);
    if (number !== undefined) return { kind: 'number', text: number };
    const macro = this.match(close === '}' ? /[^\s,#{}"=%]+/y : /[^\s,#{}()"=%]+/y);
    return macro === undefined ? undefined : { kind: 'macro', text: macro };
  }

}

/**
 * The `@string` definitions of a .bib text, in order, each expanded with the ones before it: macro name (lower
 * case; BibTeX's are case-insensitive) → its text as written, LaTeX and inner braces kept.
 */
export function bibStrings(text: string): Map<string, string> {
  const strings = new Map<string, string>();
  for (const match of text.matchAll(/@[ \t]*string[ \t]*[{(]/gi)) {
    const definition = scanEntry(text.slice(match.index), false);
    for (const field of definition?.fields ?? []) {
      const value = expandedValue(field, strings);
      if (value !== undefined) strings.set(field.name.toLowerCase(), value);
    }
  }
  return strings;
}

/** The value's text with macros replaced by their definitions; undefined when one is defined nowhere. */
function expandedValue(field: RawField, strings: ReadonlyMap<string, string>): string | undefined {
  let value = '';
  for (const part of field.parts) {
    if (part.kind !== 'macro') {
      value += part.text;
      continue;
    }
    const name = part.text.toLowerCase();
    const defined = strings.get(name) ?? MONTH_NAMES[MONTHS.indexOf(name)];
    if (defined === undefined) return undefined;
    value += defined;
  }
  return value;
}

/**
 * The entry's text as written, except that a field using a macro defined in `strings` (its file's `@string`s)
 * has the macro's text in its place, braced. Fields whose macros are all months, or that use a macro the file does
 * not define, are left as written.
 */
export function selfContainedEntry(entry: RawEntry, strings: ReadonlyMap<string, string>): string {
  let text = entry.text;
  // Last first, so the offsets of the ones before stay right.
  for (const field of [...entry.fields].reverse()) {
    const macros = field.parts.filter((part) => part.kind === 'macro').map((part) => part.text.toLowerCase());
    if (macros.every((name) => MONTHS.includes(name) && !strings.has(name))) continue;
    const value = expandedValue(field, strings);
    if (value === undefined) continue;
    text = `${text.slice(0, field.valueStart)}{${value}}${text.slice(field.valueEnd)}`;
  }
  return text;
}

/** The entry's text with `key` as its key (for an entry written without one, or whose key another paper had first). */
export function withKey(entryText: string, key: string): string {
  const entry = scanEntry(entryText);
  if (!entry || entry.key === key) return entryText;
  return entryText.slice(0, entry.keyStart) + key + entryText.slice(entry.keyEnd);
}

/**
 * Fields whose value BibTeX reads differently from us: it counts every brace, also `\{` and `\}`, so a value with an
 * unbalanced `\{` swallows the rest of the entry (or the file) in BibTeX while the parser reads it as a brace.
 */
export function unbalancedBraceFields(entry: RawEntry): RawField[] {
  return entry.fields.filter((field) =>
    field.parts.some((part) => part.kind !== 'macro' && part.kind !== 'number' && countOf(part.text, '{') !== countOf(part.text, '}')),
  );
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (const c of text) if (c === char) count++;
  return count;
}
