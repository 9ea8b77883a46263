/**
 * Hayagriva YAML, the bibliography format of Typst besides BibTeX (github.com/typst/hayagriva, docs/file-format.md):
 * a mapping from keys to entries. Written for papers cited from a Typst document whose `#bibliography(…)` names a
 * `.yml`/`.yaml` file, and read back to know which papers and keys the file already holds. Pure: no `vscode` import.
 */
import type { BibEntry } from '../bibtex/bibliography';
import { bibtexEntryType } from '../bibtex/entryWriter';
import type { LoadedPaper } from '../papers/paper';
import { familyName } from '../papers/keys';
import { readableText } from '../shared/latexText';

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** A BibTeX entry type → the Hayagriva entry type, and the type of the parent the venue names. */
const HAYAGRIVA_TYPES: Readonly<Record<string, { readonly type: string; readonly parent?: string }>> = {
  article: { type: 'article', parent: 'periodical' },
  inproceedings: { type: 'article', parent: 'proceedings' },
  conference: { type: 'article', parent: 'proceedings' },
  incollection: { type: 'anthos', parent: 'anthology' },
  inbook: { type: 'chapter', parent: 'book' },
  book: { type: 'book' },
  phdthesis: { type: 'thesis' },
  mastersthesis: { type: 'thesis' },
  thesis: { type: 'thesis' },
  techreport: { type: 'report' },
  report: { type: 'report' },
  online: { type: 'web' },
  www: { type: 'web' },
  unpublished: { type: 'manuscript' },
};

/**
 * The Hayagriva entry for `paper` under `key`: its type (the paper's own .bib entry type where it has one, else
 * what its venue says: a journal's article, a conference paper, or `misc`), title, authors as "Family, Given",
 * year, venue (as the parent for articles and chapters, else the publisher), DOI and arXiv id as serial numbers,
 * and its URL. Every string is a double-quoted YAML scalar, so no title or name can be read as YAML syntax; in the
 * title and venue, Hayagriva's own syntax (`{`, `}`, `$`, `\`) is escaped, and words that must keep their case
 * (acronyms, inner capitals: `BERT`, `ImageNet`) are braced, as the BibTeX writer braces them. TeX in titles is
 * written as its text, math as its TeX source: Typst math is not TeX.
 */
export function toHayagrivaEntry(paper: LoadedPaper, key: string): string {
  const bibtexType = /^\s*@\s*(\w+)/.exec(paper.bibtex ?? '')?.[1]?.toLowerCase() ?? bibtexEntryType(paper.venue);
  const kind = HAYAGRIVA_TYPES[bibtexType] ?? { type: 'misc' };
  const lines = [`${yamlKey(key)}:`, `  type: ${kind.type}`, `  title: ${yamlString(formattable(readableText(paper.title), true))}`];
  const authors = (paper.authors ?? []).map((name) => personName(readableText(name))).filter((name) => name !== '');
  if (authors.length > 0) lines.push(`  author: [${authors.map(yamlString).join(', ')}]`);
  if (paper.year !== undefined) lines.push(`  date: ${paper.year}`);
  const venue = paper.venue ? formattable(readableText(paper.venue), false) : undefined;
  if (venue && kind.parent) lines.push('  parent:', `    type: ${kind.parent}`, `    title: ${yamlString(venue)}`);
  else if (venue) lines.push(`  publisher: ${yamlString(venue)}`);
  const arxivId = paper.arxivId?.trim();
  const doi = paper.doi?.trim();
  if (doi || arxivId) lines.push('  serial-number:');
  if (doi) lines.push(`    doi: ${yamlString(doi)}`);
  if (arxivId) lines.push(`    arxiv: ${yamlString(arxivId)}`);
  if (paper.url?.trim()) lines.push(`  url: ${yamlString(paper.url.trim())}`);
  return lines.join('\n');
}

/** A key as a YAML mapping key: plain where YAML reads it as that string, else double-quoted. */
function yamlKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) && !/^(?:true|false|null|yes|no|on|off|y|n)$/i.test(key) ? key : yamlString(key);
}

/** A double-quoted YAML scalar: `\` and `"` escaped, control characters as escapes. */
export function yamlString(text: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${text.replace(/[\\"\u0000-\u001f\u007f\u2028\u2029]/g, (char) => YAML_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

const YAML_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** A word that must keep its case in any citation style: an acronym or a word with a capital inside (`GPT-4`, `ImageNet`). */
const KEEPS_CASE = /(?<![\p{L}\p{N}])(?=[\p{L}\p{N}'’-]*\p{L}[\p{L}\p{N}'’-]*\p{Lu})[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** Text as a Hayagriva formattable string: its syntax characters escaped, and (for a title) case-keeping words braced. */
function formattable(text: string, protectCase: boolean): string {
  const escaped = text.replace(/\s+/g, ' ').trim().replace(/[\\{}$]/g, (char) => `\\${char}`);
  return protectCase ? escaped.replace(KEEPS_CASE, (word) => `{${word}}`) : escaped;
}

/** A name as Hayagriva reads a person: "Family, Given" (a name written that way already stays as it is). */
function personName(name: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim();
  if (trimmed.includes(',')) return trimmed;
  const family = familyName(trimmed);
  const given = trimmed.slice(0, trimmed.length - family.length).trim();
  return given === '' ? family : `${family}, ${given}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading

/** A YAML value, as far as Hayagriva files use YAML: scalars (as text), sequences and mappings. */
type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

/** A Hayagriva file that cannot be read: the message names the line. */
export class HayagrivaSyntaxError extends Error {}

/**
 * The entries of a Hayagriva file, in file order, with what `BibEntry` holds: key, type, title, authors, year, DOI,
 * arXiv id, URL, abstract, and the first parent's title as the venue. The reader covers the YAML that Hayagriva
 * files are written in — block mappings and sequences, flow sequences and mappings, plain, quoted and block
 * (`|`, `>`) scalars, comments — and throws a `HayagrivaSyntaxError` naming the line it cannot read.
 */
export function parseHayagrivaEntries(text: string): BibEntry[] {
  const root = new YamlReader(text).document();
  if (typeof root !== 'object' || Array.isArray(root)) throw new HayagrivaSyntaxError('line 1: a Hayagriva file is a mapping from keys to entries.');
  return Object.entries(root).map(([key, value]) => bibEntryOf(key, value));
}

function bibEntryOf(key: string, value: YamlValue): BibEntry {
  const fields: { [key: string]: YamlValue } = isMapping(value) ? value : Object.create(null);
  const serial = fields['serial-number'];
  const serialNumbers: { [key: string]: YamlValue } = isMapping(serial) ? serial : Object.create(null);
  const parent = Array.isArray(fields.parent) ? fields.parent[0] : fields.parent;
  const authors = fields.author === undefined ? [] : Array.isArray(fields.author) ? fields.author : [fields.author];
  const year = /^[+-]?\d{1,4}/.exec(text(fields.date) ?? '')?.[0];
  return {
    key,
    type: text(fields.type)?.toLowerCase() ?? 'misc',
    title: formattableText(fields.title),
    authors: authors.map(personText).filter((name) => name !== ''),
    year,
    doi: text(serialNumbers.doi),
    arxivId: text(serialNumbers.arxiv)?.replace(/^arxiv:/i, '').replace(/v\d+$/, ''),
    url: text(fields.url),
    abstract: formattableText(fields.abstract),
    venue: isMapping(parent) ? formattableText(parent.title) : undefined,
  };
}

function isMapping(value: YamlValue | undefined): value is { [key: string]: YamlValue } {
  return typeof value === 'object' && !Array.isArray(value);
}

/** A scalar, or a field's `value` (`url: { value: …, date: … }`). */
function text(value: YamlValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  return isMapping(value) ? text(value.value) : undefined;
}

/** A formattable string's text: case-protecting braces dropped, escapes read. */
function formattableText(value: YamlValue | undefined): string | undefined {
  return text(value)?.replace(/\\([\\{}$])|[{}]/g, (_, escaped: string | undefined) => escaped ?? '');
}

/** A person as "Given Family": a "Family, Given" string turned round, or the `given-name` and `name` sub-fields. */
function personText(value: YamlValue): string {
  if (isMapping(value)) return [text(value['given-name']), text(value.prefix), text(value.name)].filter(Boolean).join(' ');
  const parts = (text(value) ?? '').split(',').map((part) => part.trim());
  return parts.length === 1 ? parts[0] : [parts[parts.length - 1], parts[0]].join(' ');
}

/** A line of the file with its indentation and its content, without a trailing comment. */
interface YamlLine {
  readonly number: number;
  readonly indent: number;
  readonly content: string;
}

/** A reader for the YAML subset described at `parseHayagrivaEntries`, by indentation. */
class YamlReader {
  private readonly lines: YamlLine[];
  private readonly raw: string[];
  private next = 0;

  constructor(source: string) {
    this.raw = source.replace(/^\uFEFF/, '').split(/\r?\n/);
    this.lines = this.raw.flatMap((line, index) => {
      const content = withoutComment(line).trimEnd();
      if (content.trim() === '' || /^(?:---|\.\.\.)\s*$/.test(content)) return [];
      if (/^\s*\t/.test(line)) throw new HayagrivaSyntaxError(`line ${index + 1}: tabs are not allowed as YAML indentation.`);
      return [{ number: index + 1, indent: content.length - content.trimStart().length, content: content.trim() }];
    });
  }

  document(): YamlValue {
    if (this.lines.length === 0) return Object.create(null);
    const value = this.block(this.lines[0].indent);
    if (this.next < this.lines.length) throw this.error(this.lines[this.next], 'unexpected indentation');
    return value;
  }

  /** The block (mapping or sequence) whose lines start at `indent`. */
  private block(indent: number): YamlValue {
    const first = this.lines[this.next];
    return first.content.startsWith('- ') || first.content === '-' ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): { [key: string]: YamlValue } {
    // No prototype: a key `__proto__` or `constructor` is an entry like any other.
    const result: { [key: string]: YamlValue } = Object.create(null);
    while (this.next < this.lines.length && this.lines[this.next].indent === indent) {
      const line = this.lines[this.next];
      const pair = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#](?:[^:]|:(?!\s|$))*?)\s*:(?:\s+(.*))?$/.exec(line.content);
      if (!pair) throw this.error(line, 'expected "key: value"');
      const key = scalar(pair[1], line, this);
      if (Object.hasOwn(result, key)) throw this.error(line, `the key "${key}" appears twice`);
      this.next++;
      result[key] = this.valueAfter(pair[2], line, indent);
    }
    return result;
  }

  private sequence(indent: number): YamlValue[] {
    const result: YamlValue[] = [];
    while (this.next < this.lines.length && this.lines[this.next].indent === indent && /^-(?:\s|$)/.test(this.lines[this.next].content)) {
      const line = this.lines[this.next];
      const item = line.content.slice(1).trim();
      if (/^[^\s"'[{][^:]*:(?:\s|$)|^"(?:[^"\\]|\\.)*"\s*:(?:\s|$)/.test(item)) {
        // `- key: value` starts a mapping whose keys are indented to where `key` stands.
        const itemIndent = indent + line.content.indexOf(item);
        this.lines[this.next] = { number: line.number, indent: itemIndent, content: item };
        result.push(this.mapping(itemIndent));
      } else {
        this.next++;
        result.push(this.valueAfter(item === '' ? undefined : item, line, indent));
      }
    }
    return result;
  }

  /** The value after `key:` or `-`: inline, a block scalar, a nested block, or empty. */
  private valueAfter(inline: string | undefined, line: YamlLine, indent: number): YamlValue {
    if (inline !== undefined && /^[|>][+-]?\d*$/.test(inline)) return this.blockScalar(inline.startsWith('>'), line);
    if (inline !== undefined && inline !== '') return flow(inline, line, this);
    const nested = this.lines[this.next];
    if (nested && (nested.indent > indent || (nested.indent === indent && /^-(?:\s|$)/.test(nested.content) && !/^-(?:\s|$)/.test(line.content)))) {
      return this.block(nested.indent);
    }
    return '';
  }

  /** A `|` (literal) or `>` (folded) scalar: the raw lines indented deeper than the line that opens it. */
  private blockScalar(folded: boolean, opener: YamlLine): string {
    const body: string[] = [];
    let rawIndex = opener.number;
    while (rawIndex < this.raw.length) {
      const raw = this.raw[rawIndex];
      if (raw.trim() !== '' && raw.length - raw.trimStart().length <= opener.indent) break;
      body.push(raw);
      rawIndex++;
    }
    while (this.next < this.lines.length && this.lines[this.next].number <= rawIndex) this.next++;
    const indent = Math.min(...body.filter((raw) => raw.trim() !== '').map((raw) => raw.length - raw.trimStart().length));
    const lines = body.map((raw) => raw.slice(indent));
    return (folded ? lines.join(' ').replace(/ {2,}/g, ' ') : lines.join('\n')).trim();
  }

  error(line: YamlLine, problem: string): HayagrivaSyntaxError {
    return new HayagrivaSyntaxError(`line ${line.number}: ${problem}: ${line.content.slice(0, 60)}`);
  }
}

/** The line without a `#` comment (one after a blank, outside quotes). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quote) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      if (i === 0 || /[\s:,[{-]/.test(line[i - 1])) quote = char;
    } else if (char === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

/** A flow value: `[a, "b"]`, `{ value: x, verbatim: true }`, or a scalar. */
function flow(source: string, line: YamlLine, reader: YamlReader): YamlValue {
  let position = 0;
  const skipBlanks = (): void => {
    while (position < source.length && /\s/.test(source[position])) position++;
  };
  const value = (inCollection: boolean): YamlValue => {
    skipBlanks();
    const open = source[position];
    if (open === '[' || open === '{') {
      position++;
      const items: YamlValue[] = [];
      const mapping: { [key: string]: YamlValue } = Object.create(null);
      for (;;) {
        skipBlanks();
        if (source[position] === (open === '[' ? ']' : '}')) {
          position++;
          return open === '[' ? items : mapping;
        }
        if (open === '[') items.push(value(true));
        else {
          const key = flowScalar(true);
          skipBlanks();
          if (source[position] !== ':') throw reader.error(line, 'expected ":" in a flow mapping');
          position++;
          mapping[key] = value(true);
        }
        skipBlanks();
        if (source[position] === ',') position++;
        else if (source[position] !== (open === '[' ? ']' : '}')) throw reader.error(line, 'unclosed flow collection');
      }
    }
    return flowScalar(inCollection);
  };
  const flowScalar = (inCollection: boolean): string => {
    skipBlanks();
    const rest = source.slice(position);
    const quoted = /^"(?:[^"\\]|\\.)*"|^'(?:[^']|'')*'/.exec(rest);
    const plain = inCollection ? /^[^,:\]}]*(?::(?!\s)[^,:\]}]*)*/.exec(rest) : /^[\s\S]*/.exec(rest);
    const token = quoted?.[0] ?? plain?.[0] ?? '';
    position += token.length;
    return scalar(token.trim(), line, reader);
  };
  const result = value(false);
  skipBlanks();
  if (position < source.length) throw reader.error(line, 'unexpected text after the value');
  return result;
}

/** A scalar's text: a double-quoted one with its escapes read, a single-quoted one with `''` read, a plain one as it is. */
function scalar(token: string, line: YamlLine, reader: YamlReader): string {
  if (token.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(token)) throw reader.error(line, 'unclosed double quote');
    return token.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, escaped: string) => {
      if (/^[xuU]/.test(escaped) && escaped.length > 1) return String.fromCodePoint(parseInt(escaped.slice(1), 16));
      return DOUBLE_QUOTED_ESCAPES[escaped] ?? escaped;
    });
  }
  if (token.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(token)) throw reader.error(line, 'unclosed single quote');
    return token.slice(1, -1).replace(/''/g, "'");
  }
  return token;
}

const DOUBLE_QUOTED_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', '\\': '\\', '/': '/', ' ': ' ', e: '\u001b', N: '\u0085', _: '\u00a0' };
