/**
 * Hugging Face's daily papers (the JSON behind https://huggingface.co/papers; `GET /api/daily_papers`, read by
 * `huggingface_hub`'s `list_daily_papers`): an array of `{ paper: { id: <arXiv id>, title, summary, authors:
 * [{ name }], publishedAt, upvotes }, title, publishedAt, numComments, ... }`. Pure.
 */
import type { Paper } from '../papers/paper';
import { parseIdentifier } from './identifier';
import { OnlineError } from './http';
import { cleanAbstract, cleanAuthors, cleanTitle, isRecord, onlinePaperId, optional, parseJson, yearOf } from './responseFields';

export const HUGGING_FACE_SERVICE = 'Hugging Face';

/** More than a day's list ever holds: a longer array is cut here. */
const MAX_DAILY_PAPERS = 500;

export function dailyPapersUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/daily_papers`;
}

/** The day's papers that have an arXiv id and a title, in the order given, each once. */
export function parseDailyPapers(text: string): Paper[] {
  const response = parseJson(text, HUGGING_FACE_SERVICE);
  if (!Array.isArray(response)) throw new OnlineError('invalid response', 'Hugging Face sent JSON that is not a list of daily papers.');
  const seen = new Set<string>();
  const papers: Paper[] = [];
  for (const item of response.slice(0, MAX_DAILY_PAPERS)) {
    const paper = isRecord(item) && isRecord(item.paper) ? item.paper : undefined;
    if (!paper || !isRecord(item)) continue;
    const identifier = typeof paper.id === 'string' ? parseIdentifier(paper.id) : undefined;
    const title = cleanTitle(paper.title) || cleanTitle(item.title);
    if (identifier?.kind !== 'arxiv' || !title || seen.has(identifier.id)) continue;
    seen.add(identifier.id);
    const authors = cleanAuthors((Array.isArray(paper.authors) ? paper.authors : []).map((author) => (isRecord(author) ? author.name : '')));
    papers.push({
      id: onlinePaperId('arxiv', identifier.id),
      title,
      abstract: cleanAbstract(paper.summary),
      ...(authors.length > 0 ? { authors } : {}),
      ...optional('year', yearOf(paper.publishedAt)),
      arxivId: identifier.id,
      url: `https://arxiv.org/abs/${identifier.id}`,
    });
  }
  return papers;
}
