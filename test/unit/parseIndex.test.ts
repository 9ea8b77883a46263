import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PaperCatalog } from '../../src/catalog/catalog';
import { parseIndexText } from '../../src/sources/parseIndex';

const fixture = (name: string): string => readFileSync(path.join(__dirname, '..', 'fixtures', 'indexes', name), 'utf8');

describe('parseIndexText', () => {
  it('reads a valid index with every field', () => {
    const result = parseIndexText(fixture('valid.json'), 'valid.json');
    assert.deepEqual(result.problems, []);
    assert.equal(result.name, 'Lab reading list');
    assert.deepEqual(result.papers[0], {
      id: 'attention-is-all-you-need',
      title: 'Attention Is All You Need',
      abstract: 'The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.',
      authors: ['Ashish Vaswani', 'Noam Shazeer'],
      year: 2017,
      arxivId: '1706.03762',
      arxivCategory: 'cs.CL',
      venue: 'NeurIPS 2017',
    });
  });

  it('keeps an arXiv category only when it is one, with a warning at the field otherwise', () => {
    const text = JSON.stringify({
      version: 1,
      papers: ['cs.LG', 'hep-th', 'cond-mat.stat-mech', 'cs LG', '{cs.LG}', 'javascript:alert(1)'].map((arxivCategory, i) => ({ id: `p${i}`, title: `P${i}`, abstract: '', arxivCategory })),
    }, null, 1);
    const result = parseIndexText(text, 'categories.json');
    assert.deepEqual(result.papers.map((paper) => paper.arxivCategory), ['cs.LG', 'hep-th', 'cond-mat.stat-mech', undefined, undefined, undefined]);
    assert.deepEqual(result.problems.map((problem) => [problem.severity, problem.line]), [['warning', 26], ['warning', 32], ['warning', 38]]);
    assert.match(result.problems[0].message, /"arxivCategory" should be an arXiv category such as "cs\.LG"; ignored/);
  });

  it('reports invalid JSON with the file name, line and column', () => {
    const text = '{\n  "version": 1,\n  "papers": [\n    { "title": "A", "abstract": "" },,\n    { "title": "B", "abstract": "" }\n  ]\n}\n';
    const result = parseIndexText(text, '/work/broken.json');
    assert.deepEqual(result.papers.map((paper) => paper.title), ['A']);
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.equal(problem.severity, 'error');
    assert.equal(problem.file, '/work/broken.json');
    assert.equal(problem.line, 4);
    assert.equal(problem.column, 38);
    assert.match(problem.message, /Invalid JSON/);
  });

  it('skips entries without a title, names their position, and keeps the valid ones', () => {
    const result = parseIndexText(fixture('missing-title.json'), 'missing-title.json');
    assert.deepEqual(result.papers.map((paper) => paper.title), ['First good paper', 'Second good paper']);
    const errors = result.problems.filter((problem) => problem.severity === 'error');
    assert.equal(errors.length, 2);
    assert.deepEqual(errors.map((problem) => [problem.line, problem.message.slice(0, 8)]), [
      [5, 'Paper 2:'],
      [6, 'Paper 3:'],
    ]);
  });

  it('ignores wrongly typed optional fields with a warning but keeps the paper', () => {
    const text = JSON.stringify({ version: 1, papers: [{ title: 'T', abstract: 'A', year: 'twenty', authors: 'X' }] });
    const result = parseIndexText(text, 'types.json');
    assert.deepEqual(result.papers, [{ id: 't', title: 'T', abstract: 'A' }]);
    assert.deepEqual(result.problems.map((problem) => problem.severity), ['warning', 'warning']);
  });

  it('rejects a duplicate id within one file', () => {
    const text = JSON.stringify({ version: 1, papers: [{ id: 'x', title: 'One', abstract: '' }, { id: 'x', title: 'Two', abstract: '' }] });
    const result = parseIndexText(text, 'dup.json');
    assert.deepEqual(result.papers.map((paper) => paper.title), ['One']);
    assert.match(result.problems[0].message, /duplicate id "x"/);
  });

  it('reports an empty file, a wrong top-level type and an unknown version', () => {
    assert.match(parseIndexText('  \n', 'empty.json').problems[0].message, /empty/);
    assert.match(parseIndexText('[]', 'array.json').problems[0].message, /JSON object/);
    assert.match(parseIndexText('{"version": 2, "papers": []}', 'v2.json').problems[0].message, /Unsupported "version" 2/);
  });

  it('accepts a byte-order mark and CRLF line endings, and positions stay right', () => {
    const text = '\ufeff{\r\n"version": 1,\r\n"papers": [\r\n{"abstract": "no title"}\r\n]}';
    const result = parseIndexText(text, 'bom.json');
    assert.equal(result.problems[0].line, 4);
    assert.equal(result.problems[0].column, 1);
  });

  it('collapses control characters and line breaks inside titles', () => {
    const text = JSON.stringify({ version: 1, papers: [{ title: 'Line\none\u0000 two', abstract: 'x' }] });
    assert.equal(parseIndexText(text, 'c.json').papers[0].title, 'Line one two');
  });
});

describe('parseIndexText on a truncated file', () => {
  it('keeps the entries that end before the syntax error and reports only that error', () => {
    const full = readFileSync(path.join(__dirname, '..', 'fixtures', 'indexes', 'missing-title.json'), 'utf8');
    const truncated = full.slice(0, full.indexOf('"Second good paper"'));
    const result = parseIndexText(truncated, 'truncated.json');
    assert.deepEqual(result.papers.map((paper) => paper.title), ['First good paper']);
    const errors = result.problems.filter((problem) => problem.severity === 'error');
    assert.ok(errors.some((problem) => problem.message.startsWith('Invalid JSON')), JSON.stringify(errors));
    assert.ok(errors.every((problem) => !problem.message.includes('"papers"')), JSON.stringify(errors));
  });
});

describe('PaperCatalog merging sources', () => {
  const source = (name: string, papers: object[]) => ({ name, location: `/x/${name}`, papers: papers as never, problems: [] });

  it('merges the same paper from two sources by arXiv id, DOI or title, filling missing fields', () => {
    const catalog = new PaperCatalog([
      source('Bundled papers', [{ id: 'pointer', title: 'Pointer Networks', abstract: 'A', arxivId: '1506.03134' }]),
      source('mine.bib', [
        { id: 'vinyals2015', title: 'Pointer networks.', abstract: '', arxivId: '1506.03134v2', doi: '10.5555/1', venue: 'NIPS' },
        { id: 'other', title: 'Other Paper', abstract: 'B' },
      ]),
    ]);
    assert.equal(catalog.size, 2);
    const merged = catalog.get('pointer');
    assert.equal(merged?.abstract, 'A');
    assert.equal(merged?.doi, '10.5555/1');
    assert.equal(merged?.venue, 'NIPS');
    assert.equal(merged?.source, 'Bundled papers + mine.bib');
    assert.equal(catalog.get('vinyals2015'), merged, 'the second copy’s id finds the merged paper');
  });

  it('skips a different paper whose id is taken, with a warning', () => {
    const catalog = new PaperCatalog([
      source('a.json', [{ id: 'same', title: 'First', abstract: '' }]),
      source('b.json', [{ id: 'same', title: 'Second', abstract: '' }]),
    ]);
    assert.deepEqual([...catalog].map((paper) => paper.title), ['First']);
    assert.match(catalog.problems[0].message, /already loaded from a\.json/);
  });
});
