/**
 * `paper-lookup`: the command line over the same pure modules the extension uses.
 *
 *   paper-lookup search "<query>" [--index FILE]... [--limit N] [--json] [--strict]
 *   paper-lookup cite <id-or-key> --format markdown|latex|typst|text|bibtex|hayagriva [--style STYLE] [--index FILE]... [--strict]
 *   paper-lookup bib [--index FILE]... [--strict]
 *   paper-lookup lookup <identifier> [--format bibtex|markdown|latex|json]
 *   paper-lookup load --into postgresql://… FILE...
 *
 * Like the extension, it keeps going past a bad index file: every problem is one `file:line:column:` line on
 * stderr and the good entries (and the other files) are used. Exit codes: 0 success, 1 nothing found,
 * 2 bad arguments, no usable paper in any --index file, or (with --strict) any index problem.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { bibliographyEntryFor, bibliographyFileFor } from './bibtex/bibEntryCopy';
import { CslReferences, DEFAULT_STYLE } from './citation/csl/cslReferences';
import { formatCitation, type CitationStyle } from './citation/format';
import { toHayagrivaEntry } from './citation/hayagriva';
import { PaperCatalog } from './catalog/catalog';
import type { IndexSource } from './sources/paperSource';
import { formatProblem } from './sources/parseIndex';
import { maxFileBytes } from './sources/regularFile';
import { readSourceFile } from './sources/sourceFiles';
import { BUNDLED_INDEX_NAME, BUNDLED_INDEX_PATH } from './sources/bundledSource';
import { OnlineError, PoliteHttp } from './online/http';
import { parseIdentifier } from './online/identifier';
import { DEFAULT_ENDPOINTS, lookUpPaper, userAgent, type OnlineEndpoints } from './online/lookup';
import { ONLINE_LOOKUPS_NAME } from './online/storedPapers';
import { isPostgresUrl } from './postgres/connection';
import { loadCommand, searchServers } from './postgres/commands';
import { mergeHits } from './postgres/merge';

const USAGE = `Usage:
  paper-lookup search "<query>" [--index FILE]... [--limit N] [--json] [--strict]
  paper-lookup cite <id-or-key> --format markdown|latex|typst|text|bibtex|hayagriva [--style STYLE] [--index FILE]... [--strict]
  paper-lookup bib [--index FILE]... [--strict]
  paper-lookup lookup <identifier> [--format bibtex|markdown|latex|json]
  paper-lookup load --into postgresql://USER@HOST/DB FILE...

search ranks papers; cite prints one citation (bibtex, hayagriva: its .bib or Typst .yml entry; text: its reference
in a CSL style, --style apa (the default), ieee, chicago-author-date, nature, vancouver, or a .csl file's path);
bib prints a .bib with an entry for every loaded paper. Papers come from the bundled index plus every --index file:
a JSON index (schema version 1) or CSL JSON (a JSON array), a BibTeX .bib, arXiv JSON Lines (.jsonl, .ndjson), or
a Zotero library's zotero.sqlite (read safely while Zotero runs).
A problem in an index file is printed on stderr as file:line:column: and the rest of the file
and the other files are still used; the exit code is 2 only when no --index file gave a paper.
--strict exits 2 on any index problem, warnings included, without running the command (for CI).
lookup fetches one paper online by its arXiv id, DOI, or arxiv.org, doi.org or huggingface.co/papers
link (arXiv; Crossref, then DataCite) and prints it (default: bibtex). The environment variables
PAPER_LOOKUP_ARXIV_URL, PAPER_LOOKUP_CROSSREF_URL, PAPER_LOOKUP_DATACITE_URL and
PAPER_LOOKUP_HUGGINGFACE_URL change the services' addresses; PAPER_LOOKUP_CROSSREF_MAILTO is
sent to Crossref as its etiquette asks.
Only regular files are read (not FIFOs or devices, also behind symlinks); JSON and .bib files
over 200 MB are refused (JSON Lines files are streamed and have no limit).
load puts the files' papers into a shared PostgreSQL catalog (creating its schema), updating
papers loaded before; search --index postgresql://… searches such a catalog as well. The
password comes from the URL or from PGPASSWORD.

Exit codes: 0 success, 1 nothing found, 2 bad arguments or unusable index files.`;

const FORMATS: Readonly<Record<string, CitationStyle | EntryFormat>> = { markdown: 'markdown', latex: 'latex', text: 'plain', bibtex: 'bibtex', typst: 'typst', hayagriva: 'hayagriva' };

/** Formats that print the paper's bibliography entry rather than a citation. */
type EntryFormat = 'bibtex' | 'hayagriva';

class UsageError extends Error {}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Where `data/papers.json` lives. */
  readonly bundledIndex: string;
  /** For `lookup`: the services' addresses (default: the public ones) and `fetch` (default: Node's). */
  readonly endpoints?: OnlineEndpoints;
  readonly fetch?: typeof globalThis.fetch;
}

const LOOKUP_FORMATS: Readonly<Record<string, CitationStyle | 'bibtex' | 'json'>> = { bibtex: 'bibtex', markdown: 'markdown', latex: 'latex', json: 'json' };

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
        style: { type: 'string' },
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
      if (values.style !== undefined && style !== 'plain') throw new UsageError('--style goes with --format text');
      return cite(await catalog(), rest[0], style, values.style ?? DEFAULT_STYLE, io);
    }
    if (command === 'bib') {
      if (rest.length !== 0) throw new UsageError('bib takes no arguments besides --index and --strict');
      io.stdout((await bibliographyFileFor(await catalog())).trimEnd());
      return 0;
    }
    if (command === 'lookup') {
      if (rest.length !== 1) throw new UsageError('lookup takes exactly one arXiv id, DOI or paper link');
      const format = LOOKUP_FORMATS[values.format ?? 'bibtex'];
      if (!format) throw new UsageError(`--format must be one of ${Object.keys(LOOKUP_FORMATS).join(', ')}`);
      return await lookup(rest[0], format, io);
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
  const catalog = new PaperCatalog([await readSource(io.bundledIndex, BUNDLED_INDEX_NAME), ...userSources]);
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
 * The bundled index, or an --index file in the format its name says (./sources/formats.ts), never cancelled;
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
    io.stdout(JSON.stringify(hits.map(({ paper, score, matches, unmatched }) => ({ ...paper, score, matches, unmatched })), null, 2));
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

async function cite(catalog: PaperCatalog, idOrKey: string, style: CitationStyle | EntryFormat, cslStyle: string, io: CliIo): Promise<number> {
  const paper = catalog.get(idOrKey) ?? catalog.getByKey(idOrKey);
  if (!paper) {
    io.stderr(printable(`paper-lookup: no paper has the id or key "${idOrKey}". Try: paper-lookup search "<words>"`));
    return 1;
  }
  if (style === 'bibtex') {
    io.stdout((await bibliographyEntryFor(paper, paper.key)).trimEnd());
  } else if (style === 'hayagriva') {
    io.stdout(toHayagrivaEntry(paper, paper.key));
  } else if (style === 'plain') {
    // The extension's plain reference with no template set: the formatted reference, a .csl path taken from here.
    const { text, styleProblem } = await cslReferences(io).reference(paper, cslStyle, process.cwd());
    // Asked for on the command line, a style that cannot be used is a bad argument, not a reason to print APA.
    if (styleProblem) {
      io.stderr(printable(`paper-lookup: ${styleProblem}`));
      return 2;
    }
    io.stdout(printable(text));
  } else {
    io.stdout(formatCitation(paper, style));
  }
  return 0;
}

async function lookup(input: string, format: CitationStyle | 'bibtex' | 'json', io: CliIo): Promise<number> {
  const identifier = parseIdentifier(input);
  if (!identifier) throw new UsageError(`"${input}" is not an arXiv id, a DOI, or an arxiv.org, doi.org or huggingface.co/papers link`);
  const http = new PoliteHttp({
    fetch: io.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    userAgent: userAgent('cli', packageVersion(io.bundledIndex)),
  });
  let found;
  try {
    found = await lookUpPaper(identifier, http, io.endpoints ?? endpointsFromEnvironment());
  } catch (error) {
    if (!(error instanceof OnlineError)) throw error;
    io.stderr(printable(`paper-lookup: ${error.message}`));
    return 1;
  }
  // Keyed as in the extension: the key template applied to this one paper.
  const [paper] = new PaperCatalog([{ name: ONLINE_LOOKUPS_NAME, location: 'online', papers: [found.paper], problems: [] }]);
  if (format === 'json') io.stdout(JSON.stringify(paper, null, 2));
  else io.stdout(format === 'bibtex' ? (await bibliographyEntryFor(paper, paper.key)).trimEnd() : printable(formatCitation(paper, format)));
  return 0;
}

function endpointsFromEnvironment(): OnlineEndpoints {
  const env = (name: string, fallback: string): string => process.env[name]?.trim() || fallback;
  return {
    arxiv: env('PAPER_LOOKUP_ARXIV_URL', DEFAULT_ENDPOINTS.arxiv),
    crossref: env('PAPER_LOOKUP_CROSSREF_URL', DEFAULT_ENDPOINTS.crossref),
    datacite: env('PAPER_LOOKUP_DATACITE_URL', DEFAULT_ENDPOINTS.datacite),
    huggingFace: env('PAPER_LOOKUP_HUGGINGFACE_URL', DEFAULT_ENDPOINTS.huggingFace),
    crossrefMailto: env('PAPER_LOOKUP_CROSSREF_MAILTO', ''),
  };
}

/** The package's version, for the User-Agent: package.json sits one folder above `data/papers.json`. */
function packageVersion(bundledIndex: string): string {
  try {
    const version: unknown = JSON.parse(readFileSync(path.join(path.dirname(bundledIndex), '..', 'package.json'), 'utf8')).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The bundled styles are in media/csl/ beside the bundled index's data/ folder. */
function cslReferences(io: CliIo): CslReferences {
  return new CslReferences({ bundledFolder: path.join(path.dirname(io.bundledIndex), '..', 'media', 'csl'), readFile: (file) => readFile(file, 'utf8') });
}

if (require.main === module) {
  void runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    bundledIndex: path.join(__dirname, '..', ...BUNDLED_INDEX_PATH),
  }).then((code) => {
    process.exitCode = code;
  });
}
