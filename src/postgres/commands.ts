/**
 * The command line's shared-catalog commands (src/cli.ts): `load --into postgresql://… FILE...` and the server part
 * of `search --index postgresql://…`. Pure: no `vscode` import; output goes through the callbacks given.
 *
 * The password comes from the URL or from PGPASSWORD (node-postgres reads it), never from a prompt: the CLI runs in
 * scripts and CI.
 */
import * as path from 'node:path';
import type { LoadedPaper } from '../papers/paper';
import { formatProblem } from '../sources/parseIndex';
import type { SearchHit } from '../search/search';
import { clientConfig, describeConnectionError, describeServer } from './connection';
import { loadFiles } from './loader';
import { ensureSchema, SchemaError } from './schema';
import { connect, PostgresCatalog } from './search';

export interface CommandOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** Loads the files into the catalog at `url`, creating its schema if need be; resolves to the exit code. */
export async function loadCommand(url: string, files: readonly string[], io: CommandOutput, now = (): number => Date.now()): Promise<number> {
  const server = describeServer(url);
  let client;
  try {
    client = await connect(clientConfig(url, undefined, { statementTimeoutMs: 0 }));
  } catch (error) {
    io.stderr(`paper-lookup: ${describeConnectionError(url, error)}`);
    return 2;
  }
  try {
    await ensureSchema(client);
    const started = now();
    let lastReport = started;
    let problems = 0;
    let errors = 0;
    const counts = await loadFiles(client, files.map((file) => path.resolve(file)), {
      onProblem: (problem) => {
        problems++;
        if (problem.severity === 'error') errors++;
        io.stderr(formatProblem(problem));
      },
      onStep: (step) => io.stderr(`${step}…`),
      onProgress: ({ file, papers, bytes }) => {
        if (now() - lastReport < 1000) return;
        lastReport = now();
        io.stderr(`${path.basename(file)}: ${papers.toLocaleString('en')} papers read${bytes === undefined ? '' : ` (${(bytes / 2 ** 20).toFixed(0)} MB)`}`);
      },
    });
    const seconds = Math.max(0.001, (now() - started) / 1000);
    io.stdout(
      `Loaded ${counts.read.toLocaleString('en')} papers into ${server} in ${seconds.toFixed(1)} s (${Math.round(counts.read / seconds).toLocaleString('en')} papers/s): ` +
        `${counts.inserted} new, ${counts.updated} updated, ${counts.unchanged} unchanged${counts.rejected > 0 ? `, ${counts.rejected} refused by the server` : ''}` +
        `${problems > 0 ? `; ${problems} problem${problems > 1 ? 's' : ''} (above)` : ''}.`,
    );
    return counts.read === 0 && errors > 0 ? 2 : 0;
  } catch (error) {
    io.stderr(`paper-lookup: ${error instanceof SchemaError ? `${server}: ${error.message}` : describeConnectionError(url, error)}`);
    return 2;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Every catalog's hits for the query; a catalog that cannot be searched adds a message to `problems` instead, and
 * the others (and the local papers) are still used.
 */
export async function searchServers(urls: readonly string[], query: string, limit: number, keyTemplate?: string): Promise<{ hits: SearchHit<LoadedPaper>[][]; problems: string[] }> {
  const hits: SearchHit<LoadedPaper>[][] = [];
  const problems: string[] = [];
  for (const url of urls) {
    const catalog = new PostgresCatalog({ config: clientConfig(url), name: describeServer(url), keyTemplate });
    try {
      hits.push((await catalog.search(query, limit)) ?? []);
    } catch (error) {
      problems.push(describeConnectionError(url, error));
    } finally {
      await catalog.close();
    }
  }
  return { hits, problems };
}
