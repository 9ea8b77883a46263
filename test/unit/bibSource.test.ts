import { strict as assert } from 'node:assert';
import { parseBibIndexText } from '../../src/index/bibSource';

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
      },
    ]);
  });

  it('reports an entry without a title with its line and keeps the others', async () => {
    const { problems } = await parseBibIndexText(bib, 'refs.bib');
    assert.deepEqual(problems.map((problem) => [problem.file, problem.line, problem.severity]), [['refs.bib', 10, 'error']]);
    assert.match(problems[0].message, /untitled2020/);
  });

  it('says so when a file holds no BibTeX at all', async () => {
    const { papers, problems } = await parseBibIndexText('just some text', 'notes.bib');
    assert.equal(papers.length, 0);
    assert.match(problems[0].message, /No BibTeX entries/);
  });
});
