/**
 * `paper-lookup`: the command line over the same pure modules the extension uses.
 *
 *   paper-lookup search "<query>" [--index FILE]... [--limit N] [--json]
 *   paper-lookup cite <id-or-key> --format markdown|latex|text|bibtex [--index FILE]...
 *   paper-lookup bib [--index FILE]...
 *   paper-lookup bench [--sizes 1000,100000] [--json]
 *
 * Exit codes: 0 success, 1 nothing found, 2 bad arguments or a bad index file (one line on stderr).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { toBibtexEntry, toBibtexFile } from './citation/bibtex';
import { formatCitation, type CitationStyle } from './citation/format';
import { PaperCatalog, type IndexSource } from './index/catalog';
import { formatProblem, parseIndexText } from './index/parseIndex';
import { runSearchBench } from './bench/searchBench';
import { KNOWN_ITEMS } from '../test/fixtures/knownItems';

const USAGE = `Usage:
  paper-lookup search "<query>" [--index FILE]... [--limit N] [--json]
  paper-lookup cite <id-or-key> --format markdown|latex|text|bibtex [--index FILE]...
  paper-lookup bib [--index FILE]...
  paper-lookup bench [--sizes 1000,100000] [--json]

search ranks papers; cite prints one citation (bibtex: its .bib entry); bib prints a .bib with
an entry for every loaded paper. Papers come from the bundled index plus every --index file
(JSON index schema version 1). bench times the search engine against plain fuse.js on synthetic
corpora of the given sizes (default 1000,10000,100000,1000000); --json prints one JSON array.`;

const FORMATS: Readonly<Record<string, CitationStyle | 'bibtex'>> = { markdown: 'markdown', latex: 'latex', text: 'plain', bibtex: 'bibtex' };

class UsageError extends Error {}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where `data/papers.json` lives. */
  readonly bundledIndex: string;
}

/** Runs the CLI and returns its exit code; all output goes through `io` so tests can capture it. */
export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        index: { type: 'string', multiple: true, default: [] },
        limit: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        format: { type: 'string' },
        sizes: { type: 'string', default: '1000,10000,100000,1000000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined) {
      io.stdout(USAGE);
      return values.help ? 0 : 2;
    }
    if (command === 'search') {
      if (rest.length !== 1) throw new UsageError('search takes exactly one query (quote it if it has spaces)');
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
      return search(loadCatalog(io, values.index ?? []), rest[0], limit, values.json ?? false, io);
    }
    if (command === 'cite') {
      if (rest.length !== 1) throw new UsageError('cite takes exactly one paper id or citation key');
      const style = FORMATS[values.format ?? ''];
      if (!style) throw new UsageError(`--format must be one of ${Object.keys(FORMATS).join(', ')}`);
      return cite(loadCatalog(io, values.index ?? []), rest[0], style, io);
    }
    if (command === 'bib') {
      if (rest.length !== 0) throw new UsageError('bib takes no arguments besides --index');
      io.stdout(toBibtexFile(loadCatalog(io, values.index ?? []).papers).trimEnd());
      return 0;
    }
    if (command === 'bench') {
      if (rest.length !== 0) throw new UsageError('bench takes no arguments besides --sizes and --json');
      return bench(io, values.sizes ?? '', values.json ?? false);
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`paper-lookup: ${(error as Error).message}. Run paper-lookup --help for usage.`);
      return 2;
    }
    if (error instanceof IndexError) {
      io.stderr(`paper-lookup: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

class IndexError extends Error {}

function loadCatalog(io: CliIo, indexFiles: readonly string[]): PaperCatalog {
  const sources = [readSource(io.bundledIndex, 'Bundled papers'), ...indexFiles.map((file) => readSource(path.resolve(file)))];
  const catalog = new PaperCatalog(sources);
  const firstError = catalog.problems.find((problem) => problem.severity === 'error');
  if (firstError) throw new IndexError(formatProblem(firstError));
  for (const warning of catalog.problems) io.stderr(formatProblem(warning));
  return catalog;
}

function readSource(file: string, displayName?: string): IndexSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'expected a file but found a directory' : (error as Error).message;
    throw new IndexError(`${file}: ${reason}`);
  }
  const parsed = parseIndexText(text, file);
  return { name: displayName ?? parsed.name ?? path.basename(file), location: file, papers: parsed.papers, problems: parsed.problems };
}

function search(catalog: PaperCatalog, query: string, limit: number, json: boolean, io: CliIo): number {
  const hits = catalog.search(query, limit);
  if (json) {
    io.stdout(JSON.stringify(hits.map(({ paper, score, matches }) => ({ ...paper, score, matches })), null, 2));
  } else {
    hits.forEach(({ paper }, rank) => {
      const byline = [paper.authors?.slice(0, 3).join(', '), paper.year].filter(Boolean).join(' · ');
      io.stdout(`${String(rank + 1).padStart(2)}. ${paper.title}${byline ? ` — ${byline}` : ''}\n    ${paper.key}  (id: ${paper.id})`);
    });
    if (hits.length === 0) io.stderr(`No papers match "${query}".`);
  }
  return hits.length > 0 ? 0 : 1;
}

function cite(catalog: PaperCatalog, idOrKey: string, style: CitationStyle | 'bibtex', io: CliIo): number {
  const paper = catalog.get(idOrKey) ?? catalog.getByKey(idOrKey);
  if (!paper) {
    io.stderr(`paper-lookup: no paper has the id or key "${idOrKey}". Try: paper-lookup search "<words>"`);
    return 1;
  }
  io.stdout(style === 'bibtex' ? toBibtexEntry(paper).trimEnd() : formatCitation(paper, style));
  return 0;
}

function bench(io: CliIo, sizesText: string, json: boolean): number {
  const sizes = sizesText.split(',').map((size) => Number(size.trim()));
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new UsageError(`--sizes must be positive whole numbers separated by commas, got "${sizesText}"`);
  }
  const seed = readSource(io.bundledIndex, 'Bundled papers').papers;
  const rows = runSearchBench({ sizes, seed, knownItems: KNOWN_ITEMS, log: json ? io.stderr : io.stdout });
  if (json) io.stdout(JSON.stringify(rows, null, 2));
  return 0;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    bundledIndex: path.join(__dirname, '..', 'data', 'papers.json'),
  });
}
