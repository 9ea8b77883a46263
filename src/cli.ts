/**
 * `paper-lookup`: the command line over the same pure modules the extension uses.
 *
 *   paper-lookup search "<query>" [--index FILE]... [--limit N] [--json] [--strict]
 *   paper-lookup cite <id-or-key> --format markdown|latex|text|bibtex [--index FILE]... [--strict]
 *   paper-lookup bib [--index FILE]... [--strict]
 *   paper-lookup load --into postgresql://… FILE...
 *
 * Like the extension, it keeps going past a bad index file: every problem is one `file:line:column:` line on
 * stderr and the good entries (and the other files) are used. Exit codes: 0 success, 1 nothing found,
 * 2 bad arguments, no usable paper in any --index file, or (with --strict) any index problem.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { bibliographyEntryFor, bibliographyFileFor } from './bibtex/bibEntryCopy';
import { formatCitation, type CitationStyle } from './citation/format';
import { PaperCatalog } from './catalog/catalog';
import type { IndexSource } from './sources/paperSource';
import { formatProblem } from './sources/parseIndex';
import { paperFields } from './papers/paper';
import { maxFileBytes } from './sources/regularFile';
import { readSourceFile } from './sources/sourceFiles';
import { isPostgresUrl } from './postgres/connection';
import { loadCommand, searchServers } from './postgres/commands';
import { mergeHits } from './postgres/merge';

const USAGE = `Usage:
  paper-lookup search "<query>" [--index FILE]... [--limit N] [--json] [--strict]
  paper-lookup cite <id-or-key> --format markdown|latex|text|bibtex [--index FILE]... [--strict]
  paper-lookup bib [--index FILE]... [--strict]
  paper-lookup load --into postgresql://USER@HOST/DB FILE...

search ranks papers; cite prints one citation (bibtex: its .bib entry); bib prints a .bib with
an entry for every loaded paper. Papers come from the bundled index plus every --index file:
a JSON index (schema version 1), a BibTeX .bib, or arXiv JSON Lines (.jsonl, .ndjson).
A problem in an index file is printed on stderr as file:line:column: and the rest of the file
and the other files are still used; the exit code is 2 only when no --index file gave a paper.
--strict exits 2 on any index problem, warnings included, without running the command (for CI).
Only regular files are read (not FIFOs or devices, also behind symlinks); JSON and .bib files
over 200 MB are refused (JSON Lines files are streamed and have no limit).
load puts the files' papers into a shared PostgreSQL catalog (creating its schema), updating
papers loaded before; search --index postgresql://… searches such a catalog as well. The
password comes from the URL or from PGPASSWORD.

Exit codes: 0 success, 1 nothing found, 2 bad arguments or unusable index files.`;

const FORMATS: Readonly<Record<string, CitationStyle | 'bibtex'>> = { markdown: 'markdown', latex: 'latex', text: 'plain', bibtex: 'bibtex' };

class UsageError extends Error {}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where `data/papers.json` lives. */
  readonly bundledIndex: string;
}

/** Runs the CLI and resolves to its exit code; all output goes through `io` so tests can capture it. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        index: { type: 'string', multiple: true, default: [] },
        limit: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        strict: { type: 'boolean', default: false },
        into: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined) {
      io.stdout(USAGE);
      return values.help ? 0 : 2;
    }
    const servers = (values.index ?? []).filter(isPostgresUrl);
    const catalog = (): Promise<PaperCatalog> => loadCatalog(io, (values.index ?? []).filter((entry) => !isPostgresUrl(entry)), values.strict ?? false);
    if (command === 'search') {
      if (rest.length !== 1) throw new UsageError('search takes exactly one query (quote it if it has spaces)');
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
      return search(await catalog(), rest[0], limit, values.json ?? false, io, servers);
    }
    if (command === 'load') {
      if (!values.into || !isPostgresUrl(values.into)) throw new UsageError('load needs --into postgresql://USER@HOST/DATABASE');
      if (rest.length === 0) throw new UsageError('load takes one or more index files');
      return loadCommand(values.into, rest, { stdout: io.stdout, stderr: (text) => io.stderr(printable(text)) });
    }
    if (command === 'cite') {
      if (rest.length !== 1) throw new UsageError('cite takes exactly one paper id or citation key');
      const style = FORMATS[values.format ?? ''];
      if (!style) throw new UsageError(`--format must be one of ${Object.keys(FORMATS).join(', ')}`);
      return cite(await catalog(), rest[0], style, io);
    }
    if (command === 'bib') {
      if (rest.length !== 0) throw new UsageError('bib takes no arguments besides --index and --strict');
      io.stdout((await bibliographyFileFor((await catalog()).papers)).trimEnd());
      return 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`paper-lookup: ${(error as Error).message}. Run paper-lookup --help for usage.`);
      return 2;
    }
    if (error instanceof UnusableIndexes) {
      if (error.message !== '') io.stderr(`paper-lookup: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/**
 * The index files cannot be used: none gave a paper, or --strict and one has a problem. The problems are printed;
 * the message, when not empty, sums them up.
 */
class UnusableIndexes extends Error {}

/** Loads the bundled papers and every --index file, printing each problem on stderr as `file:line:column: …`. */
async function loadCatalog(io: CliIo, indexFiles: readonly string[], strict: boolean): Promise<PaperCatalog> {
  const userSources: IndexSource[] = [];
  for (const file of indexFiles) userSources.push(await readSource(path.resolve(file)));
  const catalog = new PaperCatalog([await readSource(io.bundledIndex, 'Bundled papers'), ...userSources]);
  for (const problem of catalog.problems) io.stderr(printable(formatProblem(problem)));
  if (strict && catalog.problems.length > 0) {
    throw new UnusableIndexes(`${catalog.problems.length} index problem${catalog.problems.length > 1 ? 's' : ''} (--strict).`);
  }
  const hasErrors = catalog.problems.some((problem) => problem.severity === 'error');
  if (userSources.length > 0 && userSources.every((source) => source.papers.length === 0) && hasErrors) {
    // One problem line already says why the command failed; after several, a last line says what they added up to.
    const summary = catalog.problems.length > 1 ? `no paper could be loaded from ${indexFiles.length > 1 ? 'any of the index files' : 'the index file'}.` : '';
    throw new UnusableIndexes(summary);
  }
  return catalog;
}

/**
 * The bundled index, or an --index file in the format its name says (./index/sourceFiles.ts), never cancelled;
 * refused, as in the extension, unless it is a regular file within the default size limit.
 */
async function readSource(file: string, displayName?: string): Promise<IndexSource> {
  return (await readSourceFile(file, { displayName, maxBytes: maxFileBytes(undefined) }))!;
}

/**
 * Text for a terminal: control characters (C0 but tab and line feed, DEL, C1) as U+FFFD. A title or a line quoted
 * in a JSON error from an index file can hold ESC sequences, which a terminal would obey (colours, window title,
 * hyperlinks). JSON and BibTeX output carry no raw control characters and are left as they are.
 */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
}

/** The local papers' hits, merged with those of each shared catalog in `servers` (one that fails is reported on stderr). */
async function search(catalog: PaperCatalog, query: string, limit: number, json: boolean, io: CliIo, servers: readonly string[]): Promise<number> {
  let hits = catalog.search(query, limit);
  if (servers.length > 0) {
    const fromServers = await searchServers(servers, query, limit);
    for (const problem of fromServers.problems) io.stderr(printable(`paper-lookup: ${problem}`));
    hits = fromServers.hits.reduce((merged, serverHits) => mergeHits(merged, serverHits, limit), hits);
  }
  if (json) {
    io.stdout(JSON.stringify(hits.map(({ paper, score, matches, unmatched }) => ({ ...paperFields(paper), score, matches, unmatched })), null, 2));
  } else {
    hits.forEach(({ paper, unmatched }, rank) => {
      const byline = [paper.authors?.slice(0, 3).join(', '), paper.year].filter(Boolean).join(' · ');
      const missing = unmatched?.length ? `  (not matched: ${unmatched.join(', ')})` : '';
      io.stdout(printable(`${String(rank + 1).padStart(2)}. ${paper.title}${byline ? ` — ${byline}` : ''}\n    ${paper.key}  (id: ${paper.id})${missing}`));
    });
    if (hits.length === 0) io.stderr(printable(`No papers match "${query}".`));
  }
  return hits.length > 0 ? 0 : 1;
}

async function cite(catalog: PaperCatalog, idOrKey: string, style: CitationStyle | 'bibtex', io: CliIo): Promise<number> {
  const paper = catalog.get(idOrKey) ?? catalog.getByKey(idOrKey);
  if (!paper) {
    io.stderr(printable(`paper-lookup: no paper has the id or key "${idOrKey}". Try: paper-lookup search "<words>"`));
    return 1;
  }
  io.stdout(style === 'bibtex' ? (await bibliographyEntryFor(paper, paper.key)).trimEnd() : formatCitation(paper, style));
  return 0;
}

if (require.main === module) {
  void runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    bundledIndex: path.join(__dirname, '..', 'data', 'papers.json'),
  }).then((code) => {
    process.exitCode = code;
  });
}
