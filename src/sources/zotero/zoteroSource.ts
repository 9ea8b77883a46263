/**
 * A Zotero data directory's `zotero.sqlite` as a source of papers: each library in it (the user's, and every group's)
 * a source of its own, named "Zotero: My Library" and "Zotero: <group>", with Better BibTeX's keys from
 * `better-bibtex.sqlite` beside it. Pure: Node's `fs` only, no `vscode` import; both the catalog worker and the
 * extension read Zotero through `readZoteroSource`.
 *
 * Zotero's files are only ever read: a snapshot of each database with its write-ahead log applied (./snapshot.ts), so a
 * running Zotero, which holds its database locked, is neither disturbed nor read half-written.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Paper } from '../../papers/paper';
import type { IndexSource, SourceStamp } from '../paperSource';
import type { IndexProblem } from '../parseIndex';
import type { ReadLimits } from '../regularFile';
import { readDatabaseSnapshot } from './snapshot';
import { loadSqlJs } from './sqlJs';
import { countZoteroItems, readZoteroDatabase, type ZoteroReadOptions } from './zoteroDatabase';
import { zoteroPaper } from './zoteroItem';

export const ZOTERO_DATABASE_FILE = 'zotero.sqlite';
export const BETTER_BIBTEX_DATABASE_FILE = 'better-bibtex.sqlite';

/** Zotero's default data directory, `~/Zotero`, on every platform. */
export const DEFAULT_ZOTERO_DATA_DIRECTORY = '~/Zotero';

/** The database in a Zotero data directory as the setting gives it (`~/` for `home`; the default when blank). */
export function zoteroDatabasePath(dataDirectory: string, home: string): string {
  const folder = (dataDirectory.trim() || DEFAULT_ZOTERO_DATA_DIRECTORY).replace(/^~(?=$|[\\/])/, home);
  return path.join(folder, ZOTERO_DATABASE_FILE);
}

/** Whether an index file is read as a Zotero database: any SQLite file by its name (`zotero.sqlite`, a copy of it). */
export function isZoteroDatabasePath(file: string): boolean {
  return /\.sqlite$/i.test(file);
}

/** The files a Zotero source reads besides the database: its log, and Better BibTeX's database and log. */
function companionFiles(database: string): string[] {
  const betterBibtex = path.join(path.dirname(database), BETTER_BIBTEX_DATABASE_FILE);
  return [`${database}-wal`, betterBibtex, `${betterBibtex}-wal`];
}

/**
 * The stamp of a Zotero source for the catalog cache: a running Zotero writes to the `-wal` and leaves the database
 * itself alone until it checkpoints, and Better BibTeX keeps its keys in a file of its own, so all of them count.
 */
export async function zoteroSourceStamp(database: string, own: SourceStamp): Promise<SourceStamp> {
  let { size, mtimeMs } = own;
  for (const file of companionFiles(database)) {
    const stats = await stat(file).catch(() => undefined);
    if (!stats) continue;
    size += stats.size;
    mtimeMs = Math.max(mtimeMs, stats.mtimeMs);
  }
  return { location: own.location, size, mtimeMs };
}

function problem(file: string, severity: IndexProblem['severity'], message: string): IndexProblem {
  return { severity, file, line: 1, column: 1, message };
}

/** The Zotero database at `file` (an absolute path) as a source; never throws: a failed read is its one error. */
export async function readZoteroSource(file: string, limits: ReadLimits = {}, displayName?: string): Promise<IndexSource> {
  let database: Uint8Array;
  try {
    database = await readDatabaseSnapshot(file, limits);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'Zotero database not found.' : `Cannot read the Zotero database: ${error instanceof Error ? error.message : String(error)}`;
    return { name: displayName ?? path.basename(file), location: file, papers: [], problems: [problem(file, 'error', message)] };
  }
  const betterBibtexFile = path.join(path.dirname(file), BETTER_BIBTEX_DATABASE_FILE);
  const betterBibtex = await readDatabaseSnapshot(betterBibtexFile).catch(() => undefined);
  return zoteroSource(database, file, { dataDirectory: path.dirname(file), betterBibtex }, displayName);
}

/** A Zotero database already in memory (with its log applied) as a source; see `readZoteroSource`. */
export async function zoteroSource(database: Uint8Array, location: string, options: ZoteroReadOptions, displayName?: string): Promise<IndexSource> {
  let contents: ReturnType<typeof readZoteroDatabase>;
  try {
    contents = readZoteroDatabase(await loadSqlJs(), database, options);
  } catch (error) {
    const message = `Cannot read the Zotero database: ${error instanceof Error ? error.message : String(error)}`;
    return { name: displayName ?? path.basename(location), location, papers: [], problems: [problem(location, 'error', message)] };
  }
  const parts: IndexSource[] = [];
  for (const library of contents.libraries) {
    const warnings: string[] = parts.length === 0 ? [...contents.warnings] : [];
    const papers: Paper[] = [];
    for (const item of library.items) {
      const paper = await zoteroPaper(item, library, warnings);
      if (paper) papers.push(paper);
    }
    const name = `${displayName ?? 'Zotero'}: ${library.name}`;
    parts.push({ name, location, papers, problems: warnings.map((message) => problem(location, 'warning', message)) });
  }
  return {
    name: displayName ?? 'Zotero',
    location,
    papers: parts.flatMap((part) => part.papers),
    problems: parts.flatMap((part) => part.problems),
    parts,
  };
}

/** How many papers the Zotero database at `file` holds (its regular items); throws when it cannot be read. */
export async function countZoteroLibrary(file: string): Promise<number> {
  return countZoteroItems(await loadSqlJs(), await readDatabaseSnapshot(file));
}
