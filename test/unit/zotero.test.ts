/**
 * A Zotero library read as the catalog reads it: databases built from Zotero's own schema (test/fixtures/zotero/), under
 * the newest global schema and under Zotero 7.0's (with the ids handed out in the other order), checked for what the
 * catalog shows, the keys, and the .bib entries, which pdflatex + bibtex must typeset. Also: a database held open by
 * another process with an exclusive lock and changes only in its write-ahead log, as a running Zotero holds it.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bibliographyFileFor } from '../../src/bibtex/bibEntryCopy';
import { toPaperView } from '../../src/protocol/paperView';
import { PaperCatalog } from '../../src/catalog/catalog';
import type { LoadedPaper } from '../../src/papers/paper';
import { readSourceFile } from '../../src/sources/sourceFiles';
import { applyWal } from '../../src/sources/zotero/snapshot';
import { extraFields, parseZoteroDate, readRichTitle } from '../../src/sources/zotero/zoteroItem';
import { readZoteroSource, countZoteroLibrary } from '../../src/sources/zotero/zoteroSource';
import type { IndexSource } from '../../src/sources/paperSource';
import { writeZoteroDataDirectory } from '../fixtures/zotero/buildZoteroDatabase';
import { countZoteroLibraryInWorker } from '../../src/sources/zotero/countWorker';
import { fixtureBetterBibtexKeys, fixtureLibrary } from '../fixtures/zotero/library';

let workDir: string;
before(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-zotero-'));
});
after(() => rmSync(workDir, { recursive: true, force: true }));

function byTitle(catalog: PaperCatalog, title: string): LoadedPaper {
  const paper = [...catalog].find((candidate) => candidate.title === title);
  assert.ok(paper, `no paper titled "${title}" in ${[...catalog].map((p) => p.title).join(' | ')}`);
  return paper;
}

for (const schemaVersion of [41, 32] as const) {
  describe(`a Zotero library (global schema ${schemaVersion}${schemaVersion === 32 ? ', ids in the other order' : ''})`, () => {
    let dataDirectory: string;
    let source: IndexSource;
    let catalog: PaperCatalog;

    before(async () => {
      dataDirectory = path.join(workDir, `data-${schemaVersion}`);
      const file = await writeZoteroDataDirectory(dataDirectory, fixtureLibrary(schemaVersion, schemaVersion === 32), fixtureBetterBibtexKeys);
      source = (await readSourceFile(file))!;
      catalog = new PaperCatalog([source]);
    });

    it('counts the items for the offer in a worker thread, as many as the sources hold', async () => {
      const counted = await countZoteroLibraryInWorker(path.join(__dirname, '..', '..', 'dist', 'indexWorker.js'), path.join(dataDirectory, 'zotero.sqlite'));
      assert.equal(counted, source.papers.length);
      assert.equal(counted, await countZoteroLibrary(path.join(dataDirectory, 'zotero.sqlite')));
    });

    it('loads the user library and the group library as sources of their own', () => {
      assert.deepEqual(
        catalog.sources.map(({ name, paperCount, errorCount }) => ({ name, paperCount, errorCount })),
        [
          { name: 'Zotero: My Library', paperCount: 10, errorCount: 0 },
          { name: 'Zotero: Lab Group', paperCount: 1, errorCount: 0 },
        ],
      );
      assert.equal(byTitle(catalog, 'Long Short-Term Memory').source, 'Zotero: Lab Group');
    });

    it('skips trashed items, notes, attachments as items and feed items', () => {
      const titles = [...catalog].map((paper) => paper.title);
      for (const skipped of ['A paper in the trash', 'An item from a feed', 'A standalone note', 'loose.pdf']) assert.ok(!titles.includes(skipped), skipped);
    });

    it("uses the user's keys: Zotero's field, then Extra, then Better BibTeX's database; others get the template's", () => {
      const keys = Object.fromEntries([...catalog].map((paper) => [paper.title, paper.key]));
      assert.equal(keys['Deep learning'], 'lecun2015deep');
      assert.equal(keys['Attention is All you Need'], 'vaswani2017attention');
      assert.equal(keys['Pointer Networks'], 'vinyals2015pointer');
      assert.equal(keys['The TeXbook'], 'knuth1984texbook');
      assert.equal(keys['Long Short-Term Memory'], 'hochreiter1997long');
      assert.equal(keys['Training Recurrent Neural Networks'], 'sutskeverTrainingRecurrentNeural2013');
    });

    it('shows titles through base fields, rich text as text, creators, dates, DOIs and arXiv ids', () => {
      const brown = byTitle(catalog, 'Brown v. Board of Education');
      assert.equal(brown.year, 1954);
      const rich = byTitle(catalog, 'Superconductivity in La2−xSrxCuO4 and the ab initio view of iPhone batteries & 50% more');
      assert.deepEqual(rich.authors, ['Łukasz Kaiser', 'Johannes Diderik van der Waals']);
      assert.equal(rich.year, 2020);
      assert.deepEqual(byTitle(catalog, 'World report on ageing and health').authors, ['World Health Organization']);
      // Editors are not authors; the DOI is Extra's under schema 32, the field's under 41.
      const section = byTitle(catalog, 'Gradient flow in recurrent nets: the difficulty of learning long-term dependencies');
      assert.deepEqual(section.authors, ['Sepp Hochreiter', 'Yoshua Bengio', 'Paolo Frasconi', 'Jürgen Schmidhuber']);
      assert.equal(section.doi, '10.1109/9780470544037.ch14');
      assert.equal(section.venue, 'A Field Guide to Dynamical Recurrent Networks');
      const pointer = byTitle(catalog, 'Pointer Networks');
      assert.equal(pointer.arxivId, '1506.03134');
      assert.equal(pointer.year, 2015);
      assert.equal(byTitle(catalog, 'Attention is All you Need').venue, 'Advances in Neural Information Processing Systems');
    });

    it('gives each paper its collections, its PDF and its link into Zotero', () => {
      assert.deepEqual(byTitle(catalog, 'Deep learning').collections, ['Reading/Deep Learning']);
      assert.deepEqual(byTitle(catalog, 'The TeXbook').collections, ['Reading']);
      // Its only collection is in the trash.
      assert.equal(byTitle(catalog, 'Training Recurrent Neural Networks').collections, undefined);
      const attention = byTitle(catalog, 'Attention is All you Need');
      assert.equal(attention.pdfFile, path.join(dataDirectory, 'storage', 'PDFVASW1', 'Vaswani et al. - 2017 - Attention is All you Need.pdf'));
      assert.ok(existsSync(attention.pdfFile!));
      assert.equal(byTitle(catalog, 'Pointer Networks').pdfFile, '/nonexistent/papers/pointer-networks.pdf');
      assert.equal(byTitle(catalog, 'World report on ageing and health').pdfFile, undefined);
      assert.match(catalog.problems.map((problem) => problem.message).join('\n'), /1 PDF attachment is linked relative to Zotero's base directory/);
      assert.equal(attention.zoteroLink, 'zotero://select/library/items/VASWANI1');
      assert.equal(byTitle(catalog, 'Long Short-Term Memory').zoteroLink, 'zotero://select/groups/4242/items/LSTMGRP1');
    });

    it('tells the reader of the collections, the PDF and the link into Zotero, never the path or the link itself', () => {
      const view = toPaperView(byTitle(catalog, 'Attention is All you Need'));
      assert.deepEqual([view.collections, view.hasPdf, view.inZotero], [['Reading'], true, true]);
      assert.doesNotMatch(JSON.stringify(view), /storage|zotero:/);
      const bundledLike = toPaperView({ ...byTitle(catalog, 'The TeXbook'), zoteroLink: undefined });
      assert.equal(bundledLike.hasPdf, undefined);
      assert.equal(bundledLike.inZotero, undefined);
    });

    it('writes entries as Better BibTeX maps Zotero items', () => {
      assert.equal(
        byTitle(catalog, 'Gradient flow in recurrent nets: the difficulty of learning long-term dependencies').bibtex,
        [
          '@incollection{zotero-HOCHSECT,',
          '  author = {Hochreiter, Sepp and Bengio, Yoshua and Frasconi, Paolo and Schmidhuber, J{\\"u}rgen},',
          '  editor = {Kolen, John F. and Kremer, Stefan C.},',
          '  title = {Gradient flow in recurrent nets: the difficulty of learning long-term dependencies},',
          '  booktitle = {A Field Guide to Dynamical Recurrent Networks},',
          '  publisher = {IEEE Press},',
          '  address = {New York},',
          '  pages = {237--244},',
          '  year = {2001},',
          '  doi = {10.1109/9780470544037.ch14}',
          '}',
        ].join('\n'),
      );
      const entryOf = (title: string): string => byTitle(catalog, title).bibtex!;
      assert.match(entryOf('Deep learning'), /^@article\{lecun2015deep,\n {2}author = \{LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey\},[\s\S]*journal = \{Nature\},[\s\S]*volume = \{521\},\n {2}number = \{7553\},\n {2}pages = \{436--444\},\n {2}year = \{2015\},\n {2}month = may,/);
      assert.match(entryOf('Training Recurrent Neural Networks'), /^@phdthesis\{[\s\S]*school = \{University of Toronto\}/);
      assert.doesNotMatch(entryOf('Training Recurrent Neural Networks'), /type = /);
      assert.match(entryOf('World report on ageing and health'), /^@techreport\{[\s\S]*author = \{\{World Health Organization\}\},[\s\S]*institution = \{World Health Organization\}/);
      assert.match(entryOf('Pointer Networks'), /^@misc\{vinyals2015pointer,[\s\S]*eprint = \{1506\.03134\},\n {2}archivePrefix = \{arXiv\}/);
      assert.doesNotMatch(entryOf('Pointer Networks'), /number = /);
      assert.match(entryOf('Attention is All you Need'), /^@inproceedings\{vaswani2017attention,[\s\S]*booktitle = \{Advances in Neural Information Processing Systems\}/);
      assert.match(
        entryOf('Superconductivity in La2−xSrxCuO4 and the ab initio view of iPhone batteries & 50% more'),
        /title = \{Superconductivity in \{La\}\\textsubscript\{2\{\\ensuremath\{-\}\}x\}\{Sr\}\\textsubscript\{x\}\{CuO\}\\textsubscript\{4\} and the \\emph\{ab initio\} view of \{\{iPhone\}\} batteries \\& 50\\% more\}/,
      );
      assert.match(entryOf('Superconductivity in La2−xSrxCuO4 and the ab initio view of iPhone batteries & 50% more'), /author = \{Kaiser, \{\\L\}ukasz and van der Waals, Johannes Diderik\}/);
      assert.match(entryOf('Better BibTeX for Zotero'), /^@misc\{[\s\S]*urldate = \{2026-12-04\}/);
    });

    it('gives a .bib that pdflatex + bibtex typeset', function () {
      for (const program of ['pdflatex', 'bibtex']) {
        if (spawnSync(program, ['--version'], { stdio: 'ignore' }).error !== undefined) {
          assert.ok(!process.env.CI || /^(false|0)$/i.test(process.env.CI), `${program} not installed, and this is a CI run`);
          this.skip();
        }
      }
      this.timeout(120_000);
      return (async () => {
        const dir = mkdtempSync(path.join(workDir, 'tex-'));
        writeFileSync(path.join(dir, 'refs.bib'), await bibliographyFileFor([...catalog]));
        const keys = [...catalog].map((paper) => paper.key);
        writeFileSync(
          path.join(dir, 'doc.tex'),
          ['\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage{lmodern}', '\\usepackage{url}', '\\begin{document}', `\\cite{${keys.join(',')}}`, '\\bibliographystyle{plain}', '\\bibliography{refs}', '\\end{document}'].join('\n'),
        );
        const run = (program: string, ...args: string[]): string => {
          const result = spawnSync(program, args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
          assert.equal(result.status, 0, `${program}: ${result.stdout}${result.stderr}`.slice(-3000));
          return result.stdout;
        };
        run('pdflatex', '-interaction=nonstopmode', '-halt-on-error', 'doc');
        run('bibtex', 'doc');
        const blg = readFileSync(path.join(dir, 'doc.blg'), 'utf8');
        assert.doesNotMatch(blg, /error message/i, blg);
        run('pdflatex', '-interaction=nonstopmode', '-halt-on-error', 'doc');
        run('pdflatex', '-interaction=nonstopmode', '-halt-on-error', 'doc');
        const log = readFileSync(path.join(dir, 'doc.log'), 'utf8');
        assert.doesNotMatch(log, /undefined references|Citation `[^']*' .*undefined/);
        const bbl = readFileSync(path.join(dir, 'doc.bbl'), 'utf8');
        for (const key of keys) assert.match(bbl, new RegExp(`\\\\bibitem\\{${key}\\}`), key);
        assert.match(bbl, /\\emph\{ab initio\}/);
      })();
    });
  });
}

describe('Zotero details', () => {
  it('reads stored multipart dates, with 00 for unknown parts', () => {
    assert.deepEqual(parseZoteroDate('2017-06-12 June 12, 2017'), { year: 2017, month: 6 });
    assert.deepEqual(parseZoteroDate('2017-00-00 2017'), { year: 2017 });
    assert.deepEqual(parseZoteroDate('0000-00-00 spring'), {});
    assert.deepEqual(parseZoteroDate('Spring 1999'), { year: 1999 });
    assert.deepEqual(parseZoteroDate(undefined), {});
  });

  it("reads Extra's Name: value lines", () => {
    const extra = extraFields('Citation Key: knuth1984\nDOI: 10.1000/xyz\nfree text: here\ncitation key: ignored-second');
    assert.equal(extra.get('citation key'), 'knuth1984');
    assert.equal(extra.get('doi'), '10.1000/xyz');
  });

  it('reads rich-text titles as text, with stray and unclosed markup', () => {
    assert.equal(readRichTitle('CO<sub>2</sub> in <i>E. coli</i>').text, 'CO2 in E. coli');
    assert.equal(readRichTitle('a </i> stray <b>unclosed').text, 'a  stray unclosed');
    assert.equal(readRichTitle('x < y and <span class="nocase">iOS</span>').text, 'x < y and iOS');
  });

  it('reports a file that is not a Zotero database and never throws', async () => {
    const file = path.join(workDir, 'other.sqlite');
    writeFileSync(file, 'not a database at all');
    const source = (await readSourceFile(file))!;
    assert.equal(source.papers.length, 0);
    assert.equal(source.problems.length, 1);
    assert.equal(source.problems[0].severity, 'error');
    assert.equal(source.problems[0].file, file);
    assert.match(source.problems[0].message, /^Cannot read the Zotero database: /);
    const missing = (await readSourceFile(path.join(workDir, 'missing', 'zotero.sqlite')))!;
    assert.equal(missing.problems[0].message, 'Zotero database not found.');
  });
});

/**
 * A process that opens the database as Zotero does — WAL mode, exclusive locking — changes it, and keeps it open with
 * the change only in the `-wal` file. Resolves once the change is committed.
 */
function holdOpenWithChange(database: string, sql: string): Promise<ChildProcessWithoutNullStreams> {
  const script = [
    'import sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1], isolation_level=None)',
    "db.execute('PRAGMA journal_mode=WAL')",
    "db.execute('PRAGMA locking_mode=EXCLUSIVE')",
    "db.execute('PRAGMA wal_autocheckpoint=0')",
    "db.execute('BEGIN')",
    'db.execute(sys.argv[2])',
    "db.execute('COMMIT')",
    "print('ready', flush=True)",
    'sys.stdin.read()',
  ].join('\n');
  const child = spawn('python3', ['-c', script, database, sql]);
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += String(chunk)));
    child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`python3 exited with ${code}: ${errors}`)));
  });
}

describe('a Zotero database held open by another process', function () {
  this.timeout(60_000);
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    child?.stdin.end();
    child?.kill();
    child = undefined;
  });

  it('is read with the changes in its -wal, while it is locked, and its files are left as they were', async function () {
    if (spawnSync('python3', ['--version'], { stdio: 'ignore' }).error !== undefined) this.skip();
    const folder = path.join(workDir, 'locked');
    const file = await writeZoteroDataDirectory(folder, fixtureLibrary(41));
    child = await holdOpenWithChange(file, "UPDATE itemDataValues SET value = 'Deep learning, as changed while Zotero runs' WHERE value = 'Deep learning';");
    const wal = `${file}-wal`;
    assert.ok(statSync(wal).size > 0, 'the change is in the -wal file');
    // The lock is real: SQLite in another process cannot read the database.
    const other = spawnSync('python3', ['-c', 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM items").fetchall()', file], { encoding: 'utf8' });
    assert.notEqual(other.status, 0);
    assert.match(other.stderr, /locked/);
    const before = [file, wal].map((name) => [statSync(name).size, statSync(name).mtimeMs, readFileSync(name).toString('base64')]);

    const source = await readZoteroSource(file);
    const titles = source.papers.map((paper) => paper.title);
    assert.ok(titles.includes('Deep learning, as changed while Zotero runs'), titles.join(' | '));
    assert.equal(source.problems.filter((problem) => problem.severity === 'error').length, 0);
    assert.deepEqual([file, wal].map((name) => [statSync(name).size, statSync(name).mtimeMs, readFileSync(name).toString('base64')]), before);

    // A log cut short in its last frame (a transaction being written as we read) loses that transaction, nothing else.
    const cut = readFileSync(wal).subarray(0, statSync(wal).size - 100);
    const snapshot = applyWal(readFileSync(file), cut);
    const cutFolder = mkdtempSync(path.join(workDir, 'cut-db-'));
    writeFileSync(path.join(cutFolder, 'zotero.sqlite'), snapshot);
    const cutTitles = (await readZoteroSource(path.join(cutFolder, 'zotero.sqlite'))).papers.map((paper) => paper.title);
    assert.ok(cutTitles.includes('Deep learning'), cutTitles.join(' | '));
  });
});
