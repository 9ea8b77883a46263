/**
 * Searching the shared catalog (./schema.ts) as the user types. Pure: no `vscode` import; the CLI and the
 * extension (src/ui/postgresSource.ts) both use `PostgresCatalog`.
 *
 * One parameterized statement per keystroke (the query's words are values, never SQL text):
 * 1. full text: every word of the query, each word of 3+ letters and the last one (being typed) as a prefix
 *    (`graph:*`): papers with every word in their title or names first, ranked by ts_rank (title A > authors B),
 *    then papers with them elsewhere too, ranked on the whole text (abstract D), each among a bounded number of
 *    candidates (`HEADING_CANDIDATES`, `DOCUMENT_CANDIDATES`);
 * 2. only when that finds fewer papers than asked: each word of 4+ letters that no title or name word starts with
 *    is looked up in the vocabulary of title and name words by trigram distance (pg_trgm, a GiST index), and the
 *    search runs again with its three closest words as alternatives: "poiner netwroks" → Pointer Networks. The
 *    papers found so are listed after the others. The words are
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
import { PAPERS_TABLE, WORDS_TABLE } from './schema';

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
export function tsQueryText(words: readonly QueryWord[], corrections: ReadonlyMap<number, readonly string[]> = new Map()): string {
  const lexeme = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  return words
    .map((word, i) => {
      const typed = `${lexeme(word.term)}${word.prefix ? ':*' : ''}`;
      const alternatives = corrections.get(i) ?? [];
      return alternatives.length === 0 ? typed : `(${[typed, ...alternatives.map(lexeme)].join(' | ')})`;
    })
    .join(' & ');
}

const PAPER_COLUMNS = 'p.id, p.key, p.title, p.authors, p.year, p.venue, p.doi, p.arxiv_id, p.arxiv_category, p.url, p.abstract, p.bibtex';

/**
 * How many papers matching in their title or names, and how many matching elsewhere, are ranked. Ranking reads a
 * paper's tsvector; `heading` (title and names) is small and stored in the row, but `document` (with the abstract) is
 * compressed out of line, and reading it for every match of a common word or a one-letter prefix took 300 ms at
 * 20,000 papers. So title and name matches, ranked on `heading`, come first, and only a few papers that match
 * elsewhere are ranked on `document`.
 */
export const HEADING_CANDIDATES = 2000;
export const DOCUMENT_CANDIDATES = 200;

/** $1 tsquery text, $2 the limit. */
export const SEARCH_SQL = `WITH q AS (
  SELECT to_tsquery('simple', $1) AS tsq
), heading_hits AS (
  SELECT c.id, 1 AS tier, ts_rank(c.heading, q.tsq) AS rank
  FROM (SELECT p.id, p.heading FROM ${PAPERS_TABLE} p, q WHERE p.heading @@ q.tsq LIMIT ${HEADING_CANDIDATES}) c, q
  ORDER BY rank DESC, c.id
  LIMIT $2
), document_hits AS (
  SELECT c.id, 2 AS tier, ts_rank(c.document, q.tsq) AS rank
  FROM (SELECT p.id, p.document FROM ${PAPERS_TABLE} p, q WHERE p.document @@ q.tsq AND NOT p.heading @@ q.tsq LIMIT ${DOCUMENT_CANDIDATES}) c, q
  WHERE (SELECT count(*) FROM heading_hits) < $2
  ORDER BY rank DESC, c.id
  LIMIT $2
), ranked AS (
  SELECT * FROM heading_hits UNION ALL SELECT * FROM document_hits
)
SELECT ${PAPER_COLUMNS}, r.rank
FROM ranked r JOIN ${PAPERS_TABLE} p ON p.id = r.id
ORDER BY r.tier, r.rank DESC, p.id
LIMIT $2`;

/**
 * For each word of 4+ letters that no title or name word starts with ($1, folded): up to three title and name words
 * closest to it by trigrams (pg_trgm's `<->` on the vocabulary's GiST index). "poiner" → pointer.
 */
export const CORRECTIONS_SQL = `SELECT q.ord::int AS ord, c.word
FROM unnest($1::text[]) WITH ORDINALITY AS q(term, ord)
CROSS JOIN LATERAL (
  SELECT w.word FROM ${WORDS_TABLE} w
  WHERE length(q.term) >= 4
    AND NOT EXISTS (SELECT 1 FROM ${WORDS_TABLE} x WHERE x.word LIKE q.term || '%')
    AND similarity(w.word, q.term) >= 0.3
  ORDER BY w.word <-> q.term
  LIMIT 3
) c`;

const BY_ID_SQL = `SELECT ${PAPER_COLUMNS} FROM ${PAPERS_TABLE} p WHERE p.id = $1`;


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
    const search = (tsquery: string): Promise<SearchRow[] | undefined> => this.runRetryingOnStrayCancel<SearchRow>(client, SEARCH_SQL, [tsquery, limit], 'paper_lookup_search');
    let rows = await search(tsQueryText(words));
    if (rows === undefined) return undefined;
    if (rows.length < limit) {
      // Fewer papers than asked: the words no title or name has may be typos; search again with their closest words.
      const found = await this.runRetryingOnStrayCancel<{ ord: number; word: string }>(client, CORRECTIONS_SQL, [words.map((word) => word.term)], 'paper_lookup_corrections');
      if (found === undefined) return undefined;
      if (found.length > 0) {
        const corrections = new Map<number, string[]>();
        for (const { ord, word } of found) corrections.set(ord - 1, [...(corrections.get(ord - 1) ?? []), word]);
        const corrected = await search(tsQueryText(words, corrections));
        if (corrected === undefined) return undefined;
        const seen = new Set(rows.map((row) => row.id));
        rows = [...rows, ...corrected.filter((row) => !seen.has(row.id))].slice(0, limit);
      }
    }
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

  /** Like `run`; a cancel request meant for the previous search that arrives after it ended stops this one: run it again. */
  private async runRetryingOnStrayCancel<R>(client: Client, text: string, values: unknown[], name: string): Promise<R[] | undefined> {
    try {
      return await this.run<R>(client, text, values, name);
    } catch (error) {
      if ((error as { code?: string }).code !== '57014') throw error;
      return this.run<R>(client, text, values, name);
    }
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

  /** A row as a hit. Hits found through corrected words count as having every word, as the local engine's one-typo matches do. */
  private hit(row: SearchRow, words: readonly QueryWord[]): SearchHit<LoadedPaper> {
    const paper = this.paper(row);
    const score = Math.max(0, 1 - row.rank);
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
