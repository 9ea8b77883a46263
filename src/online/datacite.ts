/**
 * DataCite's REST API (https://support.datacite.org/reference/get_dois-id): `GET /dois/{doi}` answers a JSON:API
 * document `{ data: { id, type: "dois", attributes: { titles, creators, publicationYear, descriptions, ... } } }`
 * (metadata schema: https://schema.datacite.org/). The fallback for DOIs Crossref does not know: datasets,
 * software, many preprints and theses. Pure.
 */
import type { Paper } from '../papers/paper';
import { OnlineError } from './http';
import { cleanAbstract, cleanAuthors, cleanTitle, DOI_PATTERN, isRecord, onlinePaperId, optional, parseJson, withoutMarkup, yearOf } from './responseFields';

export const DATACITE_SERVICE = 'DataCite';

export function dataciteDoiUrl(baseUrl: string, doi: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/dois/${encodeURIComponent(doi)}`;
}

export function parseDataciteDoi(text: string, requestedDoi: string): Paper {
  const response = parseJson(text, DATACITE_SERVICE);
  const data = isRecord(response) ? response.data : undefined;
  const attributes = isRecord(data) ? data.attributes : undefined;
  if (!isRecord(attributes)) throw new OnlineError('invalid response', 'DataCite sent JSON that is not a DOI record.');
  const titles = Array.isArray(attributes.titles) ? attributes.titles.filter(isRecord) : [];
  // The main title has no titleType; subtitles and translations have one.
  const title = cleanTitle((titles.find((entry) => entry.titleType === undefined) ?? titles[0])?.title);
  if (!title) throw new OnlineError('invalid response', `DataCite's record for ${requestedDoi} has no title.`);
  const doi = typeof attributes.doi === 'string' && DOI_PATTERN.test(attributes.doi) ? attributes.doi.toLowerCase() : requestedDoi;
  const authors = cleanAuthors(
    (Array.isArray(attributes.creators) ? attributes.creators : []).map((creator) => {
      if (!isRecord(creator)) return '';
      if (typeof creator.givenName === 'string' && typeof creator.familyName === 'string') return `${creator.givenName} ${creator.familyName}`;
      return typeof creator.name === 'string' ? creator.name : '';
    }),
  );
  const descriptions = Array.isArray(attributes.descriptions) ? attributes.descriptions.filter(isRecord) : [];
  const abstract = descriptions.find((entry) => entry.descriptionType === 'Abstract')?.description;
  const container = isRecord(attributes.container) ? attributes.container.title : undefined;
  return {
    id: onlinePaperId('doi', doi),
    title,
    abstract: cleanAbstract(typeof abstract === 'string' ? withoutMarkup(abstract) : ''),
    ...(authors.length > 0 ? { authors } : {}),
    ...optional('year', yearOf(attributes.publicationYear)),
    doi,
    url: `https://doi.org/${doi}`,
    ...optional('venue', cleanTitle(container)),
  };
}
