/**
 * Files that would hang or exhaust the reader (src/sources/regularFile.ts): a FIFO, a symlink to /dev/zero, a
 * socket, a directory and a file over the size limit are each refused at once with one problem that names the
 * file, in every way an index file is read (the host's and the worker's reader, the cache's stamping, the
 * CLI), and the other index files still load.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli';
import { PaperCatalog } from '../../src/catalog/catalog';
import { stampSources } from '../../src/catalog/indexCache';
import { formatProblem } from '../../src/sources/parseIndex';
import { formatSize, readRegularFile, RefusedFileError } from '../../src/sources/regularFile';
import { readSourceFile } from '../../src/sources/sourceFiles';

const root = path.join(__dirname, '..', '..');
const bundledPath = path.join(root, 'data', 'papers.json');
const goodIndex = JSON.stringify({ version: 1, papers: [{ id: 'good', title: 'A Good Paper About Graphs', abstract: 'Graphs.' }] });

describe('index files that are not regular files, or too big', function () {
  // Generous: a reader that blocked on the FIFO would hit it and fail the test, never pass it.
  this.timeout(20_000);
  let folder: string;
  let server: Server | undefined;

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-regular-'));
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  const fifo = (name: string): string => {
    const file = path.join(folder, name);
    execFileSync('mkfifo', [file]);
    return file;
  };
  const linkToDevZero = (name: string): string => {
    const file = path.join(folder, name);
    symlinkSync('/dev/zero', file);
    return file;
  };
  const socket = async (name: string): Promise<string> => {
    const file = path.join(folder, name);
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(file, resolve));
    return file;
  };
  const onlyProblem = async (file: string, maxBytes?: number): Promise<string> => {
    const source = (await readSourceFile(file, { maxBytes }))!;
    assert.deepEqual(source.papers, []);
    assert.equal(source.problems.length, 1, source.problems.map(formatProblem).join('\n'));
    return formatProblem(source.problems[0]);
  };

  it('refuses a FIFO in every format without waiting for a writer', async () => {
    for (const name of ['pipe.json', 'pipe.bib', 'pipe.jsonl']) {
      const file = fifo(name);
      assert.equal(await onlyProblem(file), `${file}:1:1: error: ${name} is a FIFO (named pipe), not a regular file; not read.`);
    }
  });

  it('refuses a symlink to /dev/zero at once, JSON Lines (which have no size limit) included', async () => {
    for (const name of ['zero.json', 'zero.jsonl']) {
      const file = linkToDevZero(name);
      assert.equal(await onlyProblem(file), `${file}:1:1: error: ${name} is a character device, not a regular file; not read.`);
    }
  });

  it('refuses a socket', async () => {
    const file = await socket('listening.json');
    assert.equal(await onlyProblem(file), `${file}:1:1: error: listening.json is a socket, not a regular file; not read.`);
  });

  it('keeps its message for a directory', async () => {
    const file = path.join(folder, 'folder.json');
    mkdirSync(file);
    assert.equal(await onlyProblem(file), `${file}:1:1: error: Expected an index file but found a directory.`);
  });

  it('refuses a JSON or .bib file over the size limit, naming its size and the setting; JSON Lines are streamed whatever their size', async () => {
    const big = path.join(folder, 'big.json');
    writeFileSync(big, JSON.stringify({ version: 1, papers: [{ id: 'x', title: 'X', abstract: 'y'.repeat(2 * 1024 * 1024) }] }));
    assert.equal(
      await onlyProblem(big, 1024 * 1024),
      `${big}:1:1: error: big.json is 2 MB, more than the 1 MB a file may have (the setting paperLookup.maxFileSizeMB); not read.`,
    );
    assert.equal((await readSourceFile(big, { maxBytes: 3 * 1024 * 1024 }))!.papers.length, 1, 'under the limit it loads');
    const bigLines = path.join(folder, 'big.jsonl');
    writeFileSync(bigLines, `${JSON.stringify({ id: '2101.00001', title: 'Long', abstract: 'y'.repeat(2 * 1024 * 1024) })}\n`);
    assert.equal((await readSourceFile(bigLines, { maxBytes: 1024 * 1024 }))!.papers.length, 1);
  });

  it('reads no further than the limit, whatever the file said its size was', async () => {
    // /proc files say they are empty and are not.
    await assert.rejects(readRegularFile('/proc/self/maps', { maxBytes: 10 }), (error: unknown) => error instanceof RefusedFileError && error.code === 'ETOOBIG');
    assert.ok((await readRegularFile('/proc/self/maps')).byteLength > 10);
  });

  it('keeps non-regular and oversized files out of the cache key, and so out of the worker', async () => {
    const good = path.join(folder, 'good.json');
    writeFileSync(good, goodIndex);
    const [stamp] = await stampSources([good], { maxBytes: 1024 });
    assert.equal(stamp.size, goodIndex.length);
    await assert.rejects(stampSources([fifo('pipe.json')]), /FIFO/);
    await assert.rejects(stampSources([linkToDevZero('zero.json')]), /character device/);
    await assert.rejects(stampSources([good], { maxBytes: 10 }), /more than the 10 bytes/);
  });

  it('loads the bundled papers and the good file beside a FIFO and a /dev/zero link, with a problem naming each', async () => {
    const good = path.join(folder, 'good.json');
    writeFileSync(good, goodIndex);
    const files = [fifo('pipe.json'), linkToDevZero('zero.json'), good];
    const sources = [(await readSourceFile(bundledPath, { displayName: 'Bundled papers' }))!];
    for (const file of files) sources.push((await readSourceFile(file, { maxBytes: 1024 * 1024 }))!);
    const catalog = await PaperCatalog.build(sources, '[auth:lower][shorttitle3_3][year]');
    const bundledCount = JSON.parse(readFileSync(bundledPath, 'utf8')).papers.length;
    assert.equal(catalog.size, bundledCount + 1);
    assert.ok(catalog.get('good'));
    assert.deepEqual(
      catalog.problems.map((problem) => problem.file),
      files.slice(0, 2),
    );
  });

  it('the CLI refuses them too and uses the good file', async () => {
    const good = path.join(folder, 'good.json');
    writeFileSync(good, goodIndex);
    const out: string[] = [];
    const err: string[] = [];
    const zero = linkToDevZero('zero.json');
    const code = await runCli(['cite', 'good', '--format', 'latex', '--index', zero, '--index', good], {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      bundledIndex: bundledPath,
    });
    assert.equal(code, 0);
    assert.deepEqual(out, ['\\cite{goodPaperGraphs}']);
    assert.deepEqual(err, [`${zero}:1:1: error: zero.json is a character device, not a regular file; not read.`]);
  });
});

describe('formatSize', () => {
  it('says sizes as the setting counts them', () => {
    assert.equal(formatSize(312), '312 bytes');
    assert.equal(formatSize(900 * 1024), '900 KB');
    assert.equal(formatSize(12.5 * 1024 * 1024), '12.5 MB');
    assert.equal(formatSize(200 * 1024 * 1024), '200 MB');
  });
});
