/**
 * Checks and limits for fields read from a service's response: the response is untrusted input. Text is
 * collapsed to single spaces and cut at a length no real record reaches, lists are capped, years are checked.
 * Pure.
 */
import { OnlineError } from './http';
export { DOI_PATTERN } from './identifier';

const MAX_TITLE_CHARS = 2000;
const MAX_ABSTRACT_CHARS = 100_000;
const MAX_NAME_CHARS = 300;
const MAX_AUTHORS = 1000;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whitespace (line breaks from hard-wrapped Atom text among it) collapsed; at most `maxChars`. */
function cleanText(value: unknown, maxChars: number): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  // eslint-disable-next-line no-control-regex -- control characters are dropped from untrusted text
  const text = String(value).replace(/[\u0000-\u001F\u007F-\u009F]/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

export const cleanTitle = (value: unknown): string => cleanText(value, MAX_TITLE_CHARS);
export const cleanAbstract = (value: unknown): string => cleanText(value, MAX_ABSTRACT_CHARS);
export const cleanName = (value: unknown): string => cleanText(value, MAX_NAME_CHARS);

/** Non-empty author names, at most `MAX_AUTHORS` of them. */
export function cleanAuthors(names: readonly unknown[]): string[] {
  return names.map(cleanName).filter((name) => name !== '').slice(0, MAX_AUTHORS);
}

/** A plausible publication year from a number or the start of a date (`2023-10-30T…`). */
export function yearOf(value: unknown): number | undefined {
  const year = typeof value === 'number' ? value : typeof value === 'string' ? Number(/^\s*(\d{4})/.exec(value)?.[1]) : NaN;
  return Number.isInteger(year) && year >= 1600 && year <= 2200 ? year : undefined;
}

/** The response `text` as JSON; an `OnlineError` naming the service when it is not. */
export function parseJson(text: string, service: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new OnlineError('invalid response', `${service} sent a response that is not JSON.`);
  }
}

/** JATS and HTML markup (`<jats:p>`, `<i>`) dropped from an abstract, entities for `<`, `>` and `&` read. */
export function withoutMarkup(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * The paper id we give a record from a service: `arxiv:2310.19694`, `doi:10.1002/pssc.201200953` (lower case, as
 * DOIs compare). Stable and one per identifier, so looking a paper up again replaces its stored copy.
 */
export function onlinePaperId(kind: 'arxiv' | 'doi', identifier: string): string {
  return `${kind}:${kind === 'doi' ? identifier.toLowerCase() : identifier}`;
}

/** `{ [key]: value }`, or `{}` when the value is absent: optional paper fields stay absent rather than undefined. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: V };
}
