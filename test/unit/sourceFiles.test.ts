/**
 * Files on disk as paper sources (src/sources/sourceFiles.ts) and the format registry (src/sources/formats.ts): the
 * format comes from the file's name, a file is stamped only when the cache may hold it, and every failure is a
 * source with one error naming the file — on real files: 200 records of the arXiv snapshot and a JabRef test
 * library (see the READMEs beside them).
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatOf, readFormattedFile } from '../../src/sources/formats';
import { fileSource } from '../../src/sources/sourceFiles';

const fixtures = path.join(__dirname, '..', 'fixtures');
const snapshot = path.join(fixtures, 'sources', 'arxiv-snapshot-2007-04.jsonl');
const jabref = path.join(fixtures, 'realworld', 'jabref-complex.bib');

describe('paper sources from files', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-sources-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('chooses the format by the file name, our JSON for any other name', () => {
    assert.deepEqual(
      ['refs.bib', 'REFS.BIB', 'arxiv.jsonl', 'dump.NDJSON', 'papers.json', 'papers', 'notes.txt'].map((name) => formatOf(name).name),
      ['BibTeX', 'BibTeX', 'JSON Lines (arXiv metadata snapshot)', 'JSON Lines (arXiv metadata snapshot)', 'Paper Lookup JSON index or CSL JSON', 'Paper Lookup JSON index or CSL JSON', 'Paper Lookup JSON index or CSL JSON'],
    );
  });

  it('reads a JSON Lines snapshot and a .bib library in their formats, stamped by size and time', async () => {
    const lines = fileSource(snapshot);
    assert.equal(lines.name, 'arxiv-snapshot-2007-04.jsonl');
    const read = (await lines.read())!;
    assert.equal(read.papers.length, 200);
    assert.equal(read.papers[0].arxivId, '0704.0001');
    assert.deepEqual(await lines.stamp(), { location: snapshot, size: statSync(snapshot).size, mtimeMs: statSync(snapshot).mtimeMs });
    const bib = (await fileSource(jabref, { displayName: 'Lab library' }).read())!;
    assert.equal(bib.name, 'Lab library');
    assert.ok(bib.papers.length > 0 && bib.papers.every((paper) => paper.bibtex), 'papers with their entries as written');
  });

  it('reports progress as a streamed file is read, and stops when cancelled', async () => {
    const seen: number[] = [];
    const read = await fileSource(snapshot).read({ onBytesRead: (bytes) => seen.push(bytes), isCancelled: () => seen.length > 0 });
    assert.equal(read, undefined);
    assert.ok(seen[0] > 0);
  });

  it('cannot stamp a file the cache may not hold: missing, or bigger than the limit for files read whole', async () => {
    const big = path.join(folder, 'big.json');
    writeFileSync(big, JSON.stringify({ version: 1, papers: [] }).padEnd(2048));
    assert.equal(await fileSource(path.join(folder, 'gone.json')).stamp(), undefined);
    assert.equal(await fileSource(big, { maxBytes: 1024 }).stamp(), undefined);
    // A streamed file has no limit: it never sits in memory whole.
    const lines = path.join(folder, 'big.jsonl');
    copyFileSync(snapshot, lines);
    assert.equal((await fileSource(lines, { maxBytes: 1024 }).stamp())?.size, statSync(snapshot).size);
    const refused = (await fileSource(big, { maxBytes: 1024 }).read())!;
    assert.deepEqual(
      refused.problems.map((problem) => [problem.file, problem.message]),
      [[big, 'big.json is 2 KB, more than the 1 KB a file may have (the setting paperLookup.maxFileSizeMB); not read.']],
    );
  });

  it('turns a read that fails into a source with one error that names the file, whatever the format', async () => {
    for (const fileName of ['refs.bib', 'papers.json', 'arxiv.jsonl']) {
      const location = `vscode-vfs://github/lab/papers/${fileName}`;
      const source = await readFormattedFile(
        {
          location,
          fileName,
          bytes: () => Promise.reject(new Error('offline')),
          chunks: () => ({
            [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('offline')) }),
          }),
          describeError: (error) => `Cannot read the file: ${(error as Error).message}`,
        },
        {},
      );
      assert.deepEqual(source, { name: fileName, location, papers: [], problems: [{ severity: 'error', file: location, line: 1, column: 1, message: 'Cannot read the file: offline' }] });
    }
  });
});
