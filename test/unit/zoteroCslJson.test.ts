/**
 * CSL JSON files as index files: a real one exported from Zotero through zotxt for pandoc
 * (test/fixtures/zotero/csl/zotxt-biblio.json, source in ../fixtures/zotero/README.md), and items as Zotero's own, Better
 * BibTeX's and pandoc's exports write them.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PaperCatalog } from '../../src/catalog/catalog';
import { parseCslJsonText } from '../../src/sources/cslJson';
import { readSourceFile } from '../../src/sources/sourceFiles';

const fixture = path.join(__dirname, '..', 'fixtures', 'zotero', 'csl', 'zotxt-biblio.json');

describe('CSL JSON index files', () => {
  let workDir: string;
  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-csl-'));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  it('reads a Zotero export for pandoc: ids as keys, names, years, venues, DOIs; http links reported and left out', async () => {
    const source = (await readSourceFile(fixture))!;
    const catalog = new PaperCatalog([source]);
    assert.deepEqual(
      [...catalog].map(({ key, title, year }) => [key, title, year]),
      [
        ['haslanger:2012resisting', 'Resisting Reality: Social Construction and Social Critique', 2012],
        ['díaz-león:2013what', 'What Is Social Construction?', 2013],
        ['díaz-león:2015defence', 'In Defence of Historical Constructivism about Races', 2015],
        ['díaz-león:2016woman', 'Woman as a Politically Significant Term: A Solution to the Puzzle', 2016],
        ['dotson:2016word', 'Word to the Wise: Notes on a Black Feminist Metaphilosophy of Race', 2016],
      ],
    );
    const what = catalog.getByKey('díaz-león:2013what')!;
    assert.deepEqual(what.authors, ['Esa Díaz-León']);
    assert.equal(what.venue, 'European Journal of Philosophy');
    assert.equal(what.doi, '10.1111/ejop.12033');
    assert.equal(what.url, undefined);
    assert.match(what.abstract, /^In this paper I discuss/);
    assert.equal(source.problems.length, 4);
    for (const problem of source.problems) {
      assert.equal(problem.severity, 'warning');
      assert.equal(problem.file, fixture);
      assert.match(problem.message, /the URL is not an https:\/\/ link; not used\.$/);
    }
  });

  it("takes citation-key, then a note's Citation Key line, then an id that is a key", () => {
    const text = JSON.stringify([
      { id: 'http://zotero.org/users/local/AbCd/items/ABCD1234', type: 'article-journal', title: 'From <i>Zotero</i> itself', note: 'Citation Key: smith2020zotero', author: [{ family: 'Smith', given: 'Ann' }], issued: { 'date-parts': [[2020, 5]] } },
      { id: 'ignored', 'citation-key': 'bbt2021key', type: 'book', title: 'From Better BibTeX', author: [{ literal: 'World Health Organization' }], issued: { raw: 'Spring 2021' } },
      { id: '17', type: 'report', title: 'A numeric id', author: [{ family: 'Waals', given: 'Johannes Diderik', 'non-dropping-particle': 'van der' }] },
      { id: 'pandoc-key', type: 'article', title: 'From pandoc', URL: 'https://arxiv.org/abs/1506.03134', 'container-title': 'arXiv' },
      { id: 'no-title', type: 'article' },
      'not an item',
    ]);
    const parsed = parseCslJsonText(text, 'items.json');
    assert.deepEqual(
      parsed.papers.map(({ key, title, authors, year, arxivId }) => ({ key, title, authors, year, arxivId })),
      [
        { key: 'smith2020zotero', title: 'From Zotero itself', authors: ['Ann Smith'], year: 2020, arxivId: undefined },
        { key: 'bbt2021key', title: 'From Better BibTeX', authors: ['World Health Organization'], year: 2021, arxivId: undefined },
        { key: undefined, title: 'A numeric id', authors: ['Johannes Diderik van der Waals'], year: undefined, arxivId: undefined },
        { key: 'pandoc-key', title: 'From pandoc', authors: undefined, year: undefined, arxivId: '1506.03134' },
      ],
    );
    assert.deepEqual(
      parsed.problems.map((problem) => problem.message),
      ['Item 5 ("no-title") has no title; skipped.', 'Item 6 is not a CSL item (an object); skipped.'],
    );
  });

  it('reports invalid JSON at its line and column, and loads nothing from it', async () => {
    const file = path.join(workDir, 'broken.json');
    writeFileSync(file, '[\n  {"id": "a", "title": "A"},\n  {"id": "b", "title": }\n]\n');
    const source = (await readSourceFile(file))!;
    assert.equal(source.papers.length, 0);
    assert.equal(source.problems.length, 1);
    assert.equal(source.problems[0].severity, 'error');
    assert.equal(source.problems[0].line, 3);
    assert.match(source.problems[0].message, /^Invalid CSL JSON: /);
  });

  it('leaves our own JSON index format (an object) to its reader', async () => {
    const file = path.join(workDir, 'index.json');
    writeFileSync(file, JSON.stringify({ version: 1, papers: [{ id: 'x', title: 'Our Own Format', abstract: '' }] }));
    const source = (await readSourceFile(file))!;
    assert.deepEqual(source.papers.map((paper) => paper.title), ['Our Own Format']);
  });
});
