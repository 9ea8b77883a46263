/**
 * arXiv's API (https://info.arxiv.org/help/api/user-manual.html): `GET /api/query?id_list=<id>` answers an Atom
 * feed with one `<entry>` per paper, or one entry titled "Error" whose summary says what was wrong. Parsed with
 * fast-xml-parser after a validation pass; a document type declaration is refused (arXiv sends none, and its
 * entities are how XML bombs work). Pure.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Paper } from '../papers/paper';
import { OnlineError } from './http';
import { cleanAbstract, cleanAuthors, cleanTitle, DOI_PATTERN, isRecord, onlinePaperId, optional, yearOf } from './responseFields';

export const ARXIV_SERVICE = 'arXiv';

export function arxivQueryUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/query?id_list=${encodeURIComponent(id)}&max_results=1`;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  isArray: (name) => ['entry', 'author', 'link', 'category'].includes(name),
});

/** The papers of an arXiv Atom feed; an `OnlineError` for a malformed feed or arXiv's error entry. */
export function parseArxivFeed(xml: string): Paper[] {
  if (/<!DOCTYPE/i.test(xml)) throw new OnlineError('invalid response', 'arXiv sent XML with a document type declaration; not read.');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new OnlineError('invalid response', `arXiv sent malformed XML (line ${valid.err.line}: ${valid.err.msg}).`);
  const document: unknown = parser.parse(xml);
  const feed = isRecord(document) ? document.feed : undefined;
  if (!isRecord(feed)) throw new OnlineError('invalid response', 'arXiv sent XML that is not an Atom feed.');
  const entries = Array.isArray(feed.entry) ? feed.entry.filter(isRecord) : [];
  const error = entries.find((entry) => /\/api\/errors/.test(text(entry.id)));
  if (error) throw new OnlineError('invalid response', `arXiv: ${cleanTitle(text(error.summary)) || 'error'}.`);
  return entries.flatMap((entry) => {
    const paper = entryToPaper(entry);
    return paper ? [paper] : [];
  });
}

function entryToPaper(entry: Record<string, unknown>): Paper | undefined {
  // <id>http://arxiv.org/abs/hep-ex/0307015v1</id>: the id after /abs/, without its version.
  const arxivId = /arxiv\.org\/abs\/(.+?)(v\d+)?$/.exec(text(entry.id).trim())?.[1];
  const title = cleanTitle(text(entry.title));
  if (!arxivId || !title) return undefined;
  const authors = cleanAuthors((Array.isArray(entry.author) ? entry.author : []).map((author) => (isRecord(author) ? text(author.name) : '')));
  const category = isRecord(entry.primary_category) ? String(entry.primary_category['@_term'] ?? '') : '';
  const doi = text(entry.doi).trim();
  const journal = cleanTitle(text(entry.journal_ref));
  return {
    id: onlinePaperId('arxiv', arxivId),
    title,
    abstract: cleanAbstract(text(entry.summary)),
    ...(authors.length > 0 ? { authors } : {}),
    ...optional('year', yearOf(text(entry.published))),
    arxivId,
    ...(/^[a-z-]+(\.[A-Za-z-]+)?$/.test(category) ? { arxivCategory: category } : {}),
    ...(DOI_PATTERN.test(doi) ? { doi } : {}),
    url: `https://arxiv.org/abs/${arxivId}`,
    ...(journal ? { venue: journal } : {}),
  };
}

/** An element's text: a string, or the `#text` of an element that has attributes. */
function text(node: unknown): string {
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (isRecord(node) && (typeof node['#text'] === 'string' || typeof node['#text'] === 'number')) return String(node['#text']);
  return '';
}
