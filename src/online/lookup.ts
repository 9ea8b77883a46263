/**
 * One paper by its identifier, and the day's trending papers, from the services that have them: arXiv for arXiv
 * ids, Crossref for DOIs with DataCite when Crossref has no record, Hugging Face's daily papers for trending.
 * Failures become one line that says what was asked and what went wrong. Pure: the HTTP client is injected.
 */
import type { Paper } from '../papers/paper';
import { ARXIV_SERVICE, arxivQueryUrl, parseArxivFeed } from './arxiv';
import { CROSSREF_SERVICE, crossrefWorkUrl, parseCrossrefWork } from './crossref';
import { DATACITE_SERVICE, dataciteDoiUrl, parseDataciteDoi } from './datacite';
import { dailyPapersUrl, HUGGING_FACE_SERVICE, parseDailyPapers } from './huggingFace';
import { OnlineError, type PoliteHttp } from './http';
import { describeIdentifier, type PaperIdentifier } from './identifier';

export interface OnlineEndpoints {
  /** arXiv's API, `https://export.arxiv.org/api`. */
  readonly arxiv: string;
  /** `https://api.crossref.org`. */
  readonly crossref: string;
  /** `https://api.datacite.org`. */
  readonly datacite: string;
  /** `https://huggingface.co`. */
  readonly huggingFace: string;
  /** The contact address Crossref's etiquette asks for; '' for none. */
  readonly crossrefMailto: string;
}

export const DEFAULT_ENDPOINTS: OnlineEndpoints = {
  arxiv: 'https://export.arxiv.org/api',
  crossref: 'https://api.crossref.org',
  datacite: 'https://api.datacite.org',
  huggingFace: 'https://huggingface.co',
  crossrefMailto: '',
};

/** A paper's record changes rarely: a week-old answer is used as it is. */
const RECORD_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** The daily list changes once a day; an hour-old answer is as good as a new one. */
const TRENDING_MAX_AGE_MS = 60 * 60 * 1000;

export interface LookedUp {
  readonly paper: Paper;
  readonly fetchedAt: number;
  readonly fromCache: boolean;
}

/** The paper the identifier names; rejects with an `OnlineError` whose message is one line naming the identifier. */
export async function lookUpPaper(identifier: PaperIdentifier, http: PoliteHttp, endpoints: OnlineEndpoints): Promise<LookedUp> {
  try {
    return identifier.kind === 'arxiv' ? await lookUpArxiv(identifier.id + (identifier.version ?? ''), http, endpoints) : await lookUpDoi(identifier.doi, http, endpoints);
  } catch (error) {
    if (error instanceof OnlineError) throw new OnlineError(error.failure, `${describeIdentifier(identifier)}: ${error.message}`);
    throw error;
  }
}

async function lookUpArxiv(id: string, http: PoliteHttp, endpoints: OnlineEndpoints): Promise<LookedUp> {
  const response = await http.getText(arxivQueryUrl(endpoints.arxiv, id), { service: ARXIV_SERVICE, accept: 'application/atom+xml', maxAgeMs: RECORD_MAX_AGE_MS });
  const [paper] = parseArxivFeed(response.body);
  if (!paper) throw new OnlineError('not found', 'arXiv has no paper with this id.');
  return { paper, fetchedAt: response.fetchedAt, fromCache: response.fromCache };
}

async function lookUpDoi(doi: string, http: PoliteHttp, endpoints: OnlineEndpoints): Promise<LookedUp> {
  try {
    const response = await http.getText(crossrefWorkUrl(endpoints.crossref, doi, endpoints.crossrefMailto), { service: CROSSREF_SERVICE, accept: 'application/json', maxAgeMs: RECORD_MAX_AGE_MS });
    return { paper: parseCrossrefWork(response.body, doi), fetchedAt: response.fetchedAt, fromCache: response.fromCache };
  } catch (error) {
    if (!(error instanceof OnlineError && error.failure === 'not found')) throw error;
  }
  try {
    const response = await http.getText(dataciteDoiUrl(endpoints.datacite, doi), { service: DATACITE_SERVICE, accept: 'application/vnd.api+json', maxAgeMs: RECORD_MAX_AGE_MS });
    return { paper: parseDataciteDoi(response.body, doi), fetchedAt: response.fetchedAt, fromCache: response.fromCache };
  } catch (error) {
    if (error instanceof OnlineError && error.failure === 'not found') throw new OnlineError('not found', 'neither Crossref nor DataCite has a record of this DOI.');
    throw error;
  }
}

export interface Trending {
  readonly papers: readonly Paper[];
  readonly fetchedAt: number;
  readonly fromCache: boolean;
}

/** Hugging Face's daily papers; rejects with an `OnlineError`. */
export async function fetchTrendingPapers(http: PoliteHttp, endpoints: OnlineEndpoints): Promise<Trending> {
  try {
    const response = await http.getText(dailyPapersUrl(endpoints.huggingFace), { service: HUGGING_FACE_SERVICE, accept: 'application/json', maxAgeMs: TRENDING_MAX_AGE_MS });
    const papers = parseDailyPapers(response.body);
    if (papers.length === 0) throw new OnlineError('invalid response', 'the list of daily papers is empty.');
    return { papers, fetchedAt: response.fetchedAt, fromCache: response.fromCache };
  } catch (error) {
    if (error instanceof OnlineError) throw new OnlineError(error.failure, `Trending papers: ${error.message}`);
    throw error;
  }
}

/** The User-Agent for every request: the extension, its version, and where to read about it. */
export function userAgent(client: string, version: string): string {
  return `paper-lookup-${client}/${version} (+https://github.com/paper-lookup/paper-lookup)`;
}
