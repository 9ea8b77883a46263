/**
 * The shared catalog against a real PostgreSQL: a throwaway cluster (scripts/postgres-cluster.mjs) on 127.0.0.1,
 * started for this file and removed after it. Skipped when PostgreSQL's programs are not installed, except on CI
 * (CI set), where that fails: scripts/ci-debian-packages.txt installs postgresql and postgresql-contrib.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bibliographyEntryFor } from '../../src/bibtex/bibEntryCopy';
import { runCli } from '../../src/cli';
import { clientConfig, describeConnectionError } from '../../src/postgres/connection';
import { loadFiles, refreshTopPapers } from '../../src/postgres/loader';
import { ensureSchema, PAPERS_TABLE, SchemaError } from '../../src/postgres/schema';
import { connect, PostgresCatalog } from '../../src/postgres/search';
import { formatProblem, type IndexProblem } from '../../src/sources/parseIndex';
import { readSourceFile } from '../../src/sources/sourceFiles';
import type { Cluster } from '../../scripts/postgres-cluster.mjs' with { 'resolution-mode': 'import' };

const root = path.join(__dirname, '..', '..');
const bundled = path.join(root, 'data', 'papers.json');
const hostileDir = path.join(root, 'test', 'fixtures', 'hostile');
const injection = path.join(root, 'test', 'fixtures', 'postgres', 'sql-injection.jsonl');

const SQL_INJECTIONS = [
  "'; DROP TABLE paper_lookup.papers; --",
  "' OR '1'='1",
  "Robert'); DROP TABLE students;--",
  '$$; DROP TABLE paper_lookup.papers; $$',
  "E'\\x27' || pg_sleep(5)",
  "foo & !bar | baz:* <-> ')",
  '\\',
  "'",
  '%_%',
  'graph\u0000neural',
];

function isCi(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

describe('shared catalog on PostgreSQL', function () {
  this.timeout(120_000);
  let cluster: Cluster;

  before(async function () {
    const { postgresAvailable, startCluster } = await import('../../scripts/postgres-cluster.mjs');
    if (!postgresAvailable()) {
      assert.ok(!isCi(), 'PostgreSQL is not installed (scripts/ci-debian-packages.txt lists postgresql), and CI says this run must test it');
      console.log('      skipped: PostgreSQL is not installed (Debian: postgresql, postgresql-contrib)');
      this.skip();
    }
    cluster = await startCluster({ database: 'papers' });
  });

  after(async () => {
    await cluster?.stop();
  });

  const count = async (): Promise<number> => Number(await cluster.psql(`SELECT count(*) FROM ${PAPERS_TABLE}`));

  async function load(files: readonly string[], batchSize?: number): Promise<{ counts: Awaited<ReturnType<typeof loadFiles>>; problems: IndexProblem[] }> {
    const client = await connect(clientConfig(cluster.url));
    try {
      await ensureSchema(client);
      const problems: IndexProblem[] = [];
      const counts = await loadFiles(client, files, { onProblem: (problem) => problems.push(problem), ...(batchSize ? { batchSize } : {}) });
      return { counts, problems };
    } finally {
      await client.end();
    }
  }

  it('loads the bundled papers, the hostile corpus and SQL-injection records: good rows in, bad rows reported with file:line, nothing run', async () => {
    const hostile = readdirSync(hostileDir).filter((name) => /\.(json|jsonl|bib)$/.test(name)).map((name) => path.join(hostileDir, name));
    const files = [bundled, ...hostile, injection];
    const { counts, problems } = await load(files);
    // What the extension's own readers make of the same files is what the catalog holds.
    const expected = new Set<string>();
    for (const file of files) for (const paper of (await readSourceFile(file))?.papers ?? []) expected.add(paper.id);
    assert.equal(await count(), expected.size);
    assert.equal(counts.rejected, 0);
    const lines = problems.map(formatProblem);
    assert.ok(lines.some((line) => line.startsWith(`${path.join(hostileDir, 'invalid-line-mid-file.jsonl')}:2:`)), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith(`${path.join(hostileDir, 'truncated.bib')}:6:`)), lines.join('\n'));
    // The injection strings are stored as they were written, and none ran.
    assert.equal(await cluster.psql(`SELECT title FROM ${PAPERS_TABLE} WHERE id = '2401.00001'`), "'; DROP TABLE paper_lookup.papers; --");
    assert.equal(await cluster.psql(`SELECT count(*) FROM ${PAPERS_TABLE} WHERE id = '2401.00002''); DELETE FROM paper_lookup.papers; --'`), '1');
    assert.match(await cluster.psql(`SELECT abstract FROM ${PAPERS_TABLE} WHERE id = '2401.00001'`), /also \\\. on its own and \\N and a tab here\.$/);
    assert.ok(!existsSync('/tmp/paper-lookup-pwned'));
    // The search indexes, dropped for a load into an empty table, are built again at its end.
    assert.equal(await cluster.psql("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'paper_lookup'"), 'papers_arxiv_id,papers_authors_trgm,papers_document,papers_doi,papers_heading,papers_pkey,papers_title_trgm,word_top_papers_pkey,words_pkey,words_prefix');
  });

  it('loads again without duplicates, and a load stopped halfway resumes', async () => {
    const before = await count();
    const again = await load([bundled, injection]);
    assert.equal(again.counts.inserted, 0);
    assert.equal(again.counts.updated, 0);
    assert.equal(await count(), before);

    // A load that dies after its first batches keeps them; running it again adds only the rest.
    await cluster.psql(`TRUNCATE ${PAPERS_TABLE}`);
    const client = await connect(clientConfig(cluster.url));
    let batches = 0;
    await assert.rejects(loadFiles(client, [bundled], {
      batchSize: 10,
      onProgress: () => {
        if (++batches === 2) throw new Error('connection lost');
      },
    }), /connection lost/);
    await client.end();
    assert.equal(await count(), 20);
    const resumed = await load([bundled], 10);
    assert.equal(resumed.counts.unchanged, 20);
    assert.equal(resumed.counts.inserted, 26);
    assert.equal(await count(), 46);
    await load([injection]);
  });

  it('finds papers with a typo, by prefix, and by names folded as the local engine folds them', async () => {
    const catalog = new PostgresCatalog({ config: clientConfig(cluster.url), name: 'lab' });
    try {
      const first = async (query: string): Promise<string | undefined> => (await catalog.search(query, 10))?.[0]?.paper.title;
      assert.equal(await first('poiner netwroks'), 'Pointer Networks');
      assert.equal(await first('pointer netw'), 'Pointer Networks');
      assert.equal(await first('vinyals'), 'Pointer Networks');
      for (const query of ['ostergaard', 'garcia', 'strasse', 'godel', 'Østergaard']) {
        assert.equal(await first(query), 'Accents folded: Østergaard, García and the Straße to Gödel', query);
      }
      const [hit] = (await catalog.search('pointer networks', 1)) ?? [];
      assert.equal(hit.paper.key, 'vinyalsPointerNetworks2015');
      assert.equal(hit.paper.source, 'lab');
      assert.deepEqual(hit.matches.find((match) => match.field === 'title')?.ranges, [[0, 7], [8, 16]]);
    } finally {
      await catalog.close();
    }
  });

  it('names a word nothing matches on each hit, and starts a query of common words from their best papers', async () => {
    const catalog = new PostgresCatalog({ config: clientConfig(cluster.url), name: 'lab' });
    try {
      const partial = (await catalog.search('pointer zzqx ', 10)) ?? [];
      assert.equal(partial[0]?.paper.title, 'Pointer Networks');
      assert.deepEqual(partial[0]?.unmatched, ['zzqx']);
      // "networks" made common, as in a catalog of millions: it gets a list of its best papers, and a query of it
      // alone is answered from that list (the GIN index is not asked: the plan has no index condition).
      await cluster.psql("UPDATE paper_lookup.words SET papers = 50000 WHERE word IN ('networks', 'pointer')");
      const client = await connect(clientConfig(cluster.url));
      try {
        await refreshTopPapers(client);
      } finally {
        await client.end();
      }
      assert.ok(Number(await cluster.psql("SELECT count(*) FROM paper_lookup.word_top_papers WHERE word = 'networks'")) >= 2);
      const titles = ((await catalog.search('networks', 10)) ?? []).map((hit) => hit.paper.title);
      assert.equal(titles.length, 10);
      assert.ok(titles.every((title) => /networks/i.test(title)), titles.join(' | '));
      assert.equal((await catalog.search('pointer networks', 10))?.[0]?.paper.title, 'Pointer Networks', 'every word common: the lists, filtered by the other word');
      // A paper in neither word's list (in millions of papers, two common words share few of their best papers) is
      // found through the index, which and-s the words typed in full.
      await cluster.psql("DELETE FROM paper_lookup.word_top_papers WHERE id = (SELECT id FROM paper_lookup.papers WHERE title = 'Pointer Networks')");
      assert.equal((await catalog.search('pointer networks', 10))?.[0]?.paper.title, 'Pointer Networks', 'every word common, neither list has it');
    } finally {
      await cluster.psql("UPDATE paper_lookup.words SET papers = 1 WHERE word IN ('networks', 'pointer')");
      await catalog.close();
    }
  });

  it('takes SQL-injection strings as queries: no error, nothing run, the table intact', async () => {
    const before = await count();
    const catalog = new PostgresCatalog({ config: clientConfig(cluster.url), name: 'lab' });
    try {
      for (const query of SQL_INJECTIONS) {
        const hits = await catalog.search(query, 10);
        assert.ok(Array.isArray(hits), query);
      }
      assert.ok(((await catalog.search("DROP TABLE paper_lookup.papers", 10)) ?? []).some((hit) => hit.paper.id === '2401.00001'));
      assert.ok(((await catalog.search('foo bar baz qux', 10)) ?? []).some((hit) => hit.paper.id === '2401.00005'));
    } finally {
      await catalog.close();
    }
    assert.equal(await count(), before);
  });

  it('cancels a running search when a newer one starts', async () => {
    const catalog = new PostgresCatalog({ config: clientConfig(cluster.url), name: 'lab' });
    const locker = await connect(clientConfig(cluster.url));
    try {
      await catalog.search('warm', 5);
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${PAPERS_TABLE} IN ACCESS EXCLUSIVE MODE`);
      const older = catalog.search('graph', 5);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const newer = catalog.search('pointer', 5);
      assert.equal(await older, undefined);
      await locker.query('COMMIT');
      assert.equal((await newer)?.[0]?.paper.title, 'Pointer Networks');
    } finally {
      await locker.end();
      await catalog.close();
    }
  });

  it('cites a server paper into a .bib that pdflatex + bibtex compile', async function () {
    if (spawnSync('pdflatex', ['--version'], { stdio: 'ignore' }).error !== undefined) {
      assert.ok(!isCi(), 'pdflatex is not installed, and CI says this run must check it');
      this.skip();
    }
    const catalog = new PostgresCatalog({ config: clientConfig(cluster.url), name: 'lab' });
    const dir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-pg-cite-'));
    try {
      const papers = [...((await catalog.search('pointer networks', 1)) ?? []), ...((await catalog.search('DROP TABLE', 1)) ?? []), ...((await catalog.search('Østergaard', 1)) ?? [])].map((hit) => hit.paper);
      assert.equal(papers.length, 3);
      const entries = await Promise.all(papers.map((paper) => bibliographyEntryFor(paper, paper.key)));
      writeFileSync(path.join(dir, 'refs.bib'), entries.join('\n'));
      writeFileSync(path.join(dir, 'paper.tex'), ['\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage{lmodern}', '\\begin{document}', `Cited \\cite{${papers.map((paper) => paper.key).join(',')}}.`, '\\bibliographystyle{plain}', '\\bibliography{refs}', '\\end{document}'].join('\n'));
      const run = (program: string, ...args: string[]): string => {
        const result = spawnSync(program, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
        assert.equal(result.status, 0, `${program} failed:\n${result.stdout}${result.stderr}`);
        return result.stdout;
      };
      run('pdflatex', '-interaction=nonstopmode', '-halt-on-error', 'paper');
      const bibtex = run('bibtex', 'paper');
      assert.doesNotMatch(bibtex, /Warning|error/i, bibtex);
      run('pdflatex', '-interaction=nonstopmode', '-halt-on-error', 'paper');
      const log = run('pdflatex', '-interaction=nonstopmode', '-halt-on-error', 'paper');
      assert.doesNotMatch(log, /undefined/i);
      assert.ok(existsSync(path.join(dir, 'paper.pdf')));
    } finally {
      await catalog.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says the server is unreachable when it stops mid-session, and finds papers again when it is back', async () => {
    const catalog = new PostgresCatalog({ config: clientConfig(cluster.url), name: 'lab' });
    try {
      assert.equal((await catalog.search('pointer', 1))?.[0]?.paper.title, 'Pointer Networks');
      await cluster.pause();
      const error = await catalog.search('pointer', 1).then(() => undefined, (failure: unknown) => failure);
      assert.ok(error, 'the search failed');
      const again = await catalog.search('pointer', 1).then(() => undefined, (failure: unknown) => failure);
      assert.match(describeConnectionError(cluster.url, again), /^Cannot reach postgres@127\.0\.0\.1:\d+\/papers: nothing is listening there/);
      assert.doesNotMatch(describeConnectionError(cluster.url, again), new RegExp(cluster.password));
      await cluster.resume();
      assert.equal((await catalog.search('pointer', 1))?.[0]?.paper.title, 'Pointer Networks');
    } finally {
      await catalog.close();
    }
  });

  it('names the missing privilege when a role may not create the catalog, and lets a read-only role search', async () => {
    await cluster.psql("CREATE ROLE editor LOGIN PASSWORD 'editor-pw'");
    await cluster.psql('CREATE DATABASE empty');
    const url = (database: string): string => cluster.url.replace(/\/\/postgres:[^@]*@/, '//editor:editor-pw@').replace(/\/papers$/, `/${database}`);
    const client = await connect(clientConfig(url('empty')));
    try {
      await assert.rejects(ensureSchema(client), (error: unknown) => error instanceof SchemaError && /may not create the extension "pg_trgm".*GRANT CREATE ON DATABASE "empty" TO "editor"/.test(error.message));
    } finally {
      await client.end();
    }
    await cluster.psql("GRANT USAGE ON SCHEMA paper_lookup TO editor; GRANT SELECT ON ALL TABLES IN SCHEMA paper_lookup TO editor");
    const catalog = new PostgresCatalog({ config: clientConfig(url('papers')), name: 'lab' });
    try {
      assert.equal((await catalog.search('pointer', 1))?.[0]?.paper.title, 'Pointer Networks');
    } finally {
      await catalog.close();
    }
    const stderr: string[] = [];
    const code = await runCli(['load', '--into', url('papers'), bundled], { stdout: () => undefined, stderr: (text) => stderr.push(text), bundledIndex: bundled });
    assert.equal(code, 2);
    assert.match(stderr.join('\n'), /permission denied/);
  });

  it('CLI: load --into and search --index postgresql://, the password from PGPASSWORD', async () => {
    const io = () => {
      const out = { stdout: [] as string[], stderr: [] as string[] };
      return { out, io: { stdout: (text: string) => out.stdout.push(text), stderr: (text: string) => out.stderr.push(text), bundledIndex: bundled } };
    };
    const saved = process.env.PGPASSWORD;
    process.env.PGPASSWORD = cluster.password;
    try {
      const loading = io();
      assert.equal(await runCli(['load', '--into', cluster.urlWithoutPassword, injection], loading.io), 0);
      assert.match(loading.out.stdout.join('\n'), /^Loaded 5 papers into postgres@127\.0\.0\.1:\d+\/papers in [\d.]+ s \([\d,]+ papers\/s\): 0 new, 0 updated, 5 unchanged\.$/);
      assert.match(loading.out.stderr.join('\n'), /Counting the words of the catalog for the search…/, 'the long step after the papers is announced');
      const searching = io();
      assert.equal(await runCli(['search', 'ostergard', '--index', cluster.urlWithoutPassword, '--limit', '3'], searching.io), 0);
      assert.match(searching.out.stdout.join('\n'), /^ 1\. Accents folded: Østergaard/);
    } finally {
      if (saved === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = saved;
    }
    const down = io();
    assert.equal(await runCli(['search', 'pointer networks', '--index', 'postgresql://nobody@127.0.0.1:1/none', '--limit', '1'], down.io), 0);
    assert.match(down.out.stderr.join('\n'), /Cannot reach nobody@127\.0\.0\.1:1\/none: nothing is listening there/);
    assert.match(down.out.stdout.join('\n'), /Pointer Networks/);
  });
});
