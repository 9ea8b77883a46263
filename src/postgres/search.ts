/**
 * Searching the shared catalog (./schema.ts) as the user types. Pure: no `vscode` import; the CLI and the
 * extension (src/ui/postgresSource.ts) both use `PostgresCatalog`.
 *
 * One parameterized statement per keystroke (the query's words are values, never SQL text):
 * 1. full text: every word of the query, each word of 3+ letters and the last one (being typed) as a prefix
 *    (`graph:*`), against the weighted tsvector, ranked by ts_rank (title A > authors B > abstract D);
 * 2. only when that finds fewer papers than asked: trigram word similarity of the folded query to the folded
 *    title or authors (pg_trgm's `<%`, through its GIN indexes), which finds "poiner netwroks".
 * Papers of the first kind come first, as the local engine lists papers with every word first. The words are
 * folded here the way the local engine folds them (src/search/engine/tokens.ts) and stop words dropped; the
 * server folds the text it indexes with `fold` (unaccent), which spells out the same letters.
 *
 * A search started while another is running cancels it (PostgreSQL's cancel request, as libpq sends it), so a
 * fast typist's keystrokes do not queue up on the server; the cancelled search resolves to `undefined`.
 */
import * as net from 'node:net';
import { Client, Query, type ClientConfig } from 'pg';
import { baseCitationKey, DEFAULT_KEY_TEMPLATE } from '../papers/keys';
import { withoutUndefined, type LoadedPaper, type Paper } from '../papers/paper';
import { forEachWord, STOP_WORDS } from '../search/engine/tokens';
import { matchesIn } from '../search/scaledSearch';
import type { SearchHit } from '../search/search';
import { PAPERS_TABLE, SCHEMA } from './schema';

/** A connected client; a failed connect is closed. */
export async function connect(config: ClientConfig): Promise<Client> {
  const client = new Client(config);
  try {
    await client.connect();
  } catch (error) {
    // A failed connect may leave the socket open; `end` closes it, and its own error says nothing new.
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** A word of the query: as typed and folded (for the server and for marking matches). */
export interface QueryWord {
  readonly typed: string;
  readonly term: string;
  readonly prefix: boolean;
}

/** The query's words, folded, stop words dropped (a query of stop words only keeps them). */
export function queryWords(query: string): QueryWord[] {
  const all: { typed: string; term: string }[] = [];
  forEachWord(query, (term, start, end) => all.push({ typed: query.slice(start, end), term }));
  const kept = all.filter((word) => !STOP_WORDS.has(word.term));
  const chosen = kept.length > 0 ? kept : all;
  // The last word is being typed unless a space follows it.
  const typing = !/\s$/.test(query);
  return chosen.map((word, i) => ({ ...word, prefix: word.term.length >= 3 || (typing && i === chosen.length - 1) }));
}

/**
 * The words as tsquery text: `'graph':* & 'neural':*`. Folded words hold only letters, digits and marks, and are
 * quoted besides, so no operator of the tsquery syntax can come from the query.
 */
export function tsQueryText(words: readonly QueryWord[]): string {
  return words.map((word) => `'${word.term.replaceAll("'", "''")}'${word.prefix ? ':*' : ''}`).join(' & ');
}

const PAPER_COLUMNS = 'p.id, p.key, p.title, p.authors, p.year, p.venue, p.doi, p.arxiv_id, p.arxiv_category, p.url, p.abstract, p.bibtex';

/** $1 tsquery text, $2 the query as typed (folded by the server), $3 the limit. */
export const SEARCH_SQL = `WITH q AS (
  SELECT to_tsquery('simple', $1) AS tsq, ${SCHEMA}.fold($2) AS folded
), full_text AS (
  SELECT p.id, ts_rank(p.document, q.tsq) AS rank
  FROM ${PAPERS_TABLE} p, q
  WHERE p.document @@ q.tsq
  ORDER BY rank DESC, p.id
  LIMIT $3
), typo AS (
  SELECT p.id, greatest(word_similarity(q.folded, p.title_folded), word_similarity(q.folded, p.authors_folded)) AS rank
  FROM ${PAPERS_TABLE} p, q
  WHERE (SELECT count(*) FROM full_text) < $3
    AND (q.folded <% p.title_folded OR q.folded <% p.authors_folded)
  ORDER BY rank DESC, p.id
  LIMIT $3
), ranked AS (
  SELECT id, 1 AS tier, rank FROM full_text
  UNION ALL
  SELECT id, 2 AS tier, rank FROM typo WHERE id NOT IN (SELECT id FROM full_text)
)
SELECT ${PAPER_COLUMNS}, r.tier, r.rank
FROM ranked r JOIN ${PAPERS_TABLE} p ON p.id = r.id
ORDER BY r.tier, r.rank DESC, p.id
LIMIT $3`;

const BY_ID_SQL = `SELECT ${PAPER_COLUMNS} FROM ${PAPERS_TABLE} p WHERE p.id = $1`;

/** How close the typo-tolerant part must be (pg_trgm's default, 0.6, misses two typos in a short title). */
const WORD_SIMILARITY_THRESHOLD = 0.45;

interface PaperRow {
  id: string;
  key: string | null;
  title: string;
  authors: string[] | null;
  year: number | null;
  venue: string | null;
  doi: string | null;
  arxiv_id: string | null;
  arxiv_category: string | null;
  url: string | null;
  abstract: string | null;
  bibtex: string | null;
}

interface SearchRow extends PaperRow {
  tier: number;
  rank: number;
}

export interface PostgresCatalogOptions {
  /** The client settings (./connection.ts `clientConfig`). */
  readonly config: ClientConfig;
  /** Shown as the papers' source. */
  readonly name: string;
  /** Keys for papers that have none of their own. */
  readonly keyTemplate?: string;
}

/** A connection to one shared catalog, opened on first use and again after it broke. */
export class PostgresCatalog {
  private client: Promise<Client> | undefined;
  private running: { client: Client; query: Query; cancelled: boolean } | undefined;

  constructor(private readonly options: PostgresCatalogOptions) {}

  get name(): string {
    return this.options.name;
  }

  /**
   * Ranked hits for the query, at most `limit`; `undefined` when a newer search cancelled this one. An empty query
   * (or one without words) asks nothing. Connection and query errors are thrown.
   */
  async search(query: string, limit: number): Promise<SearchHit<LoadedPaper>[] | undefined> {
    const words = queryWords(query);
    if (words.length === 0) return [];
    const client = await this.connection();
    if (this.running) await this.cancel(this.running);
    // NUL is the one character no PostgreSQL text can hold.
    const values = [tsQueryText(words), query.replaceAll('\u0000', ' '), limit];
    let rows: SearchRow[] | undefined;
    try {
      rows = await this.run<SearchRow>(client, SEARCH_SQL, values, 'paper_lookup_search');
    } catch (error) {
      // A cancel request meant for the previous search can arrive after it ended and stop this one: run it again.
      if ((error as { code?: string }).code !== '57014') throw error;
      rows = await this.run<SearchRow>(client, SEARCH_SQL, values, 'paper_lookup_search');
    }
    if (rows === undefined) return undefined;
    return rows.map((row) => this.hit(row, words));
  }

  /** The paper with this id, if the catalog has it. */
  async get(id: string): Promise<LoadedPaper | undefined> {
    if (id.includes('\u0000')) return undefined;
    const rows = await this.run<PaperRow>(await this.connection(), BY_ID_SQL, [id]);
    return rows?.[0] && this.paper(rows[0]);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await (await client?.catch(() => undefined))?.end().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    this.client ??= (async () => {
      const client = await connect(this.options.config);
      // A server that goes away fails the running query; this keeps the 'error' event from ending the process,
      // and the next search connects again.
      client.on('error', () => this.forget(client));
      client.on('end', () => this.forget(client));
      await client.query(`SET pg_trgm.word_similarity_threshold = ${WORD_SIMILARITY_THRESHOLD}`);
      return client;
    })();
    const pending = this.client;
    pending.catch(() => {
      if (this.client === pending) this.client = undefined;
    });
    return pending;
  }

  private forget(client: Client): void {
    void this.client?.then((current) => {
      if (current === client) this.client = undefined;
    }, () => undefined);
  }

  /** The rows, or undefined when cancelled for a newer search. */
  private run<R>(client: Client, text: string, values: unknown[], name?: string): Promise<R[] | undefined> {
    return new Promise<R[] | undefined>((resolve, reject) => {
      const running = {
        client,
        cancelled: false,
        query: new Query({ text, values, ...(name ? { name } : {}) }, (error: Error | undefined, result: { rows: unknown[] }) => {
          if (this.running === running) this.running = undefined;
          if (error) {
            if (running.cancelled && (error as { code?: string }).code === '57014') resolve(undefined);
            else reject(error);
          } else resolve(result.rows as R[]);
        }),
      };
      this.running = running;
      client.query(running.query);
    });
  }

  /** Sends a cancel request for the running query, the way libpq does: a separate connection with the backend's key. */
  private cancel(running: { client: Client; cancelled: boolean }): Promise<void> {
    running.cancelled = true;
    const { processID, secretKey, host, port } = running.client as unknown as { processID: number; secretKey: number; host: string; port: number };
    return new Promise<void>((resolve) => {
      const socket = host.startsWith('/') ? net.connect(`${host}/.s.PGSQL.${port}`) : net.connect(port, host);
      const packet = Buffer.alloc(16);
      packet.writeInt32BE(16, 0);
      packet.writeInt32BE(80877102, 4);
      packet.writeInt32BE(processID, 8);
      packet.writeInt32BE(secretKey, 12);
      socket.once('connect', () => socket.end(packet));
      socket.once('close', () => resolve());
      socket.once('error', () => resolve());
    });
  }

  private paper(row: PaperRow): LoadedPaper {
    const paper: Paper = withoutUndefined({
      id: row.id,
      title: row.title,
      abstract: row.abstract ?? '',
      authors: row.authors && row.authors.length > 0 ? row.authors : undefined,
      year: row.year ?? undefined,
      arxivId: row.arxiv_id ?? undefined,
      arxivCategory: row.arxiv_category ?? undefined,
      doi: row.doi ?? undefined,
      url: row.url ?? undefined,
      venue: row.venue ?? undefined,
      bibtex: row.bibtex ?? undefined,
    });
    return { ...paper, key: row.key ?? baseCitationKey(paper, this.options.keyTemplate ?? DEFAULT_KEY_TEMPLATE), source: this.options.name };
  }

  /**
   * A row as a hit. Typo-tolerant hits count as having every word, as the local engine's one-typo matches do; they
   * rank after the full-text hits.
   */
  private hit(row: SearchRow, words: readonly QueryWord[]): SearchHit<LoadedPaper> {
    const paper = this.paper(row);
    const score = row.tier === 1 ? Math.max(0, 1 - row.rank) : 1 - row.rank / 2;
    return { paper, score, matches: matchesIn(paper, matchedTerms(paper, words)) };
  }
}

/** The paper's terms that a query word matches (a prefix word: the typed part), as `matchesIn` wants them. */
function matchedTerms(paper: Paper, words: readonly QueryWord[]): Map<string, number> {
  const marked = new Map<string, number>();
  const note = (term: string): void => {
    for (const word of words) {
      if (term === word.term) marked.set(term, 0);
      else if (word.prefix && term.startsWith(word.term) && marked.get(term) !== 0) marked.set(term, Math.max(marked.get(term) ?? 0, word.term.length));
    }
  };
  forEachWord(paper.title, note);
  for (const author of paper.authors ?? []) forEachWord(author, note);
  forEachWord(paper.abstract, note);
  return marked;
}
