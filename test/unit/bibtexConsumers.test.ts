/**
 * The BibTeX writer checked by the programs that read its output: @retorquere/bibtex-parser (Better BibTeX's
 * reader), pdflatex (T1 fonts, Latin Modern) + bibtex with the plain and plainnat styles, pdflatex + biblatex + biber
 * (with the UTF-8 entries written for biblatex documents), and pandoc --citeproc. The papers: the bundled ones, titles
 * and names with every character that is syntax somewhere, the names corpus (test/fixtures/names), and real arXiv
 * records whose titles hold TeX math and accents (test/fixtures/sources/arxiv-abs-tex-titles.jsonl). The TeX and pandoc tests
 * skip when those programs are not installed, except on CI (the `CI` environment variable set, as .ci/run and CI
 * services do), where they fail instead: a CI run must not pass without them. scripts/ci-debian-packages.txt lists
 * the Debian packages.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { toBibtexFile } from '../../src/bibtex/entryWriter';
import { parseArxivJsonl } from '../../src/sources/jsonlSource';
import { assignCitationKeys, foldToAscii } from '../../src/papers/keys';
import type { LoadedPaper, Paper } from '../../src/papers/paper';

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

const names: { name: string }[] = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'names', 'authors.json'), 'utf8'));

/** Names in scripts a pdflatex document with T1 fonts has no glyphs for; the UTF-8 entries keep them for xelatex. */
const NOT_LATIN = /[\p{Script=Cyrillic}\p{Script=Han}]/u;

/** The names corpus, three authors a paper, under titles with accents, Greek, math, ligatures and symbols. */
const TITLES = [
  'Łukasiewicz Logic and Gödel Algebras: a Survey for Erdős',
  'On α-stable Lévy processes in $R^n$ with Cu$_2$O thin films',
  'Straße, Ångström, Øresund, Þingvellir and the ﬁne art of ligatures — “quoted” … and 50% of R&D',
  'Nguyễn, Ngô and İnönü: Vietnamese and Turkish letters in the ‘Hilbert–Schmidt’ norm',
  'A $\\Lambda_{\\alpha}$ bound for $x \\le α$ via \\(\\sqrt{2}\\) and the ßpecial case',
];
const namePapers: Paper[] = [];
for (let i = 0; i < names.length; i += 3) {
  namePapers.push({ id: `names-${i}`, title: TITLES[(i / 3) % TITLES.length], abstract: '', authors: names.slice(i, i + 3).map(({ name }) => name), year: 2000 + i });
}

let keys: string[];
let papers: LoadedPaper[];
let bib: string;
/** The papers without names in scripts T1 lacks, the ones pdflatex can typeset; their UTF-8 entries for biblatex. */
let latinPapers: LoadedPaper[];
let utf8Bib: string;

/** Real arXiv records, read as the extension reads a JSON Lines index. */
async function arxivPapers(): Promise<Paper[]> {
  const file = path.join(__dirname, '..', 'fixtures', 'sources', 'arxiv-abs-tex-titles.jsonl');
  const parsed = await parseArxivJsonl((async function* () { yield readFileSync(file); })(), file);
  assert.deepEqual(parsed.problems, []);
  assert.ok(parsed.papers.length >= 100);
  return [...parsed.papers];
}


 /**
 * Text reduced to the Latin letters and digits it spells, lower-cased: what must survive the trip through LaTeX escapes
 * (`{\\'i}` → í → i, `{\\ss}` → ß → ss, `---` → —, `{\\textquestiondown}`…). Letters of scripts the LaTeX entries cannot
 * hold (Cyrillic, written `?`) and Greek (written as math) are left out on both sides.
 */
const comparable = (text: string): string => foldToAscii(text.normalize('NFKC')).toLowerCase().replace(/[^a-z0-9]/g, '');

/** The words of a name, each `comparable`, in sorted order: "King, Jr., Martin Luther" and its parse compare equal. */
const nameWords = (name: string): string => name.split(/[\s,]+/).map(comparable).filter(Boolean).sort().join(' ');


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

/** The macros used in the math of a title. */
const macrosOf = (title: string): string[] => [...title.matchAll(/\$[^$]*\$|\\\(.*?\\\)/g)].flatMap(([math]) => [...math.matchAll(/\\([A-Za-z]+)/g)].map((m) => m[1]));

/** The preamble every test document shares: T1 fonts (Latin Modern), and the math packages arXiv titles expect. */
const PREAMBLE = ['\\documentclass{article}', '\\usepackage[T1]{fontenc}', '\\usepackage{lmodern}', '\\usepackage{amsmath,amssymb}'];

/**
 * The arXiv records whose title math uses only macros LaTeX with amsmath and amssymb defines: a title may use its
 * authors' own (`$\\Q(\\sqrt{5})$`), which no document but theirs can typeset. Which macros are defined is asked of
 * pdflatex itself; without pdflatex, every record (the TeX tests skip then).
 */
async function usableArxivPapers(): Promise<Paper[]> {
  const arxiv = await arxivPapers();
  const macros = [...new Set(arxiv.flatMap((paper) => macrosOf(paper.title)))];
  if (spawnSync('pdflatex', ['--version'], { stdio: 'ignore' }).error !== undefined) return arxiv;
  const dir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-macros-'));
  try {
    writeFileSync(path.join(dir, 'probe.tex'), [...PREAMBLE, '\\begin{document}', ...macros.map((name) => `\\ifdefined\\${name}\\else\\typeout{UNDEFINED:${name}}\\fi`), 'x\\end{document}'].join('\n'));
    const probe = run('pdflatex', ['-interaction=nonstopmode', 'probe.tex'], dir);
    const undefinedMacros = new Set([...probe.output.matchAll(/UNDEFINED:(\w+)/g)].map((m) => m[1]));
    const usable = arxiv.filter((paper) => !macrosOf(paper.title).some((name) => undefinedMacros.has(name)));
    assert.ok(usable.length >= arxiv.length - 10, `only ${usable.length} of ${arxiv.length} arXiv titles use known macros`);
    return usable;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(program: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(program, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  assert.equal(result.error, undefined, `${program} could not run: ${result.error}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('BibTeX read by real consumers', function () {
  this.timeout(900_000);
  let workDir: string;

  before(async () => {
    const all = [...bundled, ...hostile, ...namePapers, ...(await usableArxivPapers())];
    keys = assignCitationKeys(all);
    papers = all.map((paper, index) => ({ ...paper, key: keys[index], source: 'test' }));
    bib = await toBibtexFile(papers);
    latinPapers = papers.filter((paper) => !NOT_LATIN.test((paper.authors ?? []).join(' ')));
    utf8Bib = await toBibtexFile(latinPapers, { encoding: 'utf8' });
    workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-bib-'));
    writeFileSync(path.join(workDir, 'refs.bib'), bib);
    writeFileSync(path.join(workDir, 'refs-utf8.bib'), utf8Bib);
  });

  after(() => rmSync(workDir, { recursive: true, force: true }));

  it('@retorquere/bibtex-parser reads every entry with no error and the same title, authors and year', async () => {
    const { parse } = await import('@retorquere/bibtex-parser');
    for (const [text, written] of [[bib, papers], [utf8Bib, latinPapers]] as const) {
      // Default strictness: an unknown macro is an error. No sentence-casing, so titles come back as written.
      const library = parse(text, { english: false });
      // The parser does not know every math macro TeX does (`\tilde`); those in the titles' own math are not ours.
      const titleMacros = new Set(written.flatMap((paper) => macrosOf(paper.title)));
      const inTitleMath = (error: string): boolean => [...titleMacros].some((name) => (/^unhandled macro \\([A-Za-z]+)/.exec(error)?.[1] ?? '').startsWith(name));
      assert.deepEqual(library.errors.filter(({ error }) => !inTitleMath(error)), []);
      assert.deepEqual(library.entries.map((entry) => entry.key), written.map((paper) => paper.key));
      for (const [index, entry] of library.entries.entries()) {
        const paper = written[index];
        // Math comes back as TeX of the parser's own making; the text around it must be the title's.
        if (!/\$|\\\(/.test(paper.title)) assert.equal(comparable(entry.fields.title ?? ''), comparable(paper.title), paper.key);
        const authors = (entry.fields.author ?? []).map((creator) => nameWords(creator.name ?? [creator.firstName, creator.prefix, creator.lastName, creator.suffix].filter(Boolean).join(' ')));
        // Greek names are written as math, letter by letter: the parser reads them back as TeX math, not as the name.
        if (!(paper.authors ?? []).some((name) => /\p{Script=Greek}/u.test(name))) assert.deepEqual(authors, (paper.authors ?? []).map(nameWords), paper.key);
        assert.equal(entry.fields.year, paper.year?.toString(), paper.key);
      }
    }
  });

  for (const style of ['plain', 'plainnat']) {
    // Every entry but those whose names are in scripts T1 has no glyphs for, which are kept in UTF-8 for xelatex.
    it(`pdflatex + bibtex (${style}) typesets every entry with no warning`, function () {
      requirePrograms(this, 'pdflatex', 'bibtex');
      const job = `doc-${style}`;
      writeFileSync(path.join(workDir, `${job}.tex`), [
        ...PREAMBLE,
        // plainnat writes \url and \doi, which expect url.sty; natbib reads its author-year labels.
        style === 'plainnat' ? '\\usepackage{url}\\usepackage{natbib}' : '',
        '\\begin{document}',
        `\\cite{${latinPapers.map((paper) => paper.key).join(',')}}`,
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
      for (const { key } of latinPapers) assert.match(bbl, new RegExp(`\\\\bibitem(?:\\[[^\\]]*(?:\\][^\\]]*)*\\])?\\{${key}\\}`), key);
    });
  }

  it('pdflatex + biblatex + biber typesets every UTF-8 entry with no warning', function () {
    requirePrograms(this, 'pdflatex', 'biber');
    const job = 'doc-biblatex';
    writeFileSync(path.join(workDir, `${job}.tex`), [
      ...PREAMBLE,
      '\\usepackage[backend=biber]{biblatex}',
      '\\addbibresource{refs-utf8.bib}',
      '\\begin{document}',
      `\\cite{${latinPapers.map((paper) => paper.key).join(',')}}`,
      '\\printbibliography',
      '\\end{document}',
    ].join('\n'));
    const pdflatex = (): void => {
      const { status, output } = run('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', job], workDir);
      assert.equal(status, 0, output.slice(-3000));
    };
    pdflatex();
    const biber = run('biber', [job], workDir);
    assert.equal(biber.status, 0, biber.output);
    assert.doesNotMatch(biber.output, /WARN|ERROR/, biber.output);
    pdflatex();
    pdflatex();
    const log = readFileSync(path.join(workDir, `${job}.log`), 'utf8');
    assert.doesNotMatch(log, /undefined references|LaTeX Warning|Package \w+ Warning|Missing character/);
    const bbl = readFileSync(path.join(workDir, `${job}.bbl`), 'utf8');
    for (const { key } of latinPapers) assert.ok(bbl.includes(`\\entry{${key}}`), key);
  });

  it('pandoc --citeproc renders every citation with no warning, reading the same titles and years', function () {
    requirePrograms(this, 'pandoc');
    writeFileSync(path.join(workDir, 'doc.md'), `---\nbibliography: refs.bib\n---\n\nAll of them [${keys.map((key) => `@${key}`).join('; ')}].\n`);
    // HTML with MathJax: math goes out as TeX, since pandoc's plain-text math cannot render `\sqrt` and warns.
    const rendered = run('pandoc', ['--citeproc', '--fail-if-warnings', '--to', 'html', '--mathjax', 'doc.md'], workDir);
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
      // pandoc sentence-cases what the writer leaves unprotected, and reads math as its own markup: the letters must stay.
      // pandoc's LaTeX reader drops \TH, \DH and \NG (Þ, Ð, Ŋ), which BibTeX and biber read.
      if (!/\$|\\\(|[ÞþÐðŊŋ]/.test(paper.title)) assert.equal(comparable(item.title), comparable(expected), paper.key);
      assert.equal(item.issued?.['date-parts'][0][0], paper.year, paper.key);
      assert.equal(item.author?.length ?? 0, paper.authors?.length ?? 0, paper.key);
    }
  });
});
