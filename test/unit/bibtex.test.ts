import { strict as assert } from 'node:assert';
import { bibtexEntryType, toBibtexEntry, toBibtexFile } from '../../src/citation/bibtex';
import type { LoadedPaper } from '../../src/index/paper';

const paper = (fields: Partial<LoadedPaper>): LoadedPaper => ({ id: 'x', title: 'T', abstract: '', key: 'k', source: 's', ...fields });

/** The value of one field in an entry written by `toBibtexEntry`. */
function field(entry: string, name: string): string | undefined {
  return new RegExp(`^  ${name} = \\{(.*)\\},?$`, 'm').exec(entry)?.[1];
}

describe('BibTeX entry type', () => {
  it('is @inproceedings for conferences and workshops', () => {
    for (const venue of ['ICML 2023', 'NeurIPS', 'NIPS 2015', 'CVPR 2015', 'ICLR 2024', 'ICASSP 2024', 'LoG 2022 (PMLR 198)', 'NeurIPS 2023 Workshop (ENLSP-III)', 'Proceedings of the 40th Conference on X']) {
      assert.equal(bibtexEntryType(venue), 'inproceedings', venue);
    }
  });

  it('is @article for journals, named or cited with volume and issue', () => {
    for (const venue of ['TMLR 2024', 'IEEE Transactions on Pattern Analysis and Machine Intelligence', 'Journal of Statistical Mechanics: Theory and Experiment (2023)', 'Physica A 626 (2023) 129076', 'Information Processing & Management 57(6)', 'Physical Review E']) {
      assert.equal(bibtexEntryType(venue), 'article', venue);
    }
  });

  it('is @misc without a venue or with one that is neither', () => {
    assert.equal(bibtexEntryType(undefined), 'misc');
    assert.equal(bibtexEntryType('Cambridge University Press (book, 2022)'), 'misc');
  });
});

describe('BibTeX entry', () => {
  it('writes the fields in a fixed order with a two-space indent', () => {
    const entry = toBibtexEntry(paper({
      key: 'punyEquivariantPolynomialsGraph2023',
      title: 'Equivariant Polynomials for Graph Neural Networks',
      authors: ['Omri Puny', 'Derek Lim'],
      year: 2023,
      venue: 'ICML 2023',
      arxivId: '2302.11556',
      arxivCategory: 'cs.LG',
      doi: '10.48550/arXiv.2302.11556',
      url: 'https://arxiv.org/abs/2302.11556',
    }));
    assert.equal(entry, [
      '@inproceedings{punyEquivariantPolynomialsGraph2023,',
      '  author = {Omri Puny and Derek Lim},',
      '  title = {{Equivariant Polynomials} for {Graph Neural Networks}},',
      '  booktitle = {{ICML} 2023},',
      '  year = {2023},',
      '  doi = {10.48550/arXiv.2302.11556},',
      '  eprint = {2302.11556},',
      '  archivePrefix = {arXiv},',
      '  primaryClass = {cs.LG},',
      '  url = {https://arxiv.org/abs/2302.11556}',
      '}',
    ].join('\n'));
  });

  it('puts a journal in journal and any other venue in howpublished', () => {
    assert.equal(field(toBibtexEntry(paper({ venue: 'TMLR 2024' })), 'journal'), '{TMLR} 2024');
    assert.equal(field(toBibtexEntry(paper({ venue: 'Cambridge University Press (book, 2022)' })), 'howpublished'), '{Cambridge University Press} (book, 2022)');
  });

  it('leaves out what is unknown, and never invents an arXiv category', () => {
    const entry = toBibtexEntry(paper({ title: 'Only a title', arxivId: '1506.03134' }));
    assert.equal(entry, '@misc{k,\n  title = {{Only} a title},\n  eprint = {1506.03134},\n  archivePrefix = {arXiv}\n}');
    assert.doesNotMatch(entry, /primaryClass/);
  });

  it('protects every run of capitalised words, so proper nouns and acronyms keep their capitals', () => {
    assert.equal(field(toBibtexEntry(paper({ title: 'MgNO: Efficient Parameterization of Linear Operators via Multigrid' })), 'title'), '{MgNO}: {Efficient Parameterization} of {Linear Operators} via {Multigrid}');
    assert.equal(field(toBibtexEntry(paper({ title: 'a priori compression with Fourier features' })), 'title'), 'a priori compression with {Fourier} features');
    assert.equal(field(toBibtexEntry(paper({ title: 'RNN-Free Über-Networks' })), 'title'), '{RNN}-{Free Über}-{Networks}');
  });

  it('escapes every character that is syntax to TeX or BibTeX', () => {
    assert.equal(
      field(toBibtexEntry(paper({ title: 'a & b % c $ d # e _ f ~ g ^ h \\ i' })), 'title'),
      String.raw`a \& b \% c \$ d \# e \_ f \textasciitilde{} g \textasciicircum{} h \textbackslash{} i`,
    );
    assert.equal(field(toBibtexEntry(paper({ title: 'x $x^2$ and \\alpha' })), 'title'), String.raw`x \$x\textasciicircum{}2\$ and \textbackslash{}alpha`);
  });

  it('writes literal braces as \\{ \\} when they nest, and with the always-safe macros when they do not', () => {
    assert.equal(field(toBibtexEntry(paper({ title: 'sets {0, 1} and {a {b}}' })), 'title'), String.raw`sets \{0, 1\} and \{a \{b\}\}`);
    assert.equal(field(toBibtexEntry(paper({ title: 'half } open {' })), 'title'), String.raw`half \textbraceright{} open \textbraceleft{}`);
  });

  it('keeps non-ASCII text as composed UTF-8 and collapses whitespace', () => {
    const entry = toBibtexEntry(paper({ title: 'Cafe\u0301  über\n\nalles', authors: ['Łukasz Kaiser'] }));
    assert.equal(field(entry, 'title'), '{Caf\u00e9} über alles');
    assert.equal(field(entry, 'author'), 'Łukasz Kaiser');
  });

  it('braces an author name BibTeX would split into several or could not parse', () => {
    const entry = toBibtexEntry(paper({ authors: ['Google and DeepMind', 'Lipton, Zachary C.', 'van Gogh, Jr., Vincent', 'A, B, C, D', 'Anderson Silva'] }));
    assert.equal(field(entry, 'author'), '{Google and DeepMind} and Lipton, Zachary C. and van Gogh, Jr., Vincent and {A, B, C, D} and Anderson Silva');
  });

  it('writes url, doi and eprint verbatim, percent-encoding only what would break the field', () => {
    const entry = toBibtexEntry(paper({ url: 'https://example.com/a_b%20c?x=1&y=#frag {x}\\', doi: '10.1000/a_b#c' }));
    assert.equal(field(entry, 'url'), 'https://example.com/a_b%20c?x=1&y=#frag%20%7Bx%7D%5C');
    assert.equal(field(entry, 'doi'), '10.1000/a_b#c');
  });
});

describe('BibTeX file', () => {
  it('separates entries by one blank line and ends with a line break', () => {
    const file = toBibtexFile([paper({ key: 'a' }), paper({ key: 'b' })]);
    assert.equal(file, '@misc{a,\n  title = {{T}}\n}\n\n@misc{b,\n  title = {{T}}\n}\n');
    assert.equal(toBibtexFile([]), '');
  });
});
