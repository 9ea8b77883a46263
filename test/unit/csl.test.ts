/**
 * Formatted references (src/citation/csl/): papers as CSL-JSON items, their references in the bundled styles and in
 * .csl files, every way a style can be unusable, and the plain reference Insert Citation writes. The comparison with
 * pandoc's citeproc is in ./cslPandoc.test.ts.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readRegularFile } from '../../src/sources/regularFile';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cslName, toCslItem } from '../../src/citation/csl/cslItem';
import { BUNDLED_STYLES, CslReferences, isStyleName, styleFile } from '../../src/citation/csl/cslReferences';
import { DEFAULT_CITATION_OPTIONS, formatCitation } from '../../src/citation/format';
import type { LoadedPaper, Paper } from '../../src/papers/paper';

const root = path.join(__dirname, '..', '..');
const cslFolder = path.join(root, 'media', 'csl');
const bundled: Paper[] = JSON.parse(readFileSync(path.join(root, 'data', 'papers.json'), 'utf8')).papers;
const byId = (id: string): Paper => bundled.find((paper) => paper.id === id)!;

const POINTER_NETWORKS: Paper = byId('pointer-networks');
const PREPRINT: Paper = { id: 'p', title: 'A Preprint', abstract: '', authors: ['Ada Lovelace'], year: 2024, arxivId: '2401.00001' };

describe('Formatted references (CSL)', () => {
  describe('toCslItem', () => {
    it('a conference paper: paper-conference, the venue as container-title, names split, the year, its link', () => {
      assert.deepEqual(toCslItem(POINTER_NETWORKS), {
        id: 'pointer-networks',
        type: 'paper-conference',
        title: 'Pointer Networks',
        author: [{ family: 'Vinyals', given: 'Oriol' }, { family: 'Fortunato', given: 'Meire' }, { family: 'Jaitly', given: 'Navdeep' }],
        issued: { 'date-parts': [[2015]] },
        'container-title': 'NIPS 2015',
        URL: 'https://arxiv.org/abs/1506.03134',
      });
    });

    it('an arXiv paper with no venue is a preprint as Zotero exports it: article, publisher arXiv, number arXiv:id', () => {
      assert.deepEqual(toCslItem(PREPRINT), {
        id: 'p',
        type: 'article',
        title: 'A Preprint',
        author: [{ family: 'Lovelace', given: 'Ada' }],
        issued: { 'date-parts': [[2024]] },
        publisher: 'arXiv',
        number: 'arXiv:2401.00001',
        URL: 'https://arxiv.org/abs/2401.00001',
      });
    });

    it('a journal venue makes an article-journal; another venue without arXiv, a document published by it', () => {
      const journal = toCslItem({ id: 'j', title: 'T', abstract: '', venue: 'Physica A 626 (2023) 129076', doi: ' 10.1/x ' });
      assert.deepEqual([journal.type, journal['container-title'], journal.DOI], ['article-journal', 'Physica A 626 (2023) 129076', '10.1/x']);
      const book = toCslItem({ id: 'b', title: 'T', abstract: '', venue: 'Cambridge University Press (book, 2022)' });
      assert.deepEqual([book.type, book.publisher, book['container-title']], ['document', 'Cambridge University Press (book, 2022)', undefined]);
    });

    it('a .bib paper keeps its entry type: @book is a book whose venue is not a container', () => {
      const item = toCslItem({ id: 'b', title: 'The {\\TeX}book', abstract: '', authors: ['Knuth, Donald E.'], venue: 'Addison-Wesley', bibtex: '@Book{knuth,\n  title = {The {\\TeX}book}\n}' });
      assert.deepEqual([item.type, item.title, item.publisher, item.author], ['book', 'The TeXbook', 'Addison-Wesley', [{ family: 'Knuth', given: 'Donald E.' }]]);
      assert.equal(toCslItem({ id: 't', title: 'T', abstract: '', bibtex: '@phdthesis{t,}' }).type, 'thesis');
      assert.equal(toCslItem({ id: 'u', title: 'T', abstract: '', bibtex: '@unknowntype{u,}' }).type, 'document');
    });

    it('splits names as a .bib is read: commas first, else the family name with its particles', () => {
      assert.deepEqual(cslName('Johannes Diderik van der Waals'), { family: 'van der Waals', given: 'Johannes Diderik' });
      assert.deepEqual(cslName('Sáez de Ocáriz, Luis'), { family: 'Sáez de Ocáriz', given: 'Luis' });
      assert.deepEqual(cslName('King, Jr., Martin Luther'), { family: 'King', suffix: 'Jr.', given: 'Martin Luther' });
      assert.deepEqual(cslName('  Jean-Baptiste   d\'Alembert '), { family: 'd\'Alembert', given: 'Jean-Baptiste' });
      assert.deepEqual(cslName('OpenAI'), { family: 'OpenAI' });
      assert.equal(cslName('   '), undefined);
      assert.deepEqual(toCslItem({ id: 'g', title: 'Cu$_2$O', abstract: '', authors: ['Garc{\\\'\\i}a, J.', ''] }), { id: 'g', type: 'document', title: 'Cu_2O', author: [{ family: 'García', given: 'J.' }] });
    });
  });

  describe('styles', () => {
    it('a bundled name is its file in the bundled folder; a .csl path is taken from the workspace folder', () => {
      assert.equal(styleFile('vancouver', '/ext/media/csl'), path.join('/ext/media/csl', 'nlm-citation-sequence.csl'));
      assert.equal(styleFile('', '/ext/media/csl'), path.join('/ext/media/csl', 'apa.csl'));
      assert.equal(styleFile('styles/my.csl', '/ext', '/work/space'), path.join('/work/space', 'styles', 'my.csl'));
      assert.equal(styleFile('/abs/my.csl', '/ext', '/work/space'), '/abs/my.csl');
      assert.equal(styleFile('~/my.csl', '/ext', '/work/space'), path.join(process.env.HOME ?? '~', 'my.csl'));
      // A name that is an Object property is no bundled style.
      assert.equal(styleFile('toString.csl', '/ext', '/w'), path.join('/w', 'toString.csl'));
      assert.deepEqual(['apa', 'x.CSL', '', 'ieeee', 'constructor'].map(isStyleName), [true, true, true, false, false]);
    });

    it('every bundled file is an independent CSL style with a bibliography, licensed CC BY-SA 3.0', () => {
      for (const file of Object.values(BUNDLED_STYLES)) {
        const xml = readFileSync(path.join(cslFolder, file), 'utf8');
        assert.match(xml, /<bibliography\b/, file);
        assert.doesNotMatch(xml, /rel="independent-parent"/, file);
        assert.match(xml, /<rights license="http:\/\/creativecommons\.org\/licenses\/by-sa\/3\.0\/">/, file);
      }
    });
  });

  describe('CslReferences', function () {
    this.timeout(120_000);
    const references = new CslReferences({ bundledFolder: cslFolder, readFile: (file) => readFile(file, 'utf8') });
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-csl-unit-'))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('renders a reference in each bundled style, on one line, without the label of numeric styles', async () => {
      const expected: Record<string, string> = {
        apa: 'Vinyals, O., Fortunato, M., & Jaitly, N. (2015). Pointer Networks. NIPS 2015. https://arxiv.org/abs/1506.03134',
        ieee: 'O. Vinyals, M. Fortunato, and N. Jaitly, “Pointer Networks,” in NIPS 2015, 2015. [Online]. Available: https://arxiv.org/abs/1506.03134',
        'chicago-author-date': 'Vinyals, Oriol, Meire Fortunato, and Navdeep Jaitly. 2015. “Pointer Networks.” NIPS 2015. https://arxiv.org/abs/1506.03134.',
        nature: 'Vinyals, O., Fortunato, M. & Jaitly, N. Pointer Networks. in NIPS 2015 (2015).',
        vancouver: 'Vinyals O, Fortunato M, Jaitly N. Pointer Networks. In: NIPS 2015 [Internet]. 2015. Available from: https://arxiv.org/abs/1506.03134',
      };
      for (const style of Object.keys(BUNDLED_STYLES)) assert.deepEqual(await references.reference(POINTER_NETWORKS, style), { text: expected[style] }, style);
      assert.equal(await references.entry(toCslItem(POINTER_NETWORKS), styleFile('ieee', cslFolder), true), `[1] ${expected.ieee}`);
    });

    it('a preprint in APA: the arXiv number and the repository', async () => {
      assert.equal((await references.reference(PREPRINT, 'apa')).text, 'Lovelace, A. (2024). A Preprint (arXiv:2401.00001). arXiv. https://arxiv.org/abs/2401.00001');
    });

    it('renders with a .csl file relative to the workspace folder, and reads it again when it changes', async () => {
      const nature = readFileSync(path.join(cslFolder, 'nature.csl'), 'utf8');
      writeFileSync(path.join(dir, 'mine.csl'), nature);
      assert.equal((await references.reference(POINTER_NETWORKS, 'mine.csl', dir)).text, 'Vinyals, O., Fortunato, M. & Jaitly, N. Pointer Networks. in NIPS 2015 (2015).');
      writeFileSync(path.join(dir, 'mine.csl'), nature.replaceAll('and="symbol"', 'and="text"'));
      assert.equal((await references.reference(POINTER_NETWORKS, 'mine.csl', dir)).text, 'Vinyals, O., Fortunato, M. and Jaitly, N. Pointer Networks. in NIPS 2015 (2015).');
    });

    it('a style that cannot be used is named with its problem, and the reference is in APA', async () => {
      const apa = (await references.reference(POINTER_NETWORKS, 'apa')).text;
      writeFileSync(path.join(dir, 'not-csl.csl'), '<html><body>not a style</body></html>');
      writeFileSync(path.join(dir, 'dependent.csl'), readFileSync(path.join(root, 'test', 'fixtures', 'csl', 'vancouver-nlm-dependent.csl'), 'utf8'));
      writeFileSync(path.join(dir, 'citations-only.csl'), readFileSync(path.join(cslFolder, 'nature.csl'), 'utf8').replace(/<bibliography\b[\s\S]*<\/bibliography>/, ''));
      // Cut short, as a download that failed half-way: citeproc-js alone would read it and format nothing.
      writeFileSync(path.join(dir, 'truncated.csl'), readFileSync(path.join(cslFolder, 'nature.csl'), 'utf8').slice(0, 4000));
      writeFileSync(path.join(dir, 'bad-tag.csl'), '<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"><info></style>');
      const cases: [string, string][] = [
        ['missing.csl', `The citation style ${path.join(dir, 'missing.csl')} cannot be read: there is no such file.`],
        ['not-csl.csl', `The citation style ${path.join(dir, 'not-csl.csl')} is not a CSL style (no <style xmlns="http://purl.org/net/xbiblio/csl"> element).`],
        ['dependent.csl', `The citation style ${path.join(dir, 'dependent.csl')} is a dependent style that only names its parent http://www.zotero.org/styles/nlm-citation-sequence; use the parent style's .csl file.`],
        ['citations-only.csl', `The citation style ${path.join(dir, 'citations-only.csl')} has no <bibliography>, so it formats no references.`],
        ['ieeee', 'The citation style "ieeee" is neither a bundled style (apa, ieee, chicago-author-date, nature, vancouver) nor a .csl file.'],
        ['.', 'The citation style "." is neither a bundled style (apa, ieee, chicago-author-date, nature, vancouver) nor a .csl file.'],
        ['truncated.csl', `The citation style ${path.join(dir, 'truncated.csl')} is not well-formed XML: it ends before <style> is closed (is it complete?).`],
        ['bad-tag.csl', `The citation style ${path.join(dir, 'bad-tag.csl')} is not well-formed XML: line 2, column 84: Expected closing tag 'info' (opened in line 2, col 78) instead of closing tag 'style'.`],
      ];
      for (const [style, problem] of cases) assert.deepEqual(await references.reference(POINTER_NETWORKS, style, dir), { text: apa, styleProblem: problem }, style);
    });

    it('a style file that is no regular file is named with why it was not read, and the reference is in APA', async () => {
      const apa = (await references.reference(POINTER_NETWORKS, 'apa')).text;
      const refusing = new CslReferences({ bundledFolder: cslFolder, readFile: async (file) => new TextDecoder().decode(await readRegularFile(file)) });
      execFileSync('mkfifo', [path.join(dir, 'pipe.csl')]);
      assert.deepEqual(await refusing.reference(POINTER_NETWORKS, 'pipe.csl', dir), {
        text: apa,
        styleProblem: `The citation style ${path.join(dir, 'pipe.csl')} cannot be read: pipe.csl is a FIFO (named pipe), not a regular file; not read.`,
      });
    });

    it('a hostile title is text: markup-like text is kept as written, never interpreted', async () => {
      const hostile: Paper = { id: 'h', title: '<script>alert(1)</script> & [x](command:y)', abstract: '', authors: ['O\'Brien, Pat'], year: 2020 };
      const { text } = await references.reference(hostile, 'apa');
      assert.equal(text, 'O’Brien, P. (2020). <script>alert(1)</script> & [x](command:y).');
    });
  });

  describe('the plain reference Insert Citation writes', () => {
    const paper: LoadedPaper = { ...POINTER_NETWORKS, key: 'vinyalsPointerNetworks2015', source: 'Bundled papers' };
    const reference = 'Vinyals, O. (2015). <Pointer> & Networks.';

    it('is the formatted reference, escaped in markup languages', () => {
      assert.equal(formatCitation(paper, 'plain', DEFAULT_CITATION_OPTIONS, 'python', reference), reference);
      assert.equal(formatCitation(paper, 'plain', DEFAULT_CITATION_OPTIONS, 'html', reference), 'Vinyals, O. (2015). &lt;Pointer&gt; &amp; Networks.');
    });

    it('is the template when plainTemplate is set, and the default template when nothing was formatted', () => {
      assert.equal(formatCitation(paper, 'plain', { ...DEFAULT_CITATION_OPTIONS, plainTemplate: '${key}: ${title}' }, 'python', reference), 'vinyalsPointerNetworks2015: Pointer Networks');
      assert.equal(formatCitation(paper, 'plain', DEFAULT_CITATION_OPTIONS, 'python'), 'Oriol Vinyals, Meire Fortunato, and Navdeep Jaitly (2015). Pointer Networks. https://arxiv.org/abs/1506.03134');
      assert.equal(formatCitation(paper, 'markdown', DEFAULT_CITATION_OPTIONS, 'markdown', reference), '[@vinyalsPointerNetworks2015]');
    });
  });
});
