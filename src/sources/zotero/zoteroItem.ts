/**
 * One Zotero item (./zoteroDatabase.ts) as a paper: the fields the catalog shows, the user's citation key, and the BibTeX
 * entry written as Better BibTeX writes it. Pure: no `vscode` import.
 *
 * The mapping follows Better BibTeX's BibTeX export (retorquere/zotero-better-bibtex, translators/bibtex/bibtex.ts):
 * item types by its `typeMap.zotero` table (journalArticle → article, conferencePaper → inproceedings, bookSection →
 * incollection, or inbook with a book author, thesis → phdthesis or mastersthesis by its type, report → techreport,
 * preprint and web page → misc, …); the item type's primary creators are the `author`s, editors and series editors the
 * `editor`s; `publisher` is `school` for a thesis and `institution` for a report; `number` is the number, issue or
 * series number; the date gives `year` and a bare `month`. Text is escaped by our own BibTeX writer
 * (src/bibtex/entryWriter.ts), so the entries compile where ours do; a title's rich-text markup (`<i>`, `<b>`, `<sub>`,
 * `<sup>`, `<span class="nocase">`, small caps) becomes the LaTeX it stands for, and plain text in the catalog.
 */
import { fieldText, titleText, verbatimValue } from '../../bibtex/entryWriter';
import type { Paper } from '../../papers/paper';
import { isHttpsLink } from '../parseIndex';
import type { ZoteroCreator, ZoteroItem, ZoteroLibrary } from './zoteroDatabase';

/** Better BibTeX's `typeMap.zotero`: Zotero item type → BibTeX entry type; `misc` for the rest. */
const ENTRY_TYPES: Readonly<Record<string, string>> = {
  book: 'book',
  bookSection: 'incollection',
  conferencePaper: 'inproceedings',
  encyclopediaArticle: 'article',
  journalArticle: 'article',
  magazineArticle: 'article',
  manuscript: 'unpublished',
  newspaperArticle: 'article',
  patent: 'patent',
  report: 'techreport',
  thesis: 'phdthesis',
};

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A date as Zotero stores it: `YYYY-MM-DD original text`, `00` for an unknown part, `0000-00-00` for none. */
export function parseZoteroDate(stored: string | undefined): { year?: number; month?: number } {
  if (!stored) return {};
  const multipart = /^(\d{4})-(\d{2})-(\d{2})(?:\s|$)/.exec(stored);
  if (multipart) {
    const year = Number(multipart[1]);
    const month = Number(multipart[2]);
    return { ...(year > 0 ? { year } : {}), ...(month >= 1 && month <= 12 ? { month } : {}) };
  }
  // A value saved while the field was plain text: its year, if it has one.
  const year = /\b(\d{4})\b/.exec(stored);
  return year ? { year: Number(year[1]) } : {};
}

/** The `Name: value` lines of an item's Extra field, by lower-cased name (the first of each). */
export function extraFields(extra: string | undefined): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of (extra ?? '').split(/\r?\n/)) {
    const match = /^\s*([A-Za-z][\w -]*?)\s*:\s*(\S.*?)\s*$/.exec(line);
    if (match && !found.has(match[1].toLowerCase())) found.set(match[1].toLowerCase(), match[2]);
  }
  return found;
}

/** Rich-text tags Zotero allows in titles and the LaTeX each stands for. */
const MARKUP: readonly { readonly open: RegExp; readonly tag: string; readonly latex: string }[] = [
  { open: /^<i>$/i, tag: 'i', latex: '\\emph{' },
  { open: /^<b>$/i, tag: 'b', latex: '\\textbf{' },
  { open: /^<sub>$/i, tag: 'sub', latex: '\\textsubscript{' },
  { open: /^<sup>$/i, tag: 'sup', latex: '\\textsuperscript{' },
  { open: /^<sc>$/i, tag: 'sc', latex: '\\textsc{' },
  { open: /^<span\s+class\s*=\s*"nocase"\s*>$/i, tag: 'span', latex: '{' },
  { open: /^<span\s+style\s*=\s*"font-variant:\s*small-caps;?"\s*>$/i, tag: 'span', latex: '\\textsc{' },
];
/** Private-use characters that stand for markup while the title goes through the writer, which keeps them as they are. */
const OPEN_MARK = 0xe000;
const CLOSE_MARK = '\ue0ff';
const TAG = /<\/?(?:i|b|sub|sup|sc|span)(?:\s[^<>]*)?>/gi;

/** A title's text without markup, and with each piece of markup as a private-use mark (see `markedTitleToLatex`). */
export function readRichTitle(title: string): { text: string; marked: string } {
  let text = '';
  let marked = '';
  const open: string[] = [];
  let last = 0;
  for (const match of title.matchAll(TAG)) {
    const between = title.slice(last, match.index).replace(/[\ue000-\ue0ff]/g, '');
    text += between;
    marked += between;
    last = match.index + match[0].length;
    const tag = /^<\/?([a-z]+)/i.exec(match[0])![1].toLowerCase();
    if (match[0].startsWith('</')) {
      // A close tag closes the innermost open one of its kind; stray ones are dropped.
      const at = open.lastIndexOf(tag);
      if (at < 0) continue;
      marked += CLOSE_MARK.repeat(open.length - at);
      // Tags opened inside it and left open are closed with it.
      open.length = at;
      continue;
    }
    const kind = MARKUP.findIndex((markup) => markup.open.test(match[0]));
    // Unknown markup (`<span>` without a known class) still nests, as plain grouping.
    marked += String.fromCharCode(OPEN_MARK + (kind < 0 ? MARKUP.length : kind));
    open.push(tag);
  }
  const rest = title.slice(last).replace(/[\ue000-\ue0ff]/g, '');
  return { text: text + rest, marked: marked + rest + CLOSE_MARK.repeat(open.length) };
}

/** The writer's output for a marked title with each mark replaced by its LaTeX. */
function markedTitleToLatex(written: string): string {
  return written.replace(/[\ue000-\ue0ff]/g, (mark) => (mark === CLOSE_MARK ? '}' : (MARKUP[mark.charCodeAt(0) - OPEN_MARK]?.latex ?? '{')));
}

/** An arXiv identifier, new style (`2101.00001v2`) or old (`hep-th/9901001`). */
const ARXIV_ID = /(\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[A-Z]{2})?\/\d{7}(?:v\d+)?)/;

function arxivIdOf(item: ZoteroItem, extra: ReadonlyMap<string, string>): string | undefined {
  const candidates = [
    /^arxiv:\s*/i.test(item.fields.get('archiveID') ?? '') ? item.fields.get('archiveID') : undefined,
    extra.get('arxiv'),
    /arxiv\.org\/(?:abs|pdf)\//i.test(item.fields.get('url') ?? '') ? item.fields.get('url') : undefined,
    /^10\.48550\/arxiv\./i.test(item.fields.get('DOI') ?? '') ? item.fields.get('DOI') : undefined,
  ];
  for (const candidate of candidates) {
    const match = candidate && ARXIV_ID.exec(candidate);
    if (match) return match[1];
  }
  return undefined;
}

/** Characters a BibTeX key cannot hold. */
const UNUSABLE_KEY = /[\s,{}()"#%'=\\~]/;

/**
 * The user's citation key, in this order: Zotero's own citation-key field (the newest schemas give it to every item
 * type, and Better BibTeX now keeps its keys there), a `Citation Key:` line in Extra (where Better BibTeX pins keys on
 * older schemas), then the key Better BibTeX stored in its database. Keys BibTeX cannot read are reported and not used.
 */
function citationKeyOf(item: ZoteroItem, extra: ReadonlyMap<string, string>, warnings: string[]): string | undefined {
  for (const key of [item.fields.get('citationKey'), extra.get('citation key'), item.betterBibtexKey]) {
    const trimmed = key?.trim();
    if (!trimmed) continue;
    if (!UNUSABLE_KEY.test(trimmed)) return trimmed;
    warnings.push(`The citation key "${trimmed}" of item ${item.itemKey} has characters BibTeX cannot read in a key; a key is made for it instead.`);
    return undefined;
  }
  return undefined;
}

/** A creator as the catalog shows names: "Given Family", or the single-field name as it is. */
function displayName(creator: ZoteroCreator): string {
  return (creator.singleField ? creator.lastName : `${creator.firstName} ${creator.lastName}`).replace(/\s+/g, ' ').trim();
}

/** A creator for a BibTeX name list: "Family, Given", a single-field name braced whole so BibTeX never splits it. */
async function bibtexName(creator: ZoteroCreator): Promise<string> {
  const last = await fieldText(creator.lastName, 'latex', { '=': '{=}' });
  if (creator.singleField || creator.firstName.trim() === '') return `{${last}}`;
  const first = await fieldText(creator.firstName, 'latex', { '=': '{=}' });
  // "and" between blanks would split the name; a comma in the family name would end it.
  const family = /(?:^|\s)and(?:\s|$)|,/i.test(last) ? `{${last}}` : last;
  return `${family}, ${/(?:^|\s)and(?:\s|$)/i.test(first) ? `{${first}}` : first}`;
}

async function nameList(creators: readonly ZoteroCreator[]): Promise<string | undefined> {
  const named = creators.filter((creator) => creator.lastName.trim() !== '');
  return named.length === 0 ? undefined : (await Promise.all(named.map(bibtexName))).join(' and ');
}

/** The BibTeX entry type, refined as Better BibTeX refines it. */
function entryTypeOf(item: ZoteroItem): string {
  const type = item.fields.get('type') ?? '';
  if (item.itemType === 'thesis') return /master|m\.?sc|m\.?a\b/i.test(type) ? 'mastersthesis' : 'phdthesis';
  if (item.itemType === 'report' && /manual/i.test(type)) return 'manual';
  if (item.itemType === 'bookSection' && item.creators.some((creator) => creator.role === 'bookAuthor')) return 'inbook';
  return ENTRY_TYPES[item.itemType] ?? 'misc';
}

/** The field a publisher goes in, by item type. */
function publisherField(item: ZoteroItem): string {
  if (item.itemType === 'thesis') return 'school';
  if (item.itemType === 'report') return 'institution';
  if (item.itemType === 'computerProgram') return 'howpublished';
  return 'publisher';
}

/** `item` as a BibTeX entry under `key`, LaTeX-encoded; `arxivId` and `doi` as the paper has them. */
export async function zoteroBibtexEntry(item: ZoteroItem, key: string, title: string, arxivId: string | undefined, doi: string | undefined): Promise<string> {
  const fields = item.fields;
  const type = entryTypeOf(item);
  const text = async (value: string | undefined): Promise<string | undefined> => (value?.trim() ? fieldText(value, 'latex') : undefined);
  /** A range (`436-444`, `5998–6008`) with BibTeX's en dash between its ends. */
  const range = async (value: string | undefined): Promise<string | undefined> =>
    value?.trim() ? (await Promise.all(value.trim().split(/\s*[-–]+\s*/).map((part) => fieldText(part, 'latex')))).join('--') : undefined;
  const primary = item.creators.filter((creator) => creator.primary);
  const editors = item.creators.filter((creator) => creator.role === 'editor' || creator.role === 'seriesEditor');
  const { year, month } = parseZoteroDate(fields.get('date'));
  const containerField = item.itemType === 'conferencePaper' || item.itemType === 'bookSection' ? 'booktitle' : 'journal';
  const container = fields.get('publicationTitle') ?? (item.itemType === 'conferencePaper' ? fields.get('conferenceName') : undefined);
  const number = fields.get('number') ?? fields.get('issue') ?? fields.get('seriesNumber');
  const bookLike = ['book', 'inbook', 'incollection', 'proceedings', 'inproceedings'].includes(type);
  const { marked } = readRichTitle(title);
  const thesisTyped = item.itemType === 'thesis' && /master|m\.?sc|m\.?a\b|ph\.?d|doctor/i.test(fields.get('type') ?? '');
  const entries: [string, string | undefined][] = [
    ['author', await nameList(primary.length > 0 ? primary : item.creators.filter((creator) => creator.role === 'author'))],
    ['editor', await nameList(editors)],
    ['title', marked.trim() ? markedTitleToLatex(await titleText(marked, fields.get('abstractNote') ?? '', 'latex')) : undefined],
    [containerField, await text(container)],
    [publisherField(item), await text(fields.get('publisher'))],
    ['address', await text(fields.get('place'))],
    ['edition', await text(fields.get('edition'))],
    ['series', await text(fields.get('series'))],
    ['volume', await range(fields.get('volume'))],
    // Not for book-like entries that have a volume (Better BibTeX #1475); not an arXiv id, which goes in `eprint`.
    ['number', (bookLike && fields.get('volume')) || (number && arxivId && number.includes(arxivId)) ? undefined : await text(number)],
    ['pages', await range(fields.get('pages'))],
    ['chapter', await text(fields.get('section'))],
    ['type', thesisTyped ? undefined : await text(fields.get('type'))],
    ['year', year !== undefined ? String(year) : undefined],
    ['isbn', await text(fields.get('ISBN'))],
    ['issn', await text(fields.get('ISSN'))],
    ['doi', doi ? verbatimValue(doi) : undefined],
    ['url', fields.get('url')?.trim() ? verbatimValue(fields.get('url')!) : undefined],
    ['eprint', arxivId ? verbatimValue(arxivId) : undefined],
    ['archivePrefix', arxivId ? 'arXiv' : undefined],
    ['urldate', fields.get('accessDate')?.replace(/\s*T?\d+:\d+:\d+.*/, '') || undefined],
    // No `abstract`: the catalog shows it, no style prints it, and escaping it was most of the time a library took to load.
  ];
  const lines = entries.filter(([, value]) => value).map(([name, value]) => `  ${name} = {${withMinusSigns(value!)}}`);
  // A bare month macro, which every style and biblatex define.
  if (month !== undefined) lines.splice(lines.findIndex((line) => line.startsWith('  year =')) + 1, 0, `  month = ${MONTHS[month - 1]}`);
  return `@${type}{${key},\n${lines.join(',\n')}\n}`;
}

/**
 * The minus sign (U+2212, common in Zotero titles from chemistry and physics: `La<sub>2−x</sub>`), which the writer
 * keeps as it is and pdflatex rejects, as a LaTeX minus that works in text and in math.
 */
function withMinusSigns(value: string): string {
  return value.replace(/\u2212/g, '{\\ensuremath{-}}');
}

/** Where a paper from a Zotero library links back to: `zotero://select/…` opens it in Zotero. */
export function zoteroSelectLink(library: ZoteroLibrary, itemKey: string): string {
  return library.groupID === undefined ? `zotero://select/library/items/${itemKey}` : `zotero://select/groups/${library.groupID}/items/${itemKey}`;
}

/**
 * The item as a paper; undefined, with a warning, for one without a title. `warnings` collects what the user should
 * know about the item.
 */
export async function zoteroPaper(item: ZoteroItem, library: ZoteroLibrary, warnings: string[]): Promise<Paper | undefined> {
  const { text: title } = readRichTitle(item.fields.get('title') ?? '');
  if (title.trim() === '') {
    warnings.push(`Item ${item.itemKey} in ${library.name} (${item.itemType}) has no title; not loaded.`);
    return undefined;
  }
  const extra = extraFields(item.fields.get('extra'));
  const ownKey = citationKeyOf(item, extra, warnings);
  const arxivId = arxivIdOf(item, extra);
  // The DOI field where the schema has one for the type; Extra's `DOI:` line for the types that had none.
  const doi = (item.fields.get('DOI') ?? extra.get('doi'))?.replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '').trim() || undefined;
  const { year } = parseZoteroDate(item.fields.get('date'));
  const primary = item.creators.filter((creator) => creator.primary);
  const authors = (primary.length > 0 ? primary : item.creators).map(displayName).filter((name) => name !== '');
  const url = item.fields.get('url')?.trim();
  const venue = item.fields.get('publicationTitle') ?? item.fields.get('conferenceName');
  const id = `zotero-${library.groupID === undefined ? '' : `g${library.groupID}-`}${item.itemKey}`;
  // Made with a placeholder key: the catalog decides the key, and copies of the entry are written under it.
  const bibtex = await zoteroBibtexEntry(item, ownKey ?? id, item.fields.get('title') ?? '', arxivId, doi);
  return {
    id,
    title: title.replace(/\s+/g, ' ').trim(),
    abstract: item.fields.get('abstractNote') ?? '',
    ...(authors.length > 0 ? { authors } : {}),
    ...(year !== undefined ? { year } : {}),
    ...(arxivId ? { arxivId } : {}),
    ...(doi ? { doi } : {}),
    ...(url && isHttpsLink(url) ? { url } : {}),
    ...(venue?.trim() ? { venue: venue.trim() } : {}),
    ...(ownKey ? { key: ownKey } : {}),
    bibtex,
    ...(item.collections.length > 0 ? { collections: item.collections } : {}),
    ...(item.pdfFiles.length > 0 ? { pdfFile: item.pdfFiles[0] } : {}),
    zoteroLink: zoteroSelectLink(library, item.itemKey),
  };
}
