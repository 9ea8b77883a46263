/**
 * Crossref's REST API (https://api.crossref.org/swagger-ui/index.html, field list in
 * https://github.com/CrossRef/rest-api-doc/blob/master/api_format.md): `GET /works/{doi}` answers
 * `{ status: "ok", "message-type": "work", message: { title: [...], author: [...], issued, ... } }`. The `mailto`
 * parameter puts requests in the "polite pool", as Crossref's etiquette asks. Pure.
 */
import type { Paper } from '../papers/paper';
import { OnlineError } from './http';
import { cleanAbstract, cleanAuthors, cleanTitle, DOI_PATTERN, isRecord, onlinePaperId, optional, parseJson, withoutMarkup, yearOf } from './responseFields';

export const CROSSREF_SERVICE = 'Crossref';

export function crossrefWorkUrl(baseUrl: string, doi: string, mailto: string): string {
  const query = mailto ? `?mailto=${encodeURIComponent(mailto)}` : '';
  return `${baseUrl.replace(/\/+$/, '')}/works/${encodeURIComponent(doi)}${query}`;
}

export function parseCrossrefWork(text: string, requestedDoi: string): Paper {
  const response = parseJson(text, CROSSREF_SERVICE);
  const work = isRecord(response) && response['message-type'] === 'work' ? response.message : undefined;
  if (!isRecord(work)) throw new OnlineError('invalid response', 'Crossref sent JSON that is not a work record.');
  const title = cleanTitle(firstString(work.title));
  if (!title) throw new OnlineError('invalid response', `Crossref's record for ${requestedDoi} has no title.`);
  const doi = typeof work.DOI === 'string' && DOI_PATTERN.test(work.DOI) ? work.DOI.toLowerCase() : requestedDoi;
  const authors = cleanAuthors(
    (Array.isArray(work.author) ? work.author : []).map((author) =>
      isRecord(author) ? (typeof author.name === 'string' ? author.name : [author.given, author.family].filter((part) => typeof part === 'string').join(' ')) : '',
    ),
  );
  const subtitle = cleanTitle(firstString(work.subtitle));
  return {
    id: onlinePaperId('doi', doi),
    title: subtitle && !title.includes(subtitle) ? `${title}: ${subtitle}` : title,
    abstract: cleanAbstract(typeof work.abstract === 'string' ? withoutMarkup(work.abstract) : ''),
    ...(authors.length > 0 ? { authors } : {}),
    ...optional('year', yearOf(datePartsYear(work.issued) ?? datePartsYear(work['published-print']) ?? datePartsYear(work['published-online']))),
    doi,
    url: `https://doi.org/${doi}`,
    ...optional('venue', cleanTitle(firstString(work['container-title']))),
  };
}

function firstString(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** `{ "date-parts": [[2013, 2, 7]] }` → 2013. */
function datePartsYear(date: unknown): number | undefined {
  const parts = isRecord(date) && Array.isArray(date['date-parts']) ? date['date-parts'][0] : undefined;
  return Array.isArray(parts) && typeof parts[0] === 'number' ? parts[0] : undefined;
}
