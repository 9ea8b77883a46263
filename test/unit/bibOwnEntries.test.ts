import { strict as assert } from 'node:assert';
import { bibliographyEntryFor, bibliographyFileFor, bibStrings, scanEntry, selfContainedEntry } from '../../src/bibtex/bibEntryCopy';
import { keyInBibliography, parseBibEntries } from '../../src/bibtex/bibliography';
import { parseBibIndexText } from '../../src/sources/bibSource';
import { PaperCatalog } from '../../src/catalog/catalog';
import type { IndexSource } from '../../src/sources/paperSource';
import { parseIndexText } from '../../src/sources/parseIndex';
import type { Paper } from '../../src/papers/paper';

const lines = (...text: string[]): string => text.join('\n');

async function source(name: string, text: string): Promise<IndexSource> {
  const { papers, problems } = await parseBibIndexText(text, name);
  return { name, location: name, papers, problems };
}

describe('a .bib read as its author meant', () => {
  it('reads titles wrapped in commands as their text, logos as their names, accents composed, math as written', async () => {
    const bib = lines(
      String.raw`@book{knuth1984, title = {The {\TeX}book}, author = {Knuth, Donald E.}, year = 1984}`,
      String.raw`@article{cyr, title = {\bibcyr{Теория} групп}, year = 1990}`,
      String.raw`@article{lang, title = {\foreignlanguage{german}{\"Uber} \emph{formal} \textit{unentscheidbare} S{\"a}tze}}`,
      String.raw`@article{garcia, title = {Redes}, author = {Garc{\'\i}a, Jos{\'e} and M{\"u}ller, Hans}}`,
      String.raw`@article{oxide, title = {Band gap of Cu$_2$O and {$\alpha$}-quartz}}`,
    );
    const { papers, problems } = await parseBibIndexText(bib, 'refs.bib');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      papers.map((paper) => paper.title),
      ['The TeXbook', 'Теория групп', 'Über formal unentscheidbare Sätze', 'Redes', 'Band gap of Cu$_2$O and $\\alpha$-quartz'],
    );
    const garcia = papers[3].authors?.[0];
    assert.equal(garcia, 'José García');
    assert.equal(garcia, garcia?.normalize('NFC'));
    assert.ok(!garcia?.includes('ı'), 'no dotless i');
  });

  it('loads entries without a key, each under a key made for it, and reports them once', async () => {
    const mendeley = lines(
      '@article{,',
      'title = {First keyless},',
      'author = {Smith, Ann},',
      'year = {2011}',
      '}',
      '@article{,',
      'title = {Second keyless},',
      'year = {2012}',
      '}',
    );
    const parsed = await source('mendeley.bib', mendeley);
    assert.deepEqual(parsed.papers.map((paper) => [paper.title, paper.key]), [['First keyless', undefined], ['Second keyless', undefined]]);
    assert.equal(new Set(parsed.papers.map((paper) => paper.id)).size, 2);
    assert.equal(parsed.problems.length, 1);
    assert.match(parsed.problems[0].message, /2 entries have no citation key \(line 1, 6\)/);
    const catalog = new PaperCatalog([parsed]);
    const keys = [...catalog].map((paper) => paper.key);
    assert.equal(new Set(keys).size, 2);
    assert.ok(keys.every((key) => key !== ''));
    // The copy carries the made key.
    const copy = await bibliographyEntryFor(catalog.paperAt(0), catalog.paperAt(0).key);
    assert.equal(scanEntry(copy)?.key, catalog.paperAt(0).key);
    assert.equal((await parseBibEntries(copy))[0].title, 'First keyless');
  });

  it("reports problems at their line for keys with an apostrophe, unbalanced \\{, keys that differ only in case, URLs with spaces", async () => {
    const bib = lines(
      '@article{first, title = {One}}',
      '',
      "@article{O'Hara_1999,",
      '  title = {Two},',
      '  primaryClass = {not a category}',
      '}',
      String.raw`@article{brace, title = {Sets \{ a, b}}`,
      '@article{Smith2020, title = {Upper}}',
      '@article{smith2020, title = {Lower}}',
      '@misc{spaced, title = {Spaced}, url = {https://example.org/a b.pdf}}',
      '@misc{http, title = {Plain}, url = {http://example.org/}}',
    );
    const { papers, problems } = await parseBibIndexText(bib, 'refs.bib');
    assert.deepEqual(papers.map((paper) => paper.key), ['first', "O'Hara_1999", 'brace', 'Smith2020', 'smith2020', 'spaced', 'http']);
    const found = problems.map((problem) => [problem.line, problem.message]);
    assert.deepEqual(found.map(([line]) => line), [5, 7, 9, 10, 11]);
    assert.match(String(found[0][1]), /O'Hara_1999.*primaryClass/);
    assert.match(String(found[1][1]), /"brace": "title" has unbalanced braces once \\\{ and \\\} are counted/);
    assert.match(String(found[2][1]), /"smith2020" differs only in letter case from "Smith2020" \(line 8\)/);
    assert.match(String(found[3][1]), /"url" has spaces in it/);
    assert.match(String(found[4][1]), /"url" should be an https:\/\/ link/);
  });
});

describe('copying a .bib entry whole', () => {
  const bib = lines(
    '@string{jmr = "Journal of {M}ade-Up Results"}',
    '@String(pub = {Addison-{W}esley})',
    '@book{knuth1984,',
    '  title = {The {\\TeX}book},',
    '  author = {Knuth, Donald E. and Garc{\\\'\\i}a, Jos{\\\'e}},',
    '  publisher = pub,',
    '  journal = jmr # { Letters},',
    '  month = jan,',
    '  year = 1984,',
    '  isbn = {0-201-13447-0},',
    '  note = {Cu$_2$O and {$\\alpha$}},',
    '}',
  );

  it('keeps type, key and every field as written, with the file’s own macros expanded and months kept', async () => {
    const [paper] = (await parseBibIndexText(bib, 'refs.bib')).papers;
    assert.equal(
      paper.bibtex,
      lines(
        '@book{knuth1984,',
        '  title = {The {\\TeX}book},',
        '  author = {Knuth, Donald E. and Garc{\\\'\\i}a, Jos{\\\'e}},',
        '  publisher = {Addison-{W}esley},',
        '  journal = {Journal of {M}ade-Up Results Letters},',
        '  month = jan,',
        '  year = 1984,',
        '  isbn = {0-201-13447-0},',
        '  note = {Cu$_2$O and {$\\alpha$}},',
        '}',
      ),
    );
  });

  it('expands macros defined with other macros, in file order', () => {
    const strings = bibStrings(lines('@string{a = "A"}', '@string{ab = a # {B}}', '@string(abc = ab # "C")'));
    assert.deepEqual([...strings], [['a', 'A'], ['ab', 'AB'], ['abc', 'ABC']]);
    const entry = scanEntry('@misc{k, title = ABC # " d", month = feb # "~1"}');
    assert.ok(entry);
    assert.equal(selfContainedEntry(entry, strings), '@misc{k, title = {ABC d}, month = feb # "~1"}');
  });

  it('carries a @preamble that defines a command the entry uses, once per file, and writes papers without an entry', async () => {
    const withPreamble = lines(
      '@preamble{" \\@ifundefined{bibcyr}{\\newcommand{\\bibcyr}[1]{---}}{} "}',
      '@article{a, title = {\\bibcyr{Мир}}}',
      '@article{b, title = {\\bibcyr{Война}}}',
      '@article{c, title = {Plain}}',
    );
    const catalog = new PaperCatalog([
      { name: 'Bundled papers', location: 'papers.json', papers: [{ id: 'json', title: 'From JSON', abstract: '', year: 2020 }], problems: [] },
      await source('cyr.bib', withPreamble),
    ]);
    assert.deepEqual([...catalog].map((paper) => paper.title), ['From JSON', 'Мир', 'Война', 'Plain']);
    const file = await bibliographyFileFor(catalog);
    assert.equal(file.match(/@preamble/g)?.length, 1, file);
    assert.ok(file.indexOf('@preamble') < file.indexOf('@article{a,'));
    assert.match(await bibliographyEntryFor(catalog.paperAt(3), 'c'), /^@article\{c, title = \{Plain\}\}$/);
    assert.deepEqual((await parseBibEntries(file)).map((entry) => entry.key), [catalog.paperAt(0).key, 'a', 'b', 'c']);
  });

  it('parses back to the same type, key and fields as the original', async () => {
    const catalog = new PaperCatalog([await source('refs.bib', bib)]);
    const [paper] = [...catalog];
    assert.equal(paper.key, 'knuth1984');
    const copy = await bibliographyEntryFor(paper, paper.key);
    const [original] = await parseBibEntries(bib);
    const [copied] = await parseBibEntries(copy);
    assert.deepEqual(copied, original);
  });
});

describe('own keys in the catalog and in a document’s bibliography', () => {
  const bundled: IndexSource = {
    name: 'Bundled papers',
    location: 'papers.json',
    papers: [{ id: 'attention', title: 'Attention Is All You Need', abstract: '', authors: ['Ashish Vaswani'], year: 2017 }],
    problems: [],
  };

  it('cites a .bib paper under its own key whatever the key template, and makes keys only for the others', async () => {
    const own = await source('mine.bib', '@article{vaswani17, title = {Something Else Entirely}, author = {Vaswani, A.}, year = 2017}');
    for (const template of ['[auth:lower][year]', '[auth:lower][shorttitle3_3][year]']) {
      const catalog = new PaperCatalog([bundled, own], template);
      assert.equal(catalog.get('vaswani17')?.key, 'vaswani17');
      assert.notEqual(catalog.get('attention')?.key, 'vaswani17');
    }
  });

  it('gives an own key precedence over a made one, and a second .bib using the same key a suffix, with a warning', async () => {
    const first = await source('a.bib', '@article{vaswani2017, title = {First Paper}}');
    const second = await source('b.bib', '@article{vaswani2017, title = {Second Paper}}');
    const catalog = new PaperCatalog([bundled, first, second], '[auth:lower][year]');
    const keyOf = (title: string): string | undefined => [...catalog].find((paper) => paper.title === title)?.key;
    assert.equal(keyOf('First Paper'), 'vaswani2017');
    assert.equal(keyOf('Second Paper'), 'vaswani2017a');
    assert.equal(keyOf('Attention Is All You Need'), 'vaswani2017b');
    const warning = catalog.problems.find((problem) => problem.file === 'b.bib');
    assert.match(warning?.message ?? '', /Key "vaswani2017" is also used by a paper from a\.bib; "Second Paper" is cited as "vaswani2017a"/);
    // The renamed paper is copied under the key it is cited with.
    const renamed = [...catalog].find((paper) => paper.title === 'Second Paper');
    assert.ok(renamed);
    assert.equal(scanEntry(await bibliographyEntryFor(renamed, renamed.key))?.key, 'vaswani2017a');
  });

  it('keeps a .bib key for a paper also bundled, merged into the bundled copy', async () => {
    const own = await source('mine.bib', '@inproceedings{attn, title = {Attention is all you need}, year = 2017}');
    const catalog = new PaperCatalog([bundled, own]);
    assert.equal(catalog.size, 1);
    assert.equal(catalog.paperAt(0).key, 'attn');
    assert.match(catalog.paperAt(0).bibtex ?? '', /^@inproceedings\{attn,/);
  });

  it('reads a JSON index paper’s key, and makes one where it is missing or unusable', () => {
    const { papers, problems } = parseIndexText(
      JSON.stringify({ version: 1, papers: [{ title: 'A', abstract: '', key: 'mine2020' }, { title: 'B', abstract: '', key: 'has space' }] }),
      'i.json',
    );
    assert.deepEqual(papers.map((paper: Paper) => paper.key), ['mine2020', undefined]);
    assert.match(problems[0].message, /"key" is not a citation key BibTeX can read/);
  });

  it('does not cite under an own key with a bidi control, which would show reordered in the document: it makes one, with a warning', async () => {
    const { papers, problems } = parseIndexText(
      JSON.stringify({ version: 1, papers: [{ id: 'rlo', title: 'Flipped Key', abstract: '', key: 'evil\u202Exe' }, { id: 'isolate', title: 'Isolated Key', abstract: '', key: 'a\u2067b' }] }),
      'i.json',
    );
    const catalog = new PaperCatalog([{ name: 'i.json', location: 'i.json', papers, problems }]);
    for (const id of ['rlo', 'isolate']) assert.match(catalog.get(id)?.key ?? '', /^[\w-]+$/, id);
    assert.deepEqual(catalog.problems.filter((problem) => /control or bidirectional character/.test(problem.message)).length, 2);
  });

  it('appends nothing when the document’s .bib is the index file itself, for every entry, and cites the file’s keys', async () => {
    const bib = lines(
      '@article{Knuth:1984, title = {Literate Programming}, journal = {The Computer Journal}, doi = {10.1093/comjnl/27.2.97}}',
      '@misc{nokeywords, title = {$\\alpha$-Stable Noise}}',
      '@book{O\'Hara_1999, title = {Same Title Elsewhere}}',
    );
    const catalog = new PaperCatalog([bundled, await source('references.bib', bib)]);
    const entries = await parseBibEntries(bib);
    for (const paper of [...catalog].filter((loaded) => loaded.bibtex !== undefined)) {
      assert.deepEqual(keyInBibliography(entries, paper), { key: paper.key, inBibliography: true });
    }
    assert.deepEqual(
      [...catalog].filter((paper) => paper.bibtex).map((paper) => paper.key),
      ['Knuth:1984', 'nokeywords', "O'Hara_1999"],
    );
  });

  it('treats the same key in the target as the entry, whatever its letter case, unless its DOI says another paper', async () => {
    const [paper] = [...new PaperCatalog([await source('mine.bib', '@article{smith2020, title = {Mine}, doi = {10.1/mine}}')])];
    const edited = await parseBibEntries('@article{Smith2020, title = {Mine, retitled}}');
    assert.deepEqual(keyInBibliography(edited, paper), { key: 'Smith2020', inBibliography: true });
    const other = await parseBibEntries('@article{smith2020, title = {Theirs}, doi = {10.1/theirs}}');
    assert.deepEqual(keyInBibliography(other, paper), { key: 'smith2020a', inBibliography: false });
    assert.equal(scanEntry(await bibliographyEntryFor(paper, 'smith2020a'))?.key, 'smith2020a');
  });
});
