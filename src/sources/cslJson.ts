/**
 * CSL JSON files as index files: an array of CSL items, as Zotero's and Better BibTeX's "CSL JSON" exports write them
 * and as pandoc reads bibliographies (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html). Pure: no
 * `vscode` import. Our own JSON index is an object (`{ "version": 1, … }`), so a JSON file whose top level is an array
 * is read here (`jsonFormat`).
 *
 * The citation key is the item's `citation-key` (CSL 1.0.2, Better BibTeX), else a `Citation Key:` line in its `note`,
 * else its `id` when that is a key (pandoc's and Better BibTeX's ids are; Zotero's own export writes item URIs or
 * numbers, which are not). Titles may carry CSL's rich-text markup (`<i>`, `<sup>`, `<span class="nocase">`), shown as text.
 */
import { parse, type ParseError } from 'jsonc-parser';
import type { Paper } from '../papers/paper';
import { slugify } from '../papers/slug';
import { cleanText, computeLineStarts, describeParseError, isHttpsLink, parseIndexText, positionAt, type IndexProblem, type ParsedIndex } from './parseIndex';
import { wholeText, type SourceFormat } from './sourceFormat';
import { extraFields, readRichTitle } from './zotero/zoteroItem';

/**
 * JSON files: a top-level array is CSL JSON, anything else our own index format (src/sources/parseIndex.ts). It claims
 * every file no other format claims (see ./formats.ts), so it stays last there.
 */
export const jsonFormat: SourceFormat = {
  name: 'Paper Lookup JSON index or CSL JSON',
  matches: () => true,
  streamed: false,
  read: async (file) => {
    const text = await wholeText(file);
    return isCslJsonText(text) ? parseCslJsonText(text, file.location) : parseIndexText(text, file.location);
  },
};

/** Whether a JSON file's text is an array at the top level: CSL JSON rather than our own index format. */
export function isCslJsonText(text: string): boolean {
  return /^\uFEFF?\s*\[/.test(text);
}

interface CslName {
  readonly family?: unknown;
  readonly given?: unknown;
  readonly literal?: unknown;
  readonly 'non-dropping-particle'?: unknown;
  readonly 'dropping-particle'?: unknown;
  readonly suffix?: unknown;
}

type CslItem = Readonly<Record<string, unknown>>;

/** A name as the catalog shows names: "Given particle Family, suffix", or the literal. */
function nameOf(name: CslName): string {
  if (typeof name.literal === 'string') return cleanText(name.literal);
  const parts = [name.given, name['dropping-particle'], name['non-dropping-particle'], name.family].map(cleanText).filter(Boolean);
  const suffix = cleanText(name.suffix);
  return parts.join(' ') + (suffix ? `, ${suffix}` : '');
}

/** The year of a CSL date: `date-parts`, else the first four digits of `raw` or `literal`. */
function yearOf(date: unknown): number | undefined {
  if (typeof date !== 'object' || date === null) return undefined;
  const parts = (date as { 'date-parts'?: unknown })['date-parts'];
  const first = Array.isArray(parts) && Array.isArray(parts[0]) ? Number(parts[0][0]) : NaN;
  if (Number.isInteger(first) && first > 0) return first;
  const text = [(date as { raw?: unknown }).raw, (date as { literal?: unknown }).literal].find((value) => typeof value === 'string') as string | undefined;
  const year = text && /\b(\d{4})\b/.exec(text);
  return year ? Number(year[1]) : undefined;
}

/** Characters a citation key cannot hold (`://` rules out Zotero's item URIs). */
const NOT_A_KEY = /[\s,{}()"#%'=\\~]|:\/\//;

function keyOf(item: CslItem): string | undefined {
  const candidates = [item['citation-key'], extraFields(typeof item.note === 'string' ? item.note : undefined).get('citation key'), item.id];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    const key = candidate.trim();
    // A numeric id is Zotero's item number, not a key.
    if (key !== '' && !NOT_A_KEY.test(key) && !/^\d+$/.test(key)) return key;
  }
  return undefined;
}

const ARXIV_ID = /(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?)/;

function arxivIdOf(item: CslItem): string | undefined {
  const url = typeof item.URL === 'string' ? item.URL : '';
  const doi = typeof item.DOI === 'string' ? item.DOI : '';
  const number = typeof item.number === 'string' && /^arxiv:/i.test(item.number) ? item.number : '';
  for (const candidate of [number, /arxiv\.org\/(?:abs|pdf)\//i.test(url) ? url : '', /^10\.48550\/arxiv\./i.test(doi) ? doi : '']) {
    const match = ARXIV_ID.exec(candidate);
    if (match) return match[1];
  }
  return undefined;
}

/** The text of a CSL JSON file as papers, with a problem for each item that cannot be one and for invalid JSON. */
export function parseCslJsonText(text: string, file: string): ParsedIndex {
  const problems: IndexProblem[] = [];
  const report = (severity: IndexProblem['severity'], line: number, column: number, message: string): void => {
    problems.push({ severity, file, line, column, message });
  };
  let items: unknown;
  try {
    items = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    // Where it goes wrong, as jsonc-parser finds it (V8's message does not always say); it recurses per nesting
    // level, so a file nested too deep for it is reported at its start.
    const syntaxErrors: ParseError[] = [];
    try {
      parse(text, syntaxErrors, { allowTrailingComma: false, disallowComments: true });
    } catch {
      syntaxErrors.length = 0;
    }
    const { line, column } = syntaxErrors[0] ? positionAt(computeLineStarts(text), syntaxErrors[0].offset) : { line: 1, column: 1 };
    report('error', line, column, `Invalid CSL JSON: ${syntaxErrors[0] ? `${describeParseError(syntaxErrors[0])}.` : error instanceof Error ? error.message : String(error)}`);
    return { papers: [], problems };
  }
  if (!Array.isArray(items)) {
    report('error', 1, 1, 'Expected a CSL JSON array of items at the top level.');
    return { papers: [], problems };
  }
  const papers: Paper[] = [];
  const ids = new Set<string>();
  for (const [index, value] of items.entries()) {
    const label = `Item ${index + 1}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      report('warning', 1, 1, `${label} is not a CSL item (an object); skipped.`);
      continue;
    }
    const item = value as CslItem;
    const title = cleanText(readRichTitle(typeof item.title === 'string' ? item.title : '').text);
    if (title === '') {
      report('warning', 1, 1, `${label}${typeof item.id === 'string' || typeof item.id === 'number' ? ` ("${item.id}")` : ''} has no title; skipped.`);
      continue;
    }
    const key = keyOf(item);
    let id = key ?? (typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : slugify(title));
    for (let suffix = 2; ids.has(id); suffix++) id = `${key ?? slugify(title)}-${suffix}`;
    ids.add(id);
    const authors = (Array.isArray(item.author) ? (item.author as unknown[]) : [])
      .filter((name): name is CslName => typeof name === 'object' && name !== null)
      .map(nameOf)
      .filter(Boolean);
    const url = typeof item.URL === 'string' ? item.URL.trim() : undefined;
    if (url && !isHttpsLink(url)) report('warning', 1, 1, `${label} ("${title}"): the URL is not an https:// link; not used.`);
    const doi = cleanText(item.DOI).replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '');
    const venue = cleanText(item['container-title']);
    const year = yearOf(item.issued);
    const arxivId = arxivIdOf(item);
    papers.push({
      id,
      title,
      abstract: typeof item.abstract === 'string' ? item.abstract : '',
      ...(authors.length > 0 ? { authors } : {}),
      ...(year !== undefined ? { year } : {}),
      ...(arxivId ? { arxivId } : {}),
      ...(doi ? { doi } : {}),
      ...(url && isHttpsLink(url) ? { url } : {}),
      ...(venue ? { venue } : {}),
      ...(key ? { key } : {}),
    });
  }
  return { papers, problems };
}
