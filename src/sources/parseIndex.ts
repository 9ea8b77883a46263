/**
 * Parsing and validation of index files (schema version 1). Pure: no `vscode` import.
 *
 * Every problem is reported with the file name and a 1-based line and column, and one bad entry never
 * costs the good ones: the result always carries every paper that validated.
 */
import { type Node, type ParseError, parseTree, printParseErrorCode, getNodeValue } from 'jsonc-parser';
import { INDEX_SCHEMA_VERSION, withoutUndefined, type Paper } from '../papers/paper';
import { slugify } from '../papers/slug';

export interface IndexProblem {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
}

export interface ParsedIndex {
  readonly name?: string;
  readonly papers: readonly Paper[];
  readonly problems: readonly IndexProblem[];
}

/** Parses the text of an index file. `file` names the file in problem messages. */
export function parseIndexText(text: string, file: string): ParsedIndex {
  const problems: IndexProblem[] = [];
  const lineStarts = computeLineStarts(text);
  const report = (severity: IndexProblem['severity'], offset: number, message: string): void => {
    const { line, column } = positionAt(lineStarts, offset);
    problems.push({ severity, file, line, column, message });
  };

  // A UTF-8 BOM is legal at the start of a file saved by many Windows editors; it is not a JSON error.
  const bomLength = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = bomLength ? text.slice(bomLength) : text;
  if (body.trim() === '') {
    report('error', 0, 'The file is empty; expected a JSON object { "version": 1, "papers": [...] }.');
    return { papers: [], problems };
  }

  // jsonc-parser recurses once per nesting level and overflows the stack a few thousand levels down, so only the
  // text before the first bracket nested too deeply is parsed, and that bracket is reported like a syntax error.
  const tooDeepAt = offsetNestedBeyond(body, MAX_NESTING_DEPTH);
  const parsedText = tooDeepAt === undefined ? body : body.slice(0, tooDeepAt);
  const syntaxErrors: ParseError[] = [];
  const root = parseTree(parsedText, syntaxErrors, { allowTrailingComma: false, disallowComments: true });
  // jsonc-parser recovers from syntax errors; entries that end before the first error parsed exactly as
  // written, so they still load, and nothing after the error (which may be mis-recovered) does.
  // Errors at the cut come from the cut, not from the file.
  const firstSyntaxError = syntaxErrors.find((error) => tooDeepAt === undefined || error.offset < tooDeepAt);
  const trustedEnd = firstSyntaxError?.offset ?? tooDeepAt ?? Infinity;
  if (firstSyntaxError) report('error', firstSyntaxError.offset + bomLength, `Invalid JSON: ${describeParseError(firstSyntaxError)}.`);
  else if (tooDeepAt !== undefined) report('error', tooDeepAt + bomLength, `Invalid JSON: nested more than ${MAX_NESTING_DEPTH} levels deep.`);
  if (!root) return { papers: [], problems };
  const at = (node: Node): number => node.offset + bomLength;
  // After a syntax error the recovered structure is a guess: complaining about its shape is noise.
  const reportShape: typeof report = trustedEnd !== Infinity ? () => undefined : report;

  if (root.type !== 'object') {
    reportShape('error', at(root), 'Expected a JSON object { "version": 1, "papers": [...] } at the top level.');
    return { papers: [], problems };
  }

  const version = propertyNode(root, 'version');
  if (!version) {
    reportShape('warning', at(root), `Missing "version"; reading the file as version ${INDEX_SCHEMA_VERSION}.`);
  } else if (version.value !== INDEX_SCHEMA_VERSION) {
    report('error', at(version), `Unsupported "version" ${JSON.stringify(version.value)}; this release reads version ${INDEX_SCHEMA_VERSION}.`);
    return { papers: [], problems };
  }

  const nameNode = propertyNode(root, 'name');
  // Cleaned like a title: the name appears in one-line messages ("already loaded from <name>").
  const name = cleanText(nameNode?.value) || undefined;
  if (nameNode && nameNode.type !== 'string' && nameNode.type !== 'null') report('warning', at(nameNode), '"name" should be a string; ignored.');

  const papersNode = propertyNode(root, 'papers');
  if (!papersNode || papersNode.type !== 'array') {
    reportShape('error', at(papersNode ?? root), 'Expected "papers" to be an array of papers.');
    return { name, papers: [], problems };
  }

  const papers: Paper[] = [];
  const seenIds = new Map<string, number>();
  (papersNode.children ?? []).forEach((entry, index) => {
    // An entry the end of the text cut short also ends at the error, but without its closing brace.
    if (entry.offset + entry.length > trustedEnd || (entry.type === 'object' && !isClosedObject(entry, parsedText))) return;
    const paper = validatePaper(entry, index, (severity, node, message) => report(severity, at(node), message));
    if (!paper) return;
    const firstIndex = seenIds.get(paper.id);
    if (firstIndex !== undefined) {
      report('error', at(entry), `Paper ${index + 1}: duplicate id "${paper.id}" (already used by paper ${firstIndex + 1}); skipped.`);
      return;
    }
    seenIds.set(paper.id, index);
    papers.push(paper);
  });
  return { name, papers, problems };
}

/** Far deeper than an index needs (4 levels), far shallower than what overflows jsonc-parser's recursion. */
const MAX_NESTING_DEPTH = 128;

/**
 * The offset of the first `[` or `{` nested more than `maxDepth` deep, or undefined. Strings and comments are
 * skipped as jsonc-parser's scanner skips them; a closing bracket only counts when it matches the innermost open
 * one, as jsonc-parser only returns from an array at `]` and from an object at `}`. So the depth counted here is
 * never less than the depth the parser recurses to.
 */
function offsetNestedBeyond(text: string, maxDepth: number): number | undefined {
  const openBrackets: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) {
      // A string ends at its closing quote or, unterminated, at a line break; a backslash escapes any character.
      for (i++; i < text.length; i++) {
        const stringCode = text.charCodeAt(i);
        if (stringCode === 0x5c /* \ */) i++;
        else if (stringCode === 0x22 || stringCode === 0x0a || stringCode === 0x0d) break;
      }
    } else if (code === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
    } else if (code === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      if (openBrackets.length === maxDepth) return i;
      openBrackets.push(code);
    } else if ((code === 0x5d /* ] */ && openBrackets.at(-1) === 0x5b) || (code === 0x7d /* } */ && openBrackets.at(-1) === 0x7b)) {
      openBrackets.pop();
    }
  }
  return undefined;
}

/** Whether an object node ends with its own `}`; one cut short by the end of the text ends with its last property. */
function isClosedObject(node: Node, text: string): boolean {
  const end = node.offset + node.length;
  const lastProperty = node.children?.at(-1);
  return text.charCodeAt(end - 1) === 0x7d && (lastProperty ? lastProperty.offset + lastProperty.length < end : node.length >= 2);
}

type Reporter = (severity: IndexProblem['severity'], node: Node, message: string) => void;

function validatePaper(entry: Node, index: number, report: Reporter): Paper | undefined {
  const label = `Paper ${index + 1}`;
  if (entry.type !== 'object') {
    report('error', entry, `${label}: expected an object, found ${entry.type}; skipped.`);
    return undefined;
  }
  const title = cleanText(propertyNode(entry, 'title')?.value);
  if (!title) {
    report('error', entry, `${label}: missing or empty "title"; skipped.`);
    return undefined;
  }
  const labelled = `${label} ("${truncate(title, 60)}")`;

  const optionalString = (field: string): string | undefined => {
    const node = propertyNode(entry, field);
    if (!node || node.type === 'null') return undefined;
    if (node.type !== 'string') {
      report('warning', node, `${labelled}: "${field}" should be a string; ignored.`);
      return undefined;
    }
    return cleanText(node.value) || undefined;
  };

  const abstractNode = propertyNode(entry, 'abstract');
  let abstract = '';
  if (!abstractNode) report('warning', entry, `${labelled}: missing "abstract".`);
  else abstract = optionalString('abstract') ?? '';

  // The schema allows only https links; any other scheme (javascript:, command:, file:, …) must not reach a .bib or a link.
  const httpsLink = (url: string | undefined): string | undefined => {
    if (url === undefined || isHttpsLink(url)) return url;
    report('warning', propertyNode(entry, 'url') ?? entry, `${labelled}: "url" should be an https:// link; ignored.`);
    return undefined;
  };

  const categoryNode = propertyNode(entry, 'arxivCategory');
  let arxivCategory = optionalString('arxivCategory');
  if (categoryNode && arxivCategory !== undefined && !isArxivCategory(arxivCategory)) {
    report('warning', categoryNode, `${labelled}: "arxivCategory" should be an arXiv category such as "cs.LG"; ignored.`);
    arxivCategory = undefined;
  }

  // A title of only non-Latin script has an empty slug; its position still gives a stable id within the file.
  const id = optionalString('id') ?? (slugify(title) || `paper-${index + 1}`);

  let authors: string[] | undefined;
  const authorsNode = propertyNode(entry, 'authors');
  if (authorsNode && authorsNode.type !== 'null') {
    const value: unknown = getNodeValue(authorsNode);
    if (Array.isArray(value) && value.every((author) => typeof author === 'string')) {
      authors = value.map(cleanText).filter((author) => author !== '');
    } else {
      report('warning', authorsNode, `${labelled}: "authors" should be an array of strings; ignored.`);
    }
  }

  // A key BibTeX can read: no blanks, commas, braces, quotes, `#`, `%` or `=`.
  let key = optionalString('key');
  if (key !== undefined && !/^[^\s,{}()"#%=\\]+$/.test(key)) {
    report('warning', propertyNode(entry, 'key') ?? entry, `${labelled}: "key" is not a citation key BibTeX can read; a key is made for it.`);
    key = undefined;
  }

  let year: number | undefined;
  const yearNode = propertyNode(entry, 'year');
  if (yearNode && yearNode.type !== 'null') {
    if (Number.isInteger(yearNode.value) && yearNode.value >= 1000 && yearNode.value <= 9999) year = yearNode.value;
    else report('warning', yearNode, `${labelled}: "year" should be a four-digit integer; ignored.`);
  }

  return withoutUndefined({
    id,
    title,
    abstract,
    authors: authors && authors.length > 0 ? authors : undefined,
    year,
    arxivId: optionalString('arxivId'),
    arxivCategory,
    doi: optionalString('doi'),
    url: httpsLink(optionalString('url')),
    venue: optionalString('venue'),
    key,
  });
}

function propertyNode(object: Node, name: string): Node | undefined {
  for (const property of object.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key?.value === name) return value;
  }
  return undefined;
}

/**
 * Runs of whitespace and control characters, except a lone space: that needs no replacing and is most of them,
 * and replacing each one made a 10 MB abstract take seconds.
 */
// eslint-disable-next-line no-control-regex
const WHITESPACE_TO_COLLAPSE = /[\s\u0000-\u001f\u007f]{2,}|[^\S ]|[\u0000-\u001f\u007f]/g;

/** Collapses whitespace (including CR/LF and control characters) so titles render on one line. */
export function cleanText(value: unknown): string {
  return typeof value === 'string' ? value.replace(WHITESPACE_TO_COLLAPSE, ' ').trim() : '';
}

/**
 * An arXiv category as arXiv writes them: an archive (`cs`, `hep-th`, `q-bio`), then for most archives a
 * subject class (`cs.LG`, `math.CO`, `cond-mat.stat-mech`). Nothing else may reach a .bib's `primaryClass`.
 */
export function isArxivCategory(category: string): boolean {
  return /^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$/.test(category);
}

/** The only links an index may give: `https://` and something after it, no blanks. */
export function isHttpsLink(url: string): boolean {
  return /^https:\/\/\S+$/.test(url);
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

/** "ValueExpected" → "value expected". */
export function describeParseError(error: ParseError | undefined): string {
  if (!error) return 'the file could not be parsed';
  return printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The offset at which each line starts, for `positionAt`. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) starts.push(i + 1);
  }
  return starts;
}

/** The 1-based line and column of an offset, by binary search over `computeLineStarts`. */
export function positionAt(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low] + 1 };
}

/**
 * Formats a problem the way compilers do, so terminals and the Output channel make it clickable. Always one line: a
 * message can quote the file (JSON.parse quotes the bad line of a JSON Lines file, CR and control characters too).
 */
export function formatProblem(problem: IndexProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.severity}: ${cleanText(problem.message)}`;
}
