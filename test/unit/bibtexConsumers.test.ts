/**
 * The BibTeX writer checked by the programs that read its output: @retorquere/bibtex-parser (Better BibTeX's
 * reader), pdflatex + bibtex with the plain and plainnat styles, and pandoc --citeproc. The TeX and pandoc tests
 * skip when those programs are not installed, except on CI (the `CI` environment variable set, as .ci/run and CI
 * services do), where they fail instead: a CI run must not pass without them. scripts/ci-debian-packages.txt lists
 * the Debian packages.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { toBibtexFile } from '../../src/citation/bibtex';
import { assignCitationKeys } from '../../src/citation/keys';
import type { LoadedPaper, Paper } from '../../src/index/paper';

const bundled: Paper[] = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'data', 'papers.json'), 'utf8')).papers;

/** Titles, names and links with every character that is syntax somewhere in TeX, BibTeX or pandoc. */
const hostile: Paper[] = [
  { title: 'Braces {in} Titles and {Nested {Ones}}', authors: ['Ekin Akyürek', 'Ludwig van Beethoven'], year: 2020, venue: 'ICML 2020' },
  { title: 'Unbalanced } Braces { Here', authors: ["Jean-Baptiste d'Alembert", 'Lipton, Zachary C.'], year: 2021, venue: 'Journal of Hostile Titles & Co.' },
  { title: 'Ampersands & Percent Signs: 50% of R&D', authors: ['Google and DeepMind'], year: 2022, doi: '10.1000/a_b#c%d~e' },
  { title: 'Accents: Über Café, Łódź, Ångström, Naïve Øresund, Dvořák and Erdős', authors: ["O'Brien & Sons", 'Łukasz Kaiser'], year: 2019, venue: 'Cambridge University Press' },
  { title: 'Fast Attention in O(L log L) Time', authors: ['First_Name Last%Name'], year: 2018, url: 'https://example.com/a_b?x=1&y=50%25#frag~1' },
  { title: 'Math Like $x^2$ and $\\alpha_i$ in Titles', authors: ['Tilde~Person Caret^Person'], year: 2017, arxivId: '1701.00001', arxivCategory: 'math.CO' },
  { title: 'Back\\slashes: \\cite{x}, \\textbf{bold} and C:\\path\\', authors: ['Back\\slash Person'], year: 2016 },
  { title: 'Hash #1, under_score, tilde ~ and caret ^', authors: ['Brace{d} Per}son'], year: 2015, venue: 'NeurIPS 2015' },
  { title: 'All at Once: {}&%$#_~^\\', authors: ['Hash#Person Dollar$Person'], year: 2014 },
  { title: '$\\ell_1$ Starts With an Escape', authors: ['Ann Smith'], year: 2013 },
  { title: '  Whitespace\n\n and\tBlank  Lines  ', authors: ['Some  Body'], year: 2012 },
  { title: 'and a title that starts in lower case: with a subtitle', authors: ['Anderson Silva'], year: 2011 },
].map((fields, index) => ({ id: `hostile-${index}`, abstract: '', ...fields }));

const keys = assignCitationKeys([...bundled, ...hostile]);
const papers: LoadedPaper[] = [...bundled, ...hostile].map((paper, index) => ({ ...paper, key: keys[index], source: 'test' }));
const bib = toBibtexFile(papers);

/** Text as the writer means it to be read back: composed, whitespace collapsed. */
const plain = (text: string): string => text.normalize('NFC').replace(/\s+/g, ' ').trim();

/** An author as "Given Family" whether the index wrote it that way or "Family, Given". */
const givenFamily = (name: string): string => plain(name.includes(',') ? name.split(/,\s*/).reverse().join(' ') : name);

/**
 * pandoc sentence-cases English titles as it reads them: it lowers unprotected capitals (the writer braces them all)
 * and capitalises the first letter of the title and of each part after ": " or ". ", past any non-letters.
 */
const pandocSentenceCase = (title: string): string =>
  title.replace(/(^|[:.]\s+)([^\p{L}\s]*)(\p{Ll})/gu, (_, before: string, nonLetters: string, letter: string) => before + nonLetters + letter.toUpperCase());

/** Skips the test when a consumer program is not installed; fails it instead on CI. */
function requirePrograms(test: Mocha.Context, ...programs: string[]): void {
  const absent = programs.filter((program) => spawnSync(program, ['--version'], { stdio: 'ignore' }).error !== undefined);
  if (absent.length === 0) return;
  const reason = `${absent.join(', ')} not installed (see scripts/ci-debian-packages.txt)`;
  assert.ok(!isCi(), `${reason}, and CI=${process.env.CI} says this run must check them`);
  console.log(`      skipped: ${reason}`);
  test.skip();
}

/** Whether this is a CI run, by the convention CI services follow (CI=true, CI=1; CI=false or 0 says it is not). */
function isCi(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

function run(program: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(program, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.error, undefined, `${program} could not run: ${result.error}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('BibTeX read by real consumers', function () {
  this.timeout(180_000);
  let workDir: string;

  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-bib-'));
    writeFileSync(path.join(workDir, 'refs.bib'), bib);
  });

  after(() => rmSync(workDir, { recursive: true, force: true }));

  it('@retorquere/bibtex-parser reads every entry with no error and the same title, authors and year', async () => {
    const { parse } = await import('@retorquere/bibtex-parser');
    // Default strictness: an unknown macro is an error. No sentence-casing, so titles come back as written.
    const library = parse(bib, { english: false });
    assert.deepEqual(library.errors, []);
    assert.deepEqual(library.entries.map((entry) => entry.key), keys);
    for (const [index, entry] of library.entries.entries()) {
      const paper = papers[index];
      assert.equal(plain(entry.fields.title ?? ''), plain(paper.title), paper.key);
      const authors = (entry.fields.author ?? []).map((creator) => plain(creator.name ?? [creator.firstName, creator.prefix, creator.lastName].filter(Boolean).join(' ')));
      assert.deepEqual(authors, (paper.authors ?? []).map(givenFamily), paper.key);
      assert.equal(entry.fields.year, paper.year?.toString(), paper.key);
    }
  });

  for (const style of ['plain', 'plainnat']) {
    it(`pdflatex + bibtex (${style}) typesets every entry with no warning`, function () {
      requirePrograms(this, 'pdflatex', 'bibtex');
      const job = `doc-${style}`;
      writeFileSync(path.join(workDir, `${job}.tex`), [
        '\\documentclass{article}',
        '\\usepackage[utf8]{inputenc}',
        // plainnat writes \url and \doi, which expect url.sty; natbib reads its author-year labels.
        style === 'plainnat' ? '\\usepackage{url}\\usepackage{natbib}' : '',
        '\\begin{document}',
        `\\cite{${keys.join(',')}}`,
        `\\bibliographystyle{${style}}`,
        '\\bibliography{refs}',
        '\\end{document}',
      ].join('\n'));
      const pdflatex = (): void => {
        const { status, output } = run('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', job], workDir);
        assert.equal(status, 0, output.slice(-3000));
      };
      pdflatex();
      const bibtex = run('bibtex', [job], workDir);
      const blg = readFileSync(path.join(workDir, `${job}.blg`), 'utf8');
      assert.equal(bibtex.status, 0, blg);
      assert.doesNotMatch(blg, /Warning--|error message/i);
      pdflatex();
      pdflatex();
      const log = readFileSync(path.join(workDir, `${job}.log`), 'utf8');
      assert.doesNotMatch(log, /Citation `[^']*' .*undefined|undefined references|LaTeX Warning|Package \w+ Warning/);
      const bbl = readFileSync(path.join(workDir, `${job}.bbl`), 'utf8');
      for (const key of keys) assert.match(bbl, new RegExp(`\\\\bibitem(?:\\[[^\\]]*(?:\\][^\\]]*)*\\])?\\{${key}\\}`), key);
    });
  }

  it('pandoc --citeproc renders every citation with no warning, reading the same titles and years', function () {
    requirePrograms(this, 'pandoc');
    writeFileSync(path.join(workDir, 'doc.md'), `---\nbibliography: refs.bib\n---\n\nAll of them [${keys.map((key) => `@${key}`).join('; ')}].\n`);
    const rendered = run('pandoc', ['--citeproc', '--fail-if-warnings', '--to', 'plain', 'doc.md'], workDir);
    assert.equal(rendered.status, 0, rendered.output);
    assert.doesNotMatch(rendered.output, /\[WARNING\]|not found/i);

    const read = run('pandoc', ['--from', 'bibtex', '--to', 'csljson', '--fail-if-warnings', 'refs.bib'], workDir);
    assert.equal(read.status, 0, read.output);
    const items: { id: string; title: string; issued?: { 'date-parts': number[][] }; author?: unknown[] }[] = JSON.parse(read.output);
    assert.deepEqual(items.map((item) => item.id), keys);
    for (const [index, item] of items.entries()) {
      const paper = papers[index];
      // pandoc reads \{ \} but drops \textbraceleft{} \textbraceright{}, which unbalanced braces need.
      const expected = /^[^{}]*(?:\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}[^{}]*)*$/.test(paper.title) ? paper.title : paper.title.replace(/[{}]/g, '');
      // pandoc typesets straight apostrophes as curly ones.
      assert.equal(plain(item.title.replace(/’/g, "'")), pandocSentenceCase(plain(expected)), paper.key);
      assert.equal(item.issued?.['date-parts'][0][0], paper.year, paper.key);
      assert.equal(item.author?.length ?? 0, paper.authors?.length ?? 0, paper.key);
    }
  });
});
