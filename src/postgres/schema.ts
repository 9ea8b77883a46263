/**
 * The shared catalog's schema: one table, `paper_lookup.papers`, that many editors search at once. Pure: no
 * `vscode` import; the caller hands in a connected client.
 *
 * - `fold(text)` is the search folding: lower case with accents and ligatures dropped by `unaccent`, the same
 *   spellings the local engine folds to (src/search/engine/tokens.ts: García → garcia, Østergaard → ostergaard,
 *   Straße → strasse, Łukasiewicz → lukasiewicz), and punctuation read as a space, so that words are split where the
 *   local engine splits them (PostgreSQL's parser would keep `paper_lookup.papers` or `Node.js` as one lexeme, which
 *   the words "paper" or "node" would not find: the search asks for exact lexemes). It is an IMMUTABLE wrapper naming unaccent's dictionary with
 *   its schema, because generated columns and indexes accept only immutable functions and must not depend on
 *   the caller's search_path.
 * - `document` is a generated tsvector over the folded title (weight A), authors (B) and abstract (D), so a title
 *   match outranks the same words in an abstract; the GIN index over it answers full-text queries. `heading` is the
 *   same without the abstract: small enough to be stored inline, so the papers whose title or names match are
 *   found without reading any abstract's vector (./search.ts).
 * - `title_folded` and `authors_folded` have pg_trgm GIN indexes, for similarity queries on titles and names (not
 *   the search's: a trigram match of the whole query against every title was too slow per keystroke).
 * - `words` holds every word of the catalog with its paper count, the vocabulary a search is planned from, and
 *   `word_top_papers` each common word's best papers (./search.ts).
 * - Papers are keyed by `id`: loading the same paper again updates it (see ./loader.ts).
 */
import type { ClientBase } from 'pg';

export const SCHEMA = 'paper_lookup';
export const PAPERS_TABLE = `${SCHEMA}.papers`;
/** Every word of the catalog with the number of papers that have it, for planning a search (./search.ts); refreshed by each load. */
export const WORDS_TABLE = `${SCHEMA}.words`;
/** For each common word (`INDEXED_WORD_PAPERS`), its best papers in order; refreshed by each load (./loader.ts). */
export const TOP_PAPERS_TABLE = `${SCHEMA}.word_top_papers`;
/**
 * A word in fewer papers than this is searched through the GIN index: GIN reads every posting of every lexeme in the
 * index condition, so a common word there would cost time in proportion to the catalog. Words in more papers only
 * filter the rows the rarer words found; a query of common words only starts from their best papers instead
 * (`TOP_PAPERS_TABLE`).
 */
export const INDEXED_WORD_PAPERS = 20_000;
/** How many of a common word's papers `TOP_PAPERS_TABLE` keeps. */
export const TOP_PAPERS_PER_WORD = 2000;
const EXTENSIONS = ['pg_trgm', 'unaccent'] as const;

/** A catalog that cannot be created here, with what is missing in words an administrator can act on. */
export class SchemaError extends Error {}

/** The statements after the extensions exist; `ext` is the (quoted) schema where each extension lives. */
function schemaStatements(ext: Readonly<Record<(typeof EXTENSIONS)[number], string>>): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
    `CREATE OR REPLACE FUNCTION ${SCHEMA}.fold(text) RETURNS text
       LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
       AS $$ SELECT regexp_replace(lower(${ext.unaccent}.unaccent('${ext.unaccent}.unaccent'::regdictionary, $1)), '[[:punct:]]+', ' ', 'g') $$`,
    `CREATE OR REPLACE FUNCTION ${SCHEMA}.authors_text(text[]) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE
       AS $$ SELECT coalesce(array_to_string($1, ', '), '') $$`,
    `CREATE TABLE IF NOT EXISTS ${PAPERS_TABLE} (
       id text PRIMARY KEY,
       key text,
       title text NOT NULL,
       authors text[] NOT NULL DEFAULT '{}',
       year integer,
       venue text,
       doi text,
       arxiv_id text,
       arxiv_category text,
       url text,
       abstract text NOT NULL DEFAULT '',
       bibtex text,
       source text,
       loaded_at timestamptz NOT NULL DEFAULT now(),
       title_folded text GENERATED ALWAYS AS (${SCHEMA}.fold(title)) STORED,
       authors_folded text GENERATED ALWAYS AS (${SCHEMA}.fold(${SCHEMA}.authors_text(authors))) STORED,
       document tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector('simple'::regconfig, ${SCHEMA}.fold(title)), 'A') ||
         setweight(to_tsvector('simple'::regconfig, ${SCHEMA}.fold(${SCHEMA}.authors_text(authors))), 'B') ||
         setweight(to_tsvector('simple'::regconfig, ${SCHEMA}.fold(abstract)), 'D')) STORED,
       heading tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector('simple'::regconfig, ${SCHEMA}.fold(title)), 'A') ||
         setweight(to_tsvector('simple'::regconfig, ${SCHEMA}.fold(${SCHEMA}.authors_text(authors))), 'B')) STORED
     )`,
    `CREATE INDEX IF NOT EXISTS papers_document ON ${PAPERS_TABLE} USING gin (document)`,
    `CREATE INDEX IF NOT EXISTS papers_heading ON ${PAPERS_TABLE} USING gin (heading)`,
    `CREATE INDEX IF NOT EXISTS papers_title_trgm ON ${PAPERS_TABLE} USING gin (title_folded ${ext.pg_trgm}.gin_trgm_ops)`,
    `CREATE INDEX IF NOT EXISTS papers_authors_trgm ON ${PAPERS_TABLE} USING gin (authors_folded ${ext.pg_trgm}.gin_trgm_ops)`,
    `CREATE TABLE IF NOT EXISTS ${WORDS_TABLE} (word text PRIMARY KEY, papers integer NOT NULL DEFAULT 0)`,
    // Catalogs made before the vocabulary counted papers.
    `ALTER TABLE ${WORDS_TABLE} ADD COLUMN IF NOT EXISTS papers integer NOT NULL DEFAULT 0`,
    // Typos are now found by looking up the words one edit away (./search.ts); the trigram index of older catalogs goes.
    `DROP INDEX IF EXISTS ${SCHEMA}.words_trgm`,
    `CREATE TABLE IF NOT EXISTS ${TOP_PAPERS_TABLE} (word text NOT NULL, position integer NOT NULL, id text NOT NULL, PRIMARY KEY (word, position))`,
    `CREATE INDEX IF NOT EXISTS words_prefix ON ${WORDS_TABLE} (word text_pattern_ops)`,
    `CREATE INDEX IF NOT EXISTS papers_doi ON ${PAPERS_TABLE} (lower(doi)) WHERE doi IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS papers_arxiv_id ON ${PAPERS_TABLE} (arxiv_id) WHERE arxiv_id IS NOT NULL`,
  ];
}

/**
 * The indexes a search needs and a load into an empty table builds faster once at the end than row by row (GIN
 * indexes take every row's words; building them from the whole table sorts once): ./loader.ts drops them for such a
 * load and `ensureSchema` creates them again.
 */
export const SEARCH_INDEXES = ['papers_document', 'papers_heading', 'papers_title_trgm', 'papers_authors_trgm'] as const;

/**
 * Creates the extensions, schema, table and indexes that are missing (all of it is `IF NOT EXISTS`, so running it
 * on a ready catalog changes nothing). Throws `SchemaError` naming the missing extension or privilege.
 */
export async function ensureSchema(client: ClientBase): Promise<void> {
  const schemas: Record<string, string> = {};
  for (const extension of EXTENSIONS) schemas[extension] = await ensureExtension(client, extension);
  const { rows } = await client.query<{ database: string; role: string }>('SELECT current_database() AS database, current_user AS role');
  const { database, role } = rows[0];
  try {
    for (const statement of schemaStatements(schemas as Record<(typeof EXTENSIONS)[number], string>)) await client.query(statement);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new SchemaError(
        `The role "${role}" may not create the paper catalog in the database "${database}" (${(error as Error).message}). ` +
          `An administrator can run: GRANT CREATE ON DATABASE "${database}" TO "${role}"; or create the schema ${SCHEMA} owned by "${role}".`,
      );
    }
    throw error;
  }
}

/** The quoted schema the extension lives in, after creating it if need be. */
async function ensureExtension(client: ClientBase, extension: string): Promise<string> {
  const installed = async (): Promise<string | undefined> =>
    (await client.query<{ schema: string }>('SELECT quote_ident(n.nspname) AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1', [extension])).rows[0]?.schema;
  const schema = await installed();
  if (schema !== undefined) {
    // The name goes into the fold function's text (a dictionary name in a string literal): only plain names.
    if (!/^"?[A-Za-z_][A-Za-z0-9_$]*"?$/.test(schema)) throw new SchemaError(`The extension "${extension}" is installed in a schema with an unusual name (${schema}); install it in public.`);
    return schema;
  }
  const available = await client.query('SELECT 1 FROM pg_available_extensions WHERE name = $1', [extension]);
  if (available.rowCount === 0) {
    throw new SchemaError(`The server has no "${extension}" extension: install PostgreSQL's contrib modules on it (Debian and Ubuntu: the postgresql-contrib package).`);
  }
  try {
    await client.query(`CREATE EXTENSION IF NOT EXISTS ${extension}`);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      const { rows } = await client.query<{ database: string; role: string }>('SELECT current_database() AS database, current_user AS role');
      throw new SchemaError(
        `The role "${rows[0].role}" may not create the extension "${extension}" in the database "${rows[0].database}": it needs the CREATE privilege on the database (${extension} is a trusted extension) or a superuser. ` +
          `An administrator can run: CREATE EXTENSION ${extension}; in that database, or GRANT CREATE ON DATABASE "${rows[0].database}" TO "${rows[0].role}".`,
      );
    }
    throw error;
  }
  return (await installed()) ?? 'public';
}
