import { strict as assert } from 'node:assert';
import { toBibtexFile } from '../../src/bibtex/entryWriter';
import { parseBibIndexText } from '../../src/sources/bibSource';
import type { LoadedPaper } from '../../src/papers/paper';

describe('BibTeX files as indexes', () => {
  const bib = [
    '@article{vaswani2017attention,',
    '  title = {Attention Is All You Need},',
    '  author = {Vaswani, Ashish and Shazeer, Noam},',
    '  journal = {NeurIPS},',
    '  year = {2017},',
    '  eprint = {1706.03762}, archivePrefix = {arXiv},',
    '  abstract = {The dominant sequence   transduction models.}',
    '}',
    '',
    '@misc{untitled2020,',
    '  year = {2020}',
    '}',
  ].join('\n');

  it('maps entries to papers, keeping key, authors, year, venue, arXiv id and abstract', async () => {
    const { papers } = await parseBibIndexText(bib, 'refs.bib');
    assert.deepEqual(papers, [
      {
        id: 'vaswani2017attention',
        title: 'Attention Is All You Need',
        abstract: 'The dominant sequence transduction models.',
        authors: ['Ashish Vaswani', 'Noam Shazeer'],
        year: 2017,
        arxivId: '1706.03762',
        venue: 'NeurIPS',
        key: 'vaswani2017attention',
        bibtex: bib.slice(0, bib.indexOf('\n}') + 2),
      },
    ]);
  });

  it('reports an entry without a title with its line and keeps the others', async () => {
    const { problems } = await parseBibIndexText(bib, 'refs.bib');
    assert.deepEqual(problems.map((problem) => [problem.file, problem.line, problem.severity]), [['refs.bib', 10, 'error']]);
    assert.match(problems[0].message, /untitled2020/);
  });

  it('reads the arXiv category from primaryClass, and gives back what the writer wrote', async () => {
    const written: LoadedPaper[] = [
      { id: 'a', key: 'a', source: 's', title: 'A', abstract: '', arxivId: '2302.11556', arxivCategory: 'cs.LG' },
      { id: 'b', key: 'b', source: 's', title: 'B', abstract: '', arxivId: 'hep-th/9901001', arxivCategory: 'hep-th' },
    ];
    const { papers, problems } = await parseBibIndexText(await toBibtexFile(written), 'written.bib');
    assert.deepEqual(problems, []);
    assert.deepEqual(papers.map(({ id, arxivId, arxivCategory }) => ({ id, arxivId, arxivCategory })), written.map(({ id, arxivId, arxivCategory }) => ({ id, arxivId, arxivCategory })));

    const quoted = await parseBibIndexText('@misc{q, title = {Q}, eprint = "2101.00001", primaryclass = "stat.ML"}\n@misc{bare, title={R}, PRIMARYCLASS = math.CO}', 'q.bib');
    assert.deepEqual(quoted.papers.map((paper) => paper.arxivCategory), ['stat.ML', 'math.CO']);
  });

  it('ignores a primaryClass that is no arXiv category, with a warning at the field', async () => {
    const { papers, problems } = await parseBibIndexText('@misc{x,\n  title = {X},\n  primaryClass = {Computer Science}\n}', 'x.bib');
    assert.equal(papers[0].arxivCategory, undefined);
    assert.deepEqual(problems.map((problem) => [problem.severity, problem.line, problem.column]), [['warning', 3, 3]]);
    assert.match(problems[0].message, /"primaryClass" should be an arXiv category/);
  });

  it('says so when a file holds no BibTeX at all', async () => {
    const { papers, problems } = await parseBibIndexText('just some text', 'notes.bib');
    assert.equal(papers.length, 0);
    assert.match(problems[0].message, /No BibTeX entries/);
  });
});
