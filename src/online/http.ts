/**
 * A polite HTTP client for the public services we read (arXiv, Crossref, DataCite, Hugging Face): one request at
 * a time per service, a User-Agent that names the extension, a timeout over the whole exchange, retries with
 * backoff on 429 and 503 that honour `Retry-After`, bodies read as a stream and refused past a size cap, and
 * answers cached with the time they were fetched. `fetch`, the clock and the cache are injected, so tests run it
 * against a local server with a fake clock. Pure: no `vscode` import.
 */

/** Why a request failed, for the one-line message the user sees. */
export type OnlineFailure = 'not found' | 'offline' | 'timeout' | 'too large' | 'rate limited' | 'server error' | 'invalid response';

export class OnlineError extends Error {
  constructor(
    readonly failure: OnlineFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A response body as fetched, with the time (ms since the epoch) it was fetched. */
export interface CachedResponse {
  readonly url: string;
  readonly fetchedAt: number;
  readonly body: string;
}

export interface ResponseCache {
  get(url: string): Promise<CachedResponse | undefined>;
  put(response: CachedResponse): Promise<void>;
}

export interface HttpOptions {
  readonly fetch: typeof globalThis.fetch;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Waits between retries. */
  readonly sleep: (ms: number) => Promise<void>;
  /** `paper-lookup-vscode/0.1.0 (+https://github.com/…)`: who is asking, as the services' etiquette asks. */
  readonly userAgent: string;
  readonly timeoutMs?: number;
  /** Bodies bigger than this are refused while they stream in. */
  readonly maxBytes?: number;
  /** Retries after a 429 or 503 before giving up. */
  readonly maxRetries?: number;
  /** The longest `Retry-After` we wait for; a longer one fails the request at once with its time in the message. */
  readonly maxRetryWaitMs?: number;
  readonly cache?: ResponseCache;
}

export interface GetOptions {
  /** The service the URL belongs to: requests to one service wait for each other. */
  readonly service: string;
  readonly accept: string;
  /** A cached answer younger than this is used without asking the service. */
  readonly maxAgeMs: number;
}

export interface TextResponse {
  readonly body: string;
  readonly fetchedAt: number;
  /** True when the answer came from the cache (fresh, or stale because the service could not be reached). */
  readonly fromCache: boolean;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_MAX_RETRY_WAIT_MS = 30_000;
const BACKOFF_BASE_MS = 1000;

export class PoliteHttp {
  /** Per service, the request in flight (settled or not): the next one starts after it. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: HttpOptions) {}

  /** The body of a 200 response to GET `url`; rejects with an `OnlineError`. */
  getText(url: string, get: GetOptions): Promise<TextResponse> {
    const previous = this.queues.get(get.service) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(() => this.cachedOrFetched(url, get));
    this.queues.set(get.service, result.catch(() => undefined));
    return result;
  }

  private async cachedOrFetched(url: string, get: GetOptions): Promise<TextResponse> {
    const { cache, now } = this.options;
    const cached = await cache?.get(url).catch(() => undefined);
    if (cached && now() - cached.fetchedAt < get.maxAgeMs) return { body: cached.body, fetchedAt: cached.fetchedAt, fromCache: true };
    try {
      const body = await this.fetchWithRetries(url, get.accept);
      const fetchedAt = now();
      await cache?.put({ url, fetchedAt, body }).catch(() => undefined);
      return { body, fetchedAt, fromCache: false };
    } catch (error) {
      // Unreachable: an older answer is better than none, and says how old it is.
      if (cached && error instanceof OnlineError && (error.failure === 'offline' || error.failure === 'timeout')) {
        return { body: cached.body, fetchedAt: cached.fetchedAt, fromCache: true };
      }
      throw error;
    }
  }

  private async fetchWithRetries(url: string, accept: string): Promise<string> {
    const maxRetries = this.options.maxRetries ?? DEFAULT_MAX_RETRIES;
    const maxWait = this.options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
    const host = new URL(url).host;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.fetchOnce(url, accept);
      if ('body' in outcome) return outcome.body;
      const wait = outcome.retryAfterMs ?? BACKOFF_BASE_MS * 2 ** attempt;
      if (attempt >= maxRetries || wait > maxWait) {
        const when = outcome.retryAfterMs !== undefined ? ` (it asks to wait ${Math.ceil(outcome.retryAfterMs / 1000)} s)` : '';
        throw new OnlineError('rate limited', `${host} is busy or limiting requests (HTTP ${outcome.status})${when}; try again later.`);
      }
      await this.options.sleep(wait);
    }
  }

  /** One exchange: the body, or a status worth retrying (429, 503) with the wait the server asked for. */
  private async fetchOnce(url: string, accept: string): Promise<{ body: string } | { status: number; retryAfterMs?: number }> {
    const host = new URL(url).host;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await this.options.fetch(url, {
        headers: { 'User-Agent': this.options.userAgent, Accept: accept },
        signal: controller.signal,
        redirect: 'follow',
      });
      if (response.status === 429 || response.status === 503) {
        await response.body?.cancel().catch(() => undefined);
        return { status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.options.now()) };
      }
      if (response.status === 404 || response.status === 410) {
        await response.body?.cancel().catch(() => undefined);
        throw new OnlineError('not found', `${host} has no such record (HTTP ${response.status}).`);
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new OnlineError('server error', `${host} answered HTTP ${response.status}.`);
      }
      return { body: await readCapped(response, this.options.maxBytes ?? DEFAULT_MAX_BYTES, host) };
    } catch (error) {
      if (error instanceof OnlineError) throw error;
      if (timedOut) throw new OnlineError('timeout', `${host} did not answer within ${timeoutMs / 1000} s.`);
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new OnlineError('offline', `cannot reach ${host}${cause ? ` (${cause})` : ''}: are you offline?`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The body as UTF-8 text, read chunk by chunk and abandoned as soon as it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, host: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  const tooLarge = (): OnlineError => new OnlineError('too large', `${host} sent more than ${Math.round(maxBytes / (1024 * 1024))} MB; not read.`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder('utf-8').decode(body);
}

/** `Retry-After` in milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if neither. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
