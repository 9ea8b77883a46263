/**
 * Loads index files into the shared catalog (./schema.ts): `paper-lookup load --into postgresql://… FILE...`.
 * Pure: no `vscode` import; the caller hands in a connected client and gets progress and problems back.
 *
 * Files are read by the same readers as the extension's index files (src/sources/): JSON Lines (the arXiv
 * snapshot) as a stream, so a multi-gigabyte file never sits in memory; JSON indexes and .bib files whole. A bad
 * line or entry is a problem with its file:line:column, and the good ones load.
 *
 * Papers go in batches: each batch is written with `COPY` into a temporary staging table and moved into the
 * table with `INSERT … ON CONFLICT (id) DO UPDATE`, in one transaction per batch. So a load that stops halfway
 * keeps the batches it committed, and running it again updates them in place instead of adding copies: loading is
 * idempotent and resumable. Only rows whose fields changed are rewritten. A batch the server rejects (a text too
 * long for a tsvector) is retried a paper at a time, so one bad paper costs only itself.
 *
 * Into an empty table, the search indexes are dropped first and built once at the end, several times faster than
 * keeping them up to date row by row. A load that fails in between leaves them missing (searches still work, slowly);
 * the next load, or any `ensureSchema`, builds them.
 */
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Paper } from '../papers/paper';
import type { BibParser } from '../bibtex/bibliography';
import { readArxivJsonl } from '../sources/jsonlSource';
import type { IndexProblem } from '../sources/parseIndex';
import { regularFileChunks } from '../sources/regularFile';
import { formatOf } from '../sources/formats';
import { CHUNK_BYTES, describeReadError, readSourceFile } from '../sources/sourceFiles';
import { ensureSchema, INDEXED_WORD_PAPERS, PAPERS_TABLE, SCHEMA, SEARCH_INDEXES, TOP_PAPERS_PER_WORD, TOP_PAPERS_TABLE, WORDS_TABLE } from './schema';

export interface LoadProgress {
  readonly file: string;
  /** Papers read from this file so far. */
  readonly papers: number;
  /** Bytes read so far, for streamed (JSON Lines) files. */
  readonly bytes?: number;
}

export interface LoadCounts {
  /** Papers read from the files (a paper listed twice counts twice). */
  read: number;
  /** New rows. */
  inserted: number;
  /** Rows that were there with other fields, now updated. */
  updated: number;
  /** Rows that were there already, the same. */
  unchanged: number;
  /** Papers the server refused (reported as problems). */
  rejected: number;
}

export interface LoadOptions {
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Each step after the papers are in, which takes minutes at millions of papers: said before it starts. */
  readonly onStep?: (step: string) => void;
  /** Every problem, as it is found: bad lines and entries, unreadable files, papers the server refused. */
  readonly onProblem?: (problem: IndexProblem) => void;
  /** Papers per transaction. */
  readonly batchSize?: number;
  /** JSON and .bib files bigger than this are refused (JSON Lines are streamed and have no limit). */
  readonly maxBytes?: number;
  readonly parseBib?: BibParser;
}

const STAGING = 'pg_temp.paper_lookup_staging';
/** Separates the authors of a paper in the COPY text: a control character no name keeps (they are removed). */
const AUTHOR_SEPARATOR = '\u001f';
const COLUMNS = ['id', 'key', 'title', 'authors', 'year', 'venue', 'doi', 'arxiv_id', 'arxiv_category', 'url', 'abstract', 'bibtex', 'source'] as const;
const UPDATED_COLUMNS = COLUMNS.filter((column) => column !== 'id');

const CREATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS paper_lookup_staging (
  seq integer, id text, key text, title text, authors text, year integer, venue text, doi text, arxiv_id text,
  arxiv_category text, url text, abstract text, bibtex text, source text
) ON COMMIT DELETE ROWS`;

/**
 * From staging into the table: the last copy of an id within the batch wins; a row that exists is updated only when
 * a field differs. Counts what it did.
 */
const UPSERT = `WITH upserted AS (
  INSERT INTO ${PAPERS_TABLE} AS p (${COLUMNS.join(', ')})
  SELECT DISTINCT ON (id) id, key, title,
    CASE WHEN authors = '' THEN '{}'::text[] ELSE string_to_array(authors, E'\\x1f') END,
    year, venue, doi, arxiv_id, arxiv_category, url, abstract, bibtex, source
  FROM ${STAGING}
  ORDER BY id, seq DESC
  ON CONFLICT (id) DO UPDATE SET ${UPDATED_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}, loaded_at = now()
  WHERE (${UPDATED_COLUMNS.map((column) => `p.${column}`).join(', ')}) IS DISTINCT FROM (${UPDATED_COLUMNS.map((column) => `excluded.${column}`).join(', ')})
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated,
  (SELECT count(DISTINCT id)::int FROM ${STAGING}) AS distinct_ids
FROM upserted`;

/** Loads every file in turn; never throws for a bad file or paper (those are problems), only for a lost connection. */
export async function loadFiles(client: ClientBase, files: readonly string[], options: LoadOptions = {}): Promise<LoadCounts> {
  const counts: LoadCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  await client.query(CREATE_STAGING);
  const { rows } = await client.query<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM ${PAPERS_TABLE}) AS empty`);
  const deferIndexes = rows[0].empty;
  if (deferIndexes) for (const index of SEARCH_INDEXES) await client.query(`DROP INDEX IF EXISTS ${SCHEMA}.${index}`);
  for (const file of files) {
    const source = path.basename(file);
    let pending: Paper[] = [];
    let readFromFile = 0;
    const flush = async (bytes?: number): Promise<void> => {
      if (pending.length > 0) await writeBatch(client, pending, source, file, counts, options.onProblem);
      pending = [];
      options.onProgress?.({ file, papers: readFromFile, ...(bytes === undefined ? {} : { bytes }) });
    };
    for await (const batch of paperBatches(file, options)) {
      for (const problem of batch.problems) options.onProblem?.(problem);
      for (const paper of batch.papers) {
        pending.push(paper);
        counts.read++;
        readFromFile++;
        if (pending.length >= (options.batchSize ?? 5000)) await flush(batch.bytes);
      }
      if (batch.bytes !== undefined) options.onProgress?.({ file, papers: readFromFile, bytes: batch.bytes });
    }
    await flush();
  }
  if (deferIndexes) {
    options.onStep?.('Building the search indexes');
    await ensureSchema(client);
  }
  options.onStep?.('Counting the words of the catalog for the search');
  await refreshVocabulary(client);
  return counts;
}

/**
 * The vocabulary the search plans with (./search.ts): every word of the catalog's text and how many papers have it,
 * and the common words' best papers. Counted again in full after each load (ts_stat reads every paper's vector:
 * minutes at millions of papers, small beside the load itself). A word whose papers are gone keeps its row: it then
 * matches nothing, at no cost.
 */
export async function refreshVocabulary(client: ClientBase): Promise<void> {
  await client.query(
    `INSERT INTO ${WORDS_TABLE} (word, papers) SELECT word, ndoc FROM ts_stat('SELECT document FROM ${PAPERS_TABLE}') ` +
      'ON CONFLICT (word) DO UPDATE SET papers = EXCLUDED.papers WHERE words.papers IS DISTINCT FROM EXCLUDED.papers',
  );
  await refreshTopPapers(client);
}

/**
 * Each common word's best papers (`INDEXED_WORD_PAPERS`, by the vocabulary's counts): the word in the title before the
 * word in a name, then the shorter heading (fewer words to share the match with), then the id. Replaced in one
 * transaction, so a search sees the old lists or the new ones.
 */
export async function refreshTopPapers(client: ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`DELETE FROM ${TOP_PAPERS_TABLE}`);
    await client.query(
      `INSERT INTO ${TOP_PAPERS_TABLE} (word, position, id)
       SELECT word, position, id FROM (
         SELECT u.lexeme AS word, p.id,
                row_number() OVER (PARTITION BY u.lexeme ORDER BY 'A' = ANY(u.weights) DESC, length(p.heading), p.id) AS position
         FROM ${PAPERS_TABLE} p CROSS JOIN LATERAL unnest(p.heading) AS u
         WHERE u.lexeme IN (SELECT word FROM ${WORDS_TABLE} WHERE papers >= ${INDEXED_WORD_PAPERS})
       ) ranked
       WHERE position <= ${TOP_PAPERS_PER_WORD}`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

interface PaperBatch {
  readonly papers: readonly Paper[];
  readonly problems: readonly IndexProblem[];
  readonly bytes?: number;
}

/** A file's papers and problems as the readers give them: JSON Lines a chunk at a time, the others whole. */
async function* paperBatches(file: string, { maxBytes, parseBib }: LoadOptions): AsyncGenerator<PaperBatch> {
  // Streamed formats (arXiv JSON Lines) a chunk at a time; the others whole.
  if (!formatOf(path.basename(file)).streamed) {
    const read = await readSourceFile(file, { maxBytes, parseBib });
    if (read) yield read;
    return;
  }
  let bytes = 0;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of regularFileChunks(file, CHUNK_BYTES)) {
      bytes += chunk.byteLength;
      yield chunk;
    }
  };
  try {
    for await (const batch of readArxivJsonl(counted(), file)) yield { papers: batch.papers, problems: batch.problems, bytes };
  } catch (error) {
    // The papers before a read error (a file truncated or removed while read) are loaded already.
    yield { papers: [], problems: [{ severity: 'error', file, line: 1, column: 1, message: `${describeReadError(error)}${bytes > 0 ? ` (after ${bytes} bytes)` : ''}` }] };
  }
}

/** One transaction: COPY into staging, upsert. A batch the server refuses is retried paper by paper. */
async function writeBatch(client: ClientBase, papers: readonly Paper[], source: string, file: string, counts: LoadCounts, onProblem: LoadOptions['onProblem']): Promise<void> {
  try {
    const done = await upsertBatch(client, papers, source);
    counts.inserted += done.inserted;
    counts.updated += done.updated;
    counts.unchanged += done.unchanged;
    return;
  } catch (error) {
    if (papers.length === 1 || !isDataError(error)) throw error;
  }
  for (const paper of papers) {
    try {
      const done = await upsertBatch(client, [paper], source);
      counts.inserted += done.inserted;
      counts.updated += done.updated;
      counts.unchanged += done.unchanged;
    } catch (error) {
      if (!isDataError(error)) throw error;
      counts.rejected++;
      onProblem?.({ severity: 'error', file, line: 1, column: 1, message: `Paper "${paper.id}" not loaded: the server refused it (${(error as Error).message}).` });
    }
  }
}

/** A problem with the rows sent (SQLSTATE class 22, data exception; 54, a limit exceeded), not with the server. */
function isDataError(error: unknown): boolean {
  return /^(22|54)/.test((error as { code?: string }).code ?? '');
}

async function upsertBatch(client: ClientBase, papers: readonly Paper[], source: string): Promise<{ inserted: number; updated: number; unchanged: number }> {
  await client.query('BEGIN');
  try {
    const copy = client.query(copyFrom(`COPY ${STAGING} (seq, ${COLUMNS.join(', ')}) FROM STDIN`));
    await pipeline(Readable.from([papers.map((paper, seq) => copyLine(paper, seq, source)).join('')]), copy);
    const { rows } = await client.query<{ inserted: number; updated: number; distinct_ids: number }>(UPSERT);
    await client.query('COMMIT');
    const { inserted, updated, distinct_ids: distinctIds } = rows[0];
    return { inserted, updated, unchanged: distinctIds - inserted - updated };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** One paper as a line of COPY's text format. */
function copyLine(paper: Paper, seq: number, source: string): string {
  const year = paper.year !== undefined && Number.isInteger(paper.year) && Math.abs(paper.year) < 2 ** 31 ? String(paper.year) : undefined;
  const authors = (paper.authors ?? []).map((name) => name.replaceAll(AUTHOR_SEPARATOR, ' ')).join(AUTHOR_SEPARATOR);
  const values = [String(seq), paper.id, paper.key, paper.title, authors, year, paper.venue, paper.doi, paper.arxivId, paper.arxivCategory, paper.url, paper.abstract, paper.bibtex, source];
  return `${values.map(copyField).join('\t')}\n`;
}

/**
 * A value in COPY's text format: `\N` for none; backslash, tab, newline and carriage return escaped. NUL, which no
 * PostgreSQL text can hold, is dropped.
 */
export function copyField(value: string | undefined): string {
  if (value === undefined) return '\\N';
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\\\t\n\r\u0000]/g, (character) => COPY_ESCAPES[character]);
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u0000': '' };
