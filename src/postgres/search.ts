/**
 * Searching the shared catalog (./schema.ts) as the user types. Pure: no `vscode` import; the CLI and the
 * extension (src/ui/postgresSource.ts) both use `PostgresCatalog`.
 *
 * Two parameterized statements per keystroke, three with a misspelt word (the query's words are values, never SQL text):
 * 1. `VOCABULARY_SQL` asks the vocabulary (`paper_lookup.words`, every word of the catalog with the number of papers
 *    that have it) what each query word may match, as the local engine expands a word (src/search/engine/query.ts):
 *    the word itself; for the word being typed, its commonest completions (12 for one or two letters, 64 from three);
 *    then, for words of 5+ letters in fewer than `TYPO_RARE` papers, the words one edit away (a letter deleted,
 *    inserted, replaced, or two swapped: the variants are made here and looked up by equality on the primary key,
 *    so "poiner" finds pointer).
 * 2. `SEARCH_SQL` runs the words as a tsquery of exact lexemes: `(graph | graphs) & (mamba)`. Never a prefix
 *    (`graph:*`): GIN answers a prefix by reading every posting list it covers into a bitmap before anything else,
 *    which at millions of papers took hundreds of milliseconds for a short or common prefix, while a query of exact
 *    lexemes lets GIN skip through the common words' lists by the rarest one's papers. Tiers, each only while the
 *    ones before found fewer papers than asked: papers with every word in their title or names; the same with the
 *    misspelt words' neighbours; papers with the words elsewhere too. Each tier ranks a bounded number of candidates
 *    by the local engine's score (`scoreOf`): per word, its idf from the vocabulary's counts times how strongly the
 *    title, names and abstract have it; ties go to the shorter heading.
 * A word the vocabulary has nothing for is left out of the search and named on every hit as not matched, as the
 * local engine's partial results do. The words are folded here the way the local engine folds them
 * (src/search/engine/tokens.ts) and stop words dropped; the server folds the text it indexes with `fold` (unaccent),
 * which spells out the same letters.
 *
 * A search started while another is running cancels it (PostgreSQL's cancel request, as libpq sends it), so a
 * fast typist's keystrokes do not queue up on the server; the cancelled search resolves to `undefined`.
 */
import * as net from 'node:net';
import { Client, Query, type ClientConfig } from 'pg';
import { baseCitationKey, DEFAULT_KEY_TEMPLATE } from '../papers/keys';
import { withoutUndefined, type LoadedPaper, type Paper } from '../papers/paper';
import { editVariants, Kind, MIN_IDF, MIN_TYPO_LENGTH, SHORT_PREFIX_COMPLETIONS, umlautSpellings } from '../search/engine/query';
import { forEachWord, STOP_WORDS } from '../search/engine/tokens';
import { matchesIn } from '../search/scaledSearch';
import type { SearchHit } from '../search/search';
import { INDEXED_WORD_PAPERS, PAPERS_TABLE, TOP_PAPERS_TABLE, WORDS_TABLE } from './schema';

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
  /** The word being typed (the last one, nothing after it): its completions match too. */
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
  return chosen.map((word, i) => ({ ...word, prefix: typing && i === chosen.length - 1 }));
}

/** A word's typo neighbours are looked up only when the word itself (and its completions) is in fewer papers than this. */
export const TYPO_RARE = 20;
/**
 * Completions taken for a word being typed of 3+ letters: its commonest ones (the local engine takes up to 2,000, but
 * each lexeme is one more entry GIN steps through for every candidate). One or two letters take
 * `SHORT_PREFIX_COMPLETIONS`, as the local engine does.
 */
export const PREFIX_COMPLETIONS = 64;

/** A vocabulary word that a query word matches, and how (`Kind.Exact`, `Kind.Prefix` for a completion, `Kind.Typo`). */
export interface Alternative {
  readonly lexeme: string;
  /** How many papers have it (the vocabulary's count). */
  readonly papers: number;
  readonly kind: Kind.Exact | Kind.Prefix | Kind.Typo;
}

/** How many papers have any of the lexemes, counted with repeats (an upper bound, as the vocabulary gives no overlap). */
function paperCount(alternatives: readonly Alternative[]): number {
  return alternatives.reduce((sum, alternative) => sum + alternative.papers, 0);
}

/** The spellings to look up for a word (itself and its umlaut spellings), with the word each is of. */
export function spellingsOf(words: readonly QueryWord[]): Map<string, number[]> {
  const of = new Map<string, number[]>();
  words.forEach((word, i) => {
    for (const spelling of [word.term, ...umlautSpellings(word.typed, word.term)]) of.set(spelling, [...new Set([...(of.get(spelling) ?? []), i])]);
  });
  return of;
}

/** Every variant one edit away of the words that need them (5+ letters, rare as typed), with the word each is of. */
export function typoVariantsOf(words: readonly QueryWord[], alternatives: readonly (readonly Alternative[])[]): Map<string, number[]> {
  const of = new Map<string, number[]>();
  words.forEach((word, i) => {
    if (word.term.length < MIN_TYPO_LENGTH || paperCount(alternatives[i]) >= TYPO_RARE) return;
    for (const variant of editVariants(word.term)) of.set(variant, [...(of.get(variant) ?? []), i]);
  });
  return of;
}

/** A vocabulary row: a spelling found (`completes` null) or a completion of the query word numbered `completes` (1-based). */
export interface VocabularyRow {
  readonly lexeme: string;
  readonly papers: number;
  readonly completes: number | null;
}

/** Adds the vocabulary's answer to each word's alternatives: spellings found as `kind`, completions as completions. */
export function addAlternatives(alternatives: Alternative[][], rows: readonly VocabularyRow[], spellings: ReadonlyMap<string, readonly number[]>, kind: Kind.Exact | Kind.Typo): void {
  for (const row of rows) {
    const papers = Number(row.papers);
    if (row.completes !== null) alternatives[row.completes - 1]?.push({ lexeme: row.lexeme, papers, kind: Kind.Prefix });
    else for (const i of spellings.get(row.lexeme) ?? []) if (!alternatives[i].some((known) => known.lexeme === row.lexeme)) alternatives[i].push({ lexeme: row.lexeme, papers, kind });
  }
}

/** A ranking's words, parallel arrays as the statement takes them: each word's tsquery, and its commonest lexeme's papers. */
export interface RankedWords {
  readonly queries: readonly string[];
  readonly papers: readonly number[];
}

/** The statements' parameters for one search, and what the hits are marked with. */
export interface PlannedQuery {
  /**
   * The GIN index's condition: the rarer words (each in fewer than `INDEXED_WORD_PAPERS` papers) with the common ones of
   * few lexemes; when every word is common, the words typed in full if two or more are; else undefined.
   */
  readonly index: string | undefined;
  /** Every word by its own spellings and completions; undefined when a word has only typo neighbours. */
  readonly plain: string | undefined;
  /** Every word with its typo neighbours too; undefined when no word has any. */
  readonly corrected: string | undefined;
  /** When every word is common: the commonest lexemes of the word in the fewest papers, whose best papers are read; else none. */
  readonly listed: readonly string[];
  /** Each searched word by its own lexemes, with how many papers its commonest one is in: what ranks the papers. */
  readonly ranking: RankedWords;
  /** The same for the corrected tier: each word with its typo neighbours too. */
  readonly correctedRanking: RankedWords;
  /** The query words the vocabulary has nothing for, as typed: left out of the search. */
  readonly unmatched: readonly string[];
  /** Every lexeme searched for, with how much of it a query word covers (0: all of it), for marking the hits. */
  readonly marks: ReadonlyMap<string, number>;
}

/**
 * The search for each word's alternatives. Lexemes are quoted, so no operator of the tsquery syntax can come from the
 * query (folded words hold only letters, digits and marks besides).
 */
export function planQuery(words: readonly QueryWord[], alternatives: readonly (readonly Alternative[])[]): PlannedQuery {
  const lexeme = (text: string): string => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  const clause = (lexemes: readonly string[]): string => (lexemes.length === 1 ? lexeme(lexemes[0]) : `(${lexemes.map(lexeme).join(' | ')})`);
  const marks = new Map<string, number>();
  words.forEach((word, i) => {
    for (const { lexeme: text, kind } of alternatives[i]) {
      const covers = kind === Kind.Prefix ? word.term.length : 0;
      if (!marks.has(text) || covers === 0) marks.set(text, covers);
    }
  });
  const own = alternatives.map((list) => list.filter((alternative) => alternative.kind !== Kind.Typo));
  const searched = words.map((_, i) => i).filter((i) => alternatives[i].length > 0);
  const unmatched = words.filter((_, i) => alternatives[i].length === 0).map((word) => word.typed);
  const lexemesOf = (list: readonly Alternative[]): string[] => list.map((alternative) => alternative.lexeme);
  /** The words numbered `indices`, each by its lexemes in `of`: `'a' & ('b' | 'c')`. */
  const conjunction = (indices: readonly number[], of: readonly (readonly Alternative[])[]): string => indices.map((i) => clause(lexemesOf(of[i]))).join(' & ');
  const hasOwn = searched.length > 0 && searched.every((i) => own[i].length > 0);
  const plain = hasOwn ? conjunction(searched, own) : undefined;
  let rare = searched.filter((i) => paperCount(own[i]) < INDEXED_WORD_PAPERS);
  let listed: string[] = [];
  if (hasOwn && rare.length === 0) {
    const fewest = searched.reduce((best, i) => (paperCount(own[i]) < paperCount(own[best]) ? i : best));
    listed = lexemesOf(own[fewest].filter((alternative) => alternative.papers >= INDEXED_WORD_PAPERS));
    // Many words each in fewer papers than that (the completions of a short prefix) have no lists: GIN it is.
    if (listed.length === 0) rare = [fewest];
  }
  // With a rare word to lead, a common word of a few lexemes narrows the index scan at little cost: GIN skips through
  // its postings to the rare word's papers, and fewer rows are read to check the rest (an abstract's vector is read
  // out of line).
  const indexed = rare.length === 0 ? [] : searched.filter((i) => rare.includes(i) || own[i].length <= MAX_SKIPPED_LEXEMES);
  let index = hasOwn && indexed.length > 0 ? conjunction(indexed, own) : undefined;
  // Several common words together are often in few papers ("principles of deep learning theory": 3 of a million),
  // which their best-paper lists rarely share. GIN skips through the lists of words all and-ed, so the papers with
  // every word typed in full are found there as well; the completions of the word being typed come from the lists.
  const whole = own.map((list) => list.filter((alternative) => alternative.kind === Kind.Exact));
  const typedInFull = searched.filter((i) => whole[i].length > 0 && whole[i].length <= MAX_SKIPPED_LEXEMES);
  if (index === undefined && listed.length > 0 && typedInFull.length >= 2) index = conjunction(typedInFull, whole);
  const corrected = searched.some((i) => alternatives[i].length > own[i].length) ? conjunction(searched, alternatives) : undefined;
  const rankedBy = (of: readonly (readonly Alternative[])[]): RankedWords => {
    const ranked = searched.filter((i) => of[i].length > 0);
    const strongest = (list: readonly Alternative[]): Alternative[] => [...list].sort((a, b) => Number(b.kind === Kind.Exact) - Number(a.kind === Kind.Exact) || b.papers - a.papers).slice(0, RANKED_LEXEMES);
    return { queries: ranked.map((i) => clause(lexemesOf(strongest(of[i])))), papers: ranked.map((i) => Math.max(...of[i].map((alternative) => alternative.papers))) };
  };
  const ranking = rankedBy(own);
  const correctedRanking = rankedBy(alternatives);
  return { index, plain, corrected, listed, ranking, correctedRanking, unmatched, marks };
}

/** $1 the spellings to look up. */
export const SPELLINGS_SQL = `SELECT w.word AS lexeme, w.papers, NULL::int AS completes FROM ${WORDS_TABLE} w WHERE w.word = ANY($1::text[])`;

/**
 * $1 the spellings to look up (by equality, on the primary key), $2 the words being typed, $3 their (1-based) place
 * in the query. Completions are found on the vocabulary's `text_pattern_ops` index: the words from the prefix up to
 * the prefix followed by the last code point, byte-wise, the commonest first.
 */
export const VOCABULARY_SQL = `${SPELLINGS_SQL}
UNION ALL
SELECT c.word, c.papers, q.ord
FROM unnest($2::text[], $3::int[]) AS q(term, ord)
CROSS JOIN LATERAL (
  SELECT w.word, w.papers FROM ${WORDS_TABLE} w
  WHERE w.word ~>=~ q.term AND w.word ~<~ (q.term || chr(1114111)) AND w.word <> q.term
  ORDER BY w.papers DESC, w.word
  LIMIT CASE WHEN length(q.term) < 3 THEN ${SHORT_PREFIX_COMPLETIONS} ELSE ${PREFIX_COMPLETIONS} END
) c`;

const PAPER_COLUMNS = 'p.id, p.key, p.title, p.authors, p.year, p.venue, p.doi, p.arxiv_id, p.arxiv_category, p.url, p.abstract, p.bibtex';

/**
 * How many papers matching in their title or names, and how many matching elsewhere, are ranked. The index hands
 * them over in table order, not by merit, so a paper beyond the bound is never ranked: at 2.5M synthetic papers a
 * partial word's 1,042 title matches had its known item 1,024th. Each candidate costs a score (`scoreOf`) and a read of
 * its row, so the bound is what the latency budget allows (README, "Measured").
 */
export const HEADING_CANDIDATES = 1500;
/**
 * A word is ranked by at most this many of its lexemes, its whole spelling first, then the commonest: ts_rank takes time
 * for every lexeme it is asked about, for every candidate (64 completions of a word being typed made ranking most
 * of a keystroke's time). Papers with a rarer completion are still found, ranked as having the word less.
 */
const RANKED_LEXEMES = 8;
/** How many of the best papers of the common words are read when every word is common. */
export const LISTED_CANDIDATES = 500;
/** A common word of at most this many lexemes is still part of the index condition when a rare word leads it. */
const MAX_SKIPPED_LEXEMES = 3;
export const DOCUMENT_CANDIDATES = 500;

/**
 * A candidate's score, the local engine's (src/search/engine/query.ts) in PostgreSQL's terms: the sum over the words
 * of the word's idf times how strongly the paper has it, in the title and names (`heading`, title 0.55, names 0.25)
 * and in the abstract (`document` weighted for its D part only, 0.2). ts_rank of one word counts its best-weighted
 * occurrence in full and the others less and less, a saturated term frequency; it divides by the query's lexemes,
 * which `weight` undoes so that a word typed in part counts as much as a whole one.
 */
function scoreOf(candidate: string, ranking: string): string {
  return `(SELECT coalesce(sum(r.weight * (ts_rank('{0,0,0.25,0.55}', ${candidate}.heading, r.query) + 0.2 * ts_rank('{1,0,0,0}', ${candidate}.document, r.query))), 0) FROM ${ranking} r)`;
}

/**
 * The words of a ranking, $queries each word's tsquery and $papers its commonest lexeme's papers, with their weights:
 * idf as the local engine reckons it, `ln(1 + (N - n + 0.5) / (n + 0.5))`, N the table's estimated rows, times the
 * word's lexemes (see `scoreOf`; a tsquery of k lexemes or'ed has 2k - 1 nodes).
 */
function rankingWords(queries: string, papers: string): string {
  return `SELECT w.query, greatest(${MIN_IDF}, ln(1 + (greatest(n.papers, w.papers) - w.papers + 0.5) / (w.papers + 0.5))) * (numnode(w.query) + 1) / 2 AS weight
  FROM (SELECT to_tsquery('simple', u.query) AS query, u.papers FROM unnest(${queries}::text[], ${papers}::int[]) AS u(query, papers)) w,
       (SELECT greatest(c.reltuples, 1)::float8 AS papers FROM pg_class c WHERE c.oid = '${PAPERS_TABLE}'::regclass) n`;
}

/**
 * $1 the GIN condition's tsquery text (null: none, see `PlannedQuery.index`), $2 the plain tsquery (null: skip its
 * tiers), $3 the corrected one (null: skip its tier), $4 the lexemes whose best papers are read (empty: a rarer word
 * leads the index scan), $5 the limit, $6 and $7 the plain ranking's words (`RankedWords`), $8 and $9 the corrected
 * ranking's. The abstract tier is not searched
 * when every word is common (the lists are read): their papers are counted by the hundred thousand there, where GIN
 * has to step through them all.
 * `(… @@ …) IS TRUE` is a filter PostgreSQL cannot answer from an index: the common words are checked on the rows
 * the rare ones found. A tier runs only while the ones before found fewer than $5 papers (PostgreSQL runs such a
 * condition once, before the scan).
 */
export const SEARCH_SQL = `WITH q AS (
  SELECT to_tsquery('simple', coalesce($1, '')) AS index, to_tsquery('simple', coalesce($2, '')) AS plain,
         to_tsquery('simple', coalesce($3, '')) AS corrected
), ranking AS MATERIALIZED (${rankingWords('$6', '$7')}
), corrected_ranking AS MATERIALIZED (${rankingWords('$8', '$9')}
), heading_candidates AS (
  (SELECT p.id, p.heading, p.document FROM ${PAPERS_TABLE} p, q
   WHERE $1::text IS NOT NULL AND p.heading @@ q.index AND (p.heading @@ q.plain) IS TRUE
   LIMIT ${HEADING_CANDIDATES})
  UNION ALL
  (SELECT p.id, p.heading, p.document
   FROM (
     SELECT DISTINCT t.id FROM unnest($4::text[]) AS l(word)
     CROSS JOIN LATERAL (
       SELECT t.id FROM ${TOP_PAPERS_TABLE} t WHERE t.word = l.word ORDER BY t.position
       LIMIT ${LISTED_CANDIDATES} / greatest(cardinality($4::text[]), 1)
     ) t
   ) t
   JOIN ${PAPERS_TABLE} p ON p.id = t.id, q
   WHERE $2::text IS NOT NULL AND (p.heading @@ q.plain) IS TRUE)
), heading_hits AS (
  SELECT c.id, 1 AS tier, ${scoreOf('c', 'ranking')} AS rank, length(c.heading) AS words
  FROM heading_candidates c
  ORDER BY rank DESC, words, c.id
  LIMIT $5
), corrected_hits AS (
  SELECT c.id, 2 AS tier, ${scoreOf('c', 'corrected_ranking')} AS rank, length(c.heading) AS words
  FROM (
    SELECT p.id, p.heading, p.document FROM ${PAPERS_TABLE} p, q
    WHERE $3::text IS NOT NULL AND p.heading @@ q.corrected AND NOT p.id IN (SELECT id FROM heading_hits)
    LIMIT ${HEADING_CANDIDATES}
  ) c
  WHERE (SELECT count(*) FROM heading_hits) < $5
  ORDER BY rank DESC, words, c.id
  LIMIT $5
), document_hits AS (
  SELECT c.id, 3 AS tier, ${scoreOf('c', 'ranking')} AS rank, length(c.document) AS words
  FROM (
    SELECT p.id, p.heading, p.document FROM ${PAPERS_TABLE} p, q
    WHERE $1::text IS NOT NULL AND cardinality($4::text[]) = 0 AND p.document @@ q.index AND (p.document @@ q.plain) IS TRUE AND NOT (p.heading @@ q.plain)
      AND NOT p.id IN (SELECT id FROM corrected_hits)
    LIMIT ${DOCUMENT_CANDIDATES}
  ) c
  WHERE (SELECT count(*) FROM heading_hits) + (SELECT count(*) FROM corrected_hits) < $5
  ORDER BY rank DESC, words, c.id
  LIMIT $5
), ranked AS (
  SELECT * FROM heading_hits UNION ALL SELECT * FROM corrected_hits UNION ALL SELECT * FROM document_hits
)
SELECT ${PAPER_COLUMNS}, r.rank
FROM ranked r JOIN ${PAPERS_TABLE} p ON p.id = r.id
ORDER BY r.tier, r.rank DESC, r.words, p.id
LIMIT $5`;

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
    const spellings = spellingsOf(words);
    const typing = words.flatMap((word, i) => (word.prefix ? [{ term: word.term, ord: i + 1 }] : []));
    const found = await this.runRetryingOnStrayCancel<VocabularyRow>(client, VOCABULARY_SQL, [[...spellings.keys()], typing.map((word) => word.term), typing.map((word) => word.ord)], 'paper_lookup_vocabulary');
    if (found === undefined) return undefined;
    const alternatives: Alternative[][] = words.map(() => []);
    addAlternatives(alternatives, found, spellings, Kind.Exact);
    const variants = typoVariantsOf(words, alternatives);
    if (variants.size > 0) {
      const neighbours = await this.runRetryingOnStrayCancel<VocabularyRow>(client, SPELLINGS_SQL, [[...variants.keys()]], 'paper_lookup_spellings');
      if (neighbours === undefined) return undefined;
      addAlternatives(alternatives, neighbours, variants, Kind.Typo);
    }
    const planned = planQuery(words, alternatives);
    if (planned.plain === undefined && planned.corrected === undefined) return [];
    const rows = await this.runRetryingOnStrayCancel<SearchRow>(client, SEARCH_SQL, [planned.index ?? null, planned.plain ?? null, planned.corrected ?? null, planned.listed, limit, planned.ranking.queries, planned.ranking.papers, planned.correctedRanking.queries, planned.correctedRanking.papers], 'paper_lookup_search');
    return rows?.map((row) => this.hit(row, planned));
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

  /** A row as a hit. Hits found through misspelt words' neighbours count as having every word, as the local engine's one-typo matches do. */
  private hit(row: SearchRow, planned: PlannedQuery): SearchHit<LoadedPaper> {
    const paper = this.paper(row);
    const score = Math.max(0, 1 - row.rank);
    return { paper, score, matches: matchesIn(paper, planned.marks), ...(planned.unmatched.length > 0 ? { unmatched: [...planned.unmatched] } : {}) };
  }
}
