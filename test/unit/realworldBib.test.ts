/**
 * Real .bib files nobody here wrote (test/fixtures/realworld/, sources in its README): every entry loaded and cited
 * under its own key, every copy of an entry the same entry to a BibTeX reader, and a document citing every copy
 * compiling with pdflatex + bibtex wherever the original file does. The TeX test skips when pdflatex and bibtex are
 * not installed, except on CI, where it fails (as in ./bibtexConsumers.test.ts).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bibliographyEntryFor } from '../../src/bibtex/bibEntryCopy';
import { appendEntryText, keyInBibliography, parseBibEntries } from '../../src/bibtex/bibliography';
import { parseBibIndexText } from '../../src/sources/bibSource';
import { PaperCatalog } from '../../src/catalog/catalog';
import type { IndexSource } from '../../src/sources/paperSource';
import type { LoadedPaper, Paper } from '../../src/papers/paper';

const folder = path.join(__dirname, '..', 'fixtures', 'realworld');
const files = readdirSync(folder).filter((name) => name.endsWith('.bib')).sort();
const bundled: Paper[] = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'data', 'papers.json'), 'utf8')).papers;

interface Loaded {
  readonly text: string;
  readonly catalog: PaperCatalog;
  /** The file's papers in the catalog (not the bundled ones). */
  readonly papers: LoadedPaper[];
}

async function load(file: string): Promise<Loaded> {
  const text = readFileSync(path.join(folder, file), 'utf8');
  const { papers, problems } = await parseBibIndexText(text, file);
  const sources: IndexSource[] = [
    { name: 'Bundled papers', location: 'papers.json', papers: bundled, problems: [] },
    { name: file, location: file, papers, problems },
  ];
  const catalog = new PaperCatalog(sources);
  return { text, catalog, papers: [...catalog].filter((paper) => paper.bibtex !== undefined) };
}

/** Every field of every entry as BibTeX sees it (macros expanded, LaTeX as written), by the parser Better BibTeX uses. */
async function rawEntries(text: string): Promise<{ type: string; key: string; fields: unknown }[]> {
  const { parse } = await import('@retorquere/bibtex-parser');
  return parse(text, { raw: true, english: false, unsupported: 'ignore' }).entries.map(({ type, key, fields }) => ({ type, key, fields }));
}

describe('real-world .bib files (test/fixtures/realworld)', function () {
  this.timeout(60_000);
  assert.ok(files.length >= 10, 'the corpus is there');

  for (const file of files) {
    describe(file, () => {
      let loaded: Loaded;
      before(async () => (loaded = await load(file)));

      it('loads every entry with a title, each under its own key (a made one for an entry without)', async () => {
        const entries = await parseBibEntries(loaded.text);
        const titled = entries.filter((entry) => entry.title?.trim());
        const withKey = titled.filter((entry) => entry.key !== '');
        // A key used twice in one file is BibTeX's error too: the second entry is reported and skipped.
        const distinctKeys = new Set(withKey.map((entry) => entry.key));
        assert.equal(loaded.papers.length, distinctKeys.size + titled.length - withKey.length);
        for (const key of distinctKeys) assert.equal(loaded.catalog.getByKey(key)?.bibtex !== undefined, true, key);
        for (const paper of loaded.papers) assert.ok(!/^\[|^$/.test(paper.title), `${paper.key}: "${paper.title}"`);
      });

      it('copies every entry as the same type, key and fields, and appends nothing to the file itself', async () => {
        const all = await rawEntries(loaded.text);
        // A key used twice: the first entry is the one loaded.
        const originals = new Map([...all].reverse().map((entry) => [entry.key, entry]));
        const entries = await parseBibEntries(loaded.text);
        for (const paper of loaded.papers) {
          const [copy] = await rawEntries(await bibliographyEntryFor(paper, paper.key));
          // An entry without a key is copied under the key made for it.
          const original = originals.get(paper.id) ?? { ...all.find((entry) => entry.key === '' && sameFields(entry, copy)), key: paper.key };
          assert.deepEqual(copy, original, paper.key);
          if (originals.has(paper.key)) assert.deepEqual(keyInBibliography(entries, paper), { key: paper.key, inBibliography: true }, paper.key);
        }
      });
    });
  }

  for (const backend of ['bibtex', 'biber'] as const) {
    describe(backend === 'bibtex' ? 'pdflatex + bibtex' : 'pdflatex + biblatex + biber', function () {
      this.timeout(900_000);
      let workDir: string;
      before(() => (workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-realworld-'))));
      after(() => rmSync(workDir, { recursive: true, force: true }));

      it('compile a document citing every copied entry wherever the original file compiles', async function () {
        requirePrograms(this, 'pdflatex', backend);
        const compiled: string[] = [];
        for (const [index, file] of files.entries()) {
          const { text, papers } = await load(file);
          const keys = papers.map((paper) => paper.key);
          writeFileSync(path.join(workDir, `original${index}.bib`), text);
          let copies = '';
          for (const paper of papers) copies += appendEntryText(copies, await bibliographyEntryFor(paper, paper.key, copies));
          writeFileSync(path.join(workDir, `copies${index}.bib`), copies);
          if (!compiles(workDir, `original${index}`, keys, backend)) continue;
          assert.ok(compiles(workDir, `copies${index}`, keys, backend, true), `${file}: the copies do not compile with ${backend} where the original does`);
          compiled.push(file);
        }
        const notCompiling = files.filter((file) => !compiled.includes(file));
        console.log(`      copies compiled with ${backend}: ${compiled.length} of ${files.length} files; the originals of the others do not compile: ${notCompiling.join(', ')}`);
        assert.ok(compiled.length >= files.length / 2, `only ${compiled.length} originals compile with ${backend}`);
      });
    });
  }
});

function sameFields(entry: { fields: unknown }, copy: { fields: unknown } | undefined): boolean {
  return copy !== undefined && JSON.stringify(entry.fields) === JSON.stringify(copy.fields);
}

/**
 * Whether a document citing `keys` from `<bib>.bib` typesets with no error: pdflatex (T1 fontenc, lmodern; pifont for
 * the user library's `\ding`, without which that file, the one with the most math, would never be compiled) halting on
 * the first error, then bibtex with no error (warnings, such as a missing field, are the entry's own) or biber with
 * no error (biblatex's convention: UTF-8), then pdflatex again.
 */
function compiles(workDir: string, bib: string, keys: readonly string[], backend: 'bibtex' | 'biber', explain = false): boolean {
  const job = `doc-${bib}-${backend}`;
  const bibliography = backend === 'bibtex'
    ? ['\\begin{document}', `\\nocite{${keys.join(',')}}`, '\\bibliographystyle{plain}', `\\bibliography{${bib}}`]
    : [`\\addbibresource{${bib}.bib}`, '\\begin{document}', `\\nocite{${keys.join(',')}}`, '\\printbibliography'];
  writeFileSync(
    path.join(workDir, `${job}.tex`),
    [
      '\\documentclass{article}',
      '\\usepackage[T1]{fontenc}',
      '\\usepackage{lmodern}',
      '\\usepackage{url}',
      '\\usepackage{pifont}',
      ...(backend === 'biber' ? ['\\usepackage[backend=biber]{biblatex}'] : []),
      ...bibliography,
      '\\end{document}',
    ].join('\n'),
  );
  const pdflatex = (): { status: number | null; output: string } => run('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', job], workDir);
  const first = pdflatex();
  if (first.status !== 0) return fail(explain, first.output);
  if (backend === 'bibtex') {
    const bibtex = run('bibtex', [job], workDir);
    // bibtex exits with 1 after warnings, 2 after errors.
    if (bibtex.status === null || bibtex.status > 1) return fail(explain, readFileSync(path.join(workDir, `${job}.blg`), 'utf8'));
  } else {
    // biber exits non-zero after an error; its warnings (a field it does not know) are the entry's own.
    const biber = run('biber', ['--quiet', job], workDir);
    if (biber.status !== 0) return fail(explain, biber.output);
  }
  const second = pdflatex();
  return second.status === 0 || fail(explain, second.output);
}

function fail(explain: boolean, output: string): false {
  if (explain) console.log(output.slice(-3000));
  return false;
}

function requirePrograms(test: Mocha.Context, ...programs: string[]): void {
  const absent = programs.filter((program) => spawnSync(program, ['--version'], { stdio: 'ignore' }).error !== undefined);
  if (absent.length === 0) return;
  const ci = process.env.CI?.trim().toLowerCase();
  assert.ok(ci === undefined || ci === '' || ci === 'false' || ci === '0', `${absent.join(', ')} not installed, and CI=${process.env.CI} says this run must check them`);
  test.skip();
}

function run(program: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(program, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.error, undefined, `${program} could not run: ${result.error}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
