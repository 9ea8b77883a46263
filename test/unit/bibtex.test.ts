import { strict as assert } from 'node:assert';
import { bibtexEncodingFor, bibtexEntryType, toBibtexEntry, toBibtexFile } from '../../src/bibtex/entryWriter';
import type { LoadedPaper } from '../../src/papers/paper';

const paper = (fields: Partial<LoadedPaper>): LoadedPaper => ({ id: 'x', title: 'T', abstract: '', key: 'k', source: 's', ...fields });

/** The value of one field in an entry written by `toBibtexEntry`. */
function field(entry: string, name: string): string | undefined {
  return new RegExp(`^  ${name} = \\{(.*)\\},?$`, 'm').exec(entry)?.[1];
}

describe('BibTeX entry type', () => {
  it('is @inproceedings for conferences and workshops', async () => {
    for (const venue of ['ICML 2023', 'NeurIPS', 'NIPS 2015', 'CVPR 2015', 'ICLR 2024', 'ICASSP 2024', 'LoG 2022 (PMLR 198)', 'NeurIPS 2023 Workshop (ENLSP-III)', 'Proceedings of the 40th Conference on X']) {
      assert.equal(bibtexEntryType(venue), 'inproceedings', venue);
    }
  });

  it('is @article for journals, named or cited with volume and issue', async () => {
    for (const venue of ['TMLR 2024', 'IEEE Transactions on Pattern Analysis and Machine Intelligence', 'Journal of Statistical Mechanics: Theory and Experiment (2023)', 'Physica A 626 (2023) 129076', 'Information Processing & Management 57(6)', 'Physical Review E']) {
      assert.equal(bibtexEntryType(venue), 'article', venue);
    }
  });

  it('is @misc without a venue or with one that is neither', async () => {
    assert.equal(bibtexEntryType(undefined), 'misc');
    assert.equal(bibtexEntryType('Cambridge University Press (book, 2022)'), 'misc');
  });
});

describe('BibTeX entry', () => {
  it('writes the fields in a fixed order with a two-space indent', async () => {
    const entry = await toBibtexEntry(paper({
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
      '  title = {Equivariant Polynomials for Graph Neural Networks},',
      '  booktitle = {ICML 2023},',
      '  year = {2023},',
      '  doi = {10.48550/arXiv.2302.11556},',
      '  eprint = {2302.11556},',
      '  archivePrefix = {arXiv},',
      '  primaryClass = {cs.LG},',
      '  url = {https://arxiv.org/abs/2302.11556}',
      '}',
    ].join('\n'));
  });

  it('puts a journal in journal and any other venue in howpublished', async () => {
    assert.equal(field(await toBibtexEntry(paper({ venue: 'TMLR 2024' })), 'journal'), 'TMLR 2024');
    assert.equal(field(await toBibtexEntry(paper({ venue: 'Cambridge University Press (book, 2022)' })), 'howpublished'), 'Cambridge University Press (book, 2022)');
  });

  it('leaves out what is unknown, and never invents an arXiv category', async () => {
    const entry = await toBibtexEntry(paper({ title: 'Only a title', arxivId: '1506.03134' }));
    assert.equal(entry, '@misc{k,\n  title = {Only a title},\n  eprint = {1506.03134},\n  archivePrefix = {arXiv}\n}');
    assert.doesNotMatch(entry, /primaryClass/);
  });

  // Better BibTeX's rule (retorquere/zotero-better-bibtex, site/content/support/faq.md, "But why *so many* double
  // braces?"): "if BBT sees a word containing capital letters which is not at the start of a (sub)sentence ... it will
  // assume it is a proper noun ... and also brace-protect it". Its FAQ shows that rule bracing every word of a Title
  // Case title; ours keeps to words with inner capitals there, plus the proper nouns the abstract shows.
  it('protects acronyms and words with inner capitals wherever they stand, and nothing else in a Title Case title', async () => {
    const title = async (text: string, abstract = ''): Promise<string | undefined> => field(await toBibtexEntry(paper({ title: text, abstract })), 'title');
    assert.equal(await title('MgNO: Efficient Parameterization of Linear Operators via Multigrid'), '{MgNO}: Efficient Parameterization of Linear Operators via Multigrid');
    assert.equal(await title('BERT: Pre-training of Deep Bidirectional Transformers'), '{BERT}: Pre-training of Deep Bidirectional Transformers');
    assert.equal(await title('GPT-4 Technical Report'), '{GPT}-4 Technical Report');
    assert.equal(await title('ImageNet Classification with Deep Convolutional Neural Networks'), '{ImageNet} Classification with Deep Convolutional Neural Networks');
    assert.equal(await title('Scaling Laws for 3D Vision with iPhone LiDAR Scans'), 'Scaling Laws for {3D} Vision with {iPhone LiDAR} Scans');
    assert.equal(await title('RNN-Free Über-Networks'), '{RNN}-Free {\\"U}ber-Networks');
  });

  it('protects, in a sentence-case title, every capitalised word that does not start a (sub)sentence', async () => {
    const entry = await toBibtexEntry(paper({ title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies: a Monte Carlo study' }));
    assert.equal(field(entry, 'title'), 'Calculation of prompt diphoton production cross sections at {Tevatron} and {LHC} energies: a {Monte Carlo} study');
    assert.equal(field(await toBibtexEntry(paper({ title: 'a priori compression with Fourier features' })), 'title'), 'a priori compression with {Fourier} features');
  });

  it('protects, in a Title Case title, the capitalised words the abstract writes as proper nouns', async () => {
    const entry = await toBibtexEntry(paper({
      title: 'Hopfield Networks Meet Fourier Features and Transformers',
      abstract: 'Modern Hopfield networks store patterns. We map inputs through Fourier features. Transformers use attention; transformers are everywhere.',
    }));
    // "Hopfield" starts the title; "Fourier" is capitalised mid-sentence in the abstract; "transformers" is also written in lower case.
    assert.equal(field(entry, 'title'), 'Hopfield Networks Meet {Fourier} Features and Transformers');
  });

  it('leaves the case of a journal, booktitle or publisher alone: styles print them as written', async () => {
    assert.equal(field(await toBibtexEntry(paper({ venue: 'Journal of Made-Up Results' })), 'journal'), 'Journal of Made-Up Results');
    assert.equal(field(await toBibtexEntry(paper({ venue: 'Proceedings of the 40th International Conference on Machine Learning (ICML)' })), 'booktitle'), 'Proceedings of the 40th International Conference on Machine Learning (ICML)');
    assert.equal(field(await toBibtexEntry(paper({ venue: 'Annales de l’Institut Fourier' })), 'howpublished'), 'Annales de l’Institut Fourier');
  });

  it('writes letters outside ASCII as the LaTeX pdflatex and BibTeX accept, braced as BibTeX special characters', async () => {
    const entry = await toBibtexEntry(paper({ title: 'Ampère', authors: ['José García', 'Søren Østergaard', 'Jan Łukasiewicz', 'Wacław Sierpiński', 'Paul Erdős', 'Maria Skłodowska', 'Ewa Dąbrowska', 'Carl Friedrich Gauß', 'Antonín Dvořák', 'Þóra Ægisdóttir'] }));
    assert.equal(
      field(entry, 'author'),
      String.raw`Jos{\'e} Garc{\'i}a and S{\o}ren {\O}stergaard and Jan {\L}ukasiewicz and Wac{\l}aw Sierpi{\'n}ski and Paul Erd{\H o}s and Maria Sk{\l}odowska and Ewa D{\k a}browska and Carl Friedrich Gau{\ss} and Anton{\'i}n Dvo{\v r}{\'a}k and {\TH}{\'o}ra {\AE}gisd{\'o}ttir`,
    );
    assert.match(entry, /^[\x20-\x7e\n]*$/, 'pure ASCII');
  });

  it('writes Greek and symbols as math, and keeps math in titles as math', async () => {
    const title = async (text: string): Promise<string | undefined> => field(await toBibtexEntry(paper({ title: text })), 'title');
    assert.equal(await title('α-stable processes with ≤ 2 jumps'), String.raw`{$\alpha$}-stable processes with {$\leq$} 2 jumps`);
    // A Latin letter with no macro loses its accent; a styled letter no reader maps back is kept.
    assert.equal(await title('Bảo on ℝ'), 'Bao on ℝ');
    // What no macro writes is kept for xelatex and lualatex, and so are marks unicode2latex has no accent for.
    assert.equal(await title('Emoji 😀 and Кирилл'), 'Emoji 😀 and Кирилл');
    assert.equal(await title('a Z\u0351 b'), 'a {Z\u0351} b');
    assert.equal(await title('From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$'), String.raw`From dyadic {$\Lambda_{\alpha}$} to {$\Lambda_{\alpha}$}`);
    assert.equal(await title('Thin films of Cu$_2$O'), 'Thin films of {Cu$_2$O}');
    assert.equal(await title('Bounds for \\(x^2 \\le α\\) and $50%$'), String.raw`Bounds for {$x^2 \le \alpha $} and {$50\%$}`);
    // Not math: an escaped dollar, money, and a dollar with blanks inside.
    assert.equal(await title('costs $5 and $10'), String.raw`costs \$5 and \$10`);
    assert.equal(await title('an escaped \\$x$ dollar'), String.raw`an escaped \textbackslash{}\$x\$ dollar`);
    assert.equal(await title('blanks $ x $ inside'), String.raw`blanks \$ x \$ inside`);
    // Math that would read or write files, run programs or redefine TeX is text, so TeX runs none of it.
    for (const unsafe of ['$\\input{/etc/passwd}$', '$x \\immediate\\write18{rm -rf ~}$', '\\(\\def\\x{1}\\)', '$^^5cinput{a}$', '$\\begin{filecontents}{a}x\\end{filecontents}$', '$x\\end$']) {
      assert.doesNotMatch((await title(unsafe)) ?? '', /(?<!\\)\$/, unsafe);
    }
    assert.equal(await title('$\\begin{pmatrix} a \\end{pmatrix}$'), String.raw`{$\begin{pmatrix} a \end{pmatrix}$}`);
    // Math whose braces do not nest is text.
    assert.equal(await title('bad $x^{2$ math'), String.raw`bad \$x\textasciicircum{}\textbraceleft{}2\$ math`);
  });

  it('writes, for a biblatex document, the Latin letters T1 fonts hold as UTF-8 and converts the rest', async () => {
    const entry = await toBibtexEntry(paper({ title: 'Walks through Łódź with Gödel, Erdős and α', authors: ['José García', 'Đorđe Þórsson'] }), { encoding: 'utf8' });
    assert.equal(field(entry, 'author'), 'José García and Đorđe Þórsson');
    assert.equal(field(entry, 'title'), 'Walks through {Łódź} with {Gödel}, {Erdős} and {$\\alpha$}');
    assert.equal(bibtexEncodingFor('\\documentclass{article}\\usepackage[style=numeric]{biblatex}\\addbibresource{refs.bib}'), 'utf8');
    assert.equal(bibtexEncodingFor('\\usepackage{csquotes,biblatex}'), 'utf8');
    assert.equal(bibtexEncodingFor('\\usepackage{natbib}\\bibliography{refs}'), 'latex');
    assert.equal(bibtexEncodingFor('# Notes\n\nbibliography: refs.bib'), 'latex');
  });

  it('escapes every character that is syntax to TeX or BibTeX', async () => {
    assert.equal(
      field(await toBibtexEntry(paper({ title: 'a & b % c $ d # e _ f ~ g ^ h \\ i' })), 'title'),
      String.raw`a \& b \% c \$ d \# e \_ f \textasciitilde{} g \textasciicircum{} h \textbackslash{} i`,
    );
  });

  it('writes literal braces as \\{ \\} when they nest, and with the always-safe macros when they do not', async () => {
    assert.equal(field(await toBibtexEntry(paper({ title: 'sets {0, 1} and {a {b}}' })), 'title'), String.raw`sets \{0, 1\} and \{a \{b\}\}`);
    assert.equal(field(await toBibtexEntry(paper({ title: 'half } open {' })), 'title'), String.raw`half \textbraceright{} open \textbraceleft{}`);
  });

  it('composes accents before converting them and collapses whitespace', async () => {
    const entry = await toBibtexEntry(paper({ title: 'Cafe\u0301  \u00fcber\n\nalles', authors: ['\u0141ukasz Kaiser'] }));
    assert.equal(field(entry, 'title'), 'Caf{\\\'e} {\\"u}ber alles');
    assert.equal(field(entry, 'author'), '{\\L}ukasz Kaiser');
  });

  it('braces an author name BibTeX would split into several or could not parse', async () => {
    const entry = await toBibtexEntry(paper({ authors: ['Google and DeepMind', 'Lipton, Zachary C.', 'van Gogh, Jr., Vincent', 'A, B, C, D', 'Anderson Silva'] }));
    assert.equal(field(entry, 'author'), '{Google and DeepMind} and Lipton, Zachary C. and van Gogh, Jr., Vincent and {A, B, C, D} and Anderson Silva');
  });

  it('writes url, doi and eprint verbatim, percent-encoding only what would break the field', async () => {
    const entry = await toBibtexEntry(paper({ url: 'https://example.com/a_b%20c?x=1&y=#frag {x}\\', doi: '10.1000/a_b#c' }));
    assert.equal(field(entry, 'url'), 'https://example.com/a_b%20c?x=1&y=#frag%20%7Bx%7D%5C');
    assert.equal(field(entry, 'doi'), '10.1000/a_b#c');
  });
});

describe('BibTeX file', () => {
  it('separates entries by one blank line and ends with a line break', async () => {
    const file = await toBibtexFile([paper({ key: 'a' }), paper({ key: 'b' })]);
    assert.equal(file, '@misc{a,\n  title = {T}\n}\n\n@misc{b,\n  title = {T}\n}\n');
    assert.equal(await toBibtexFile([]), '');
  });
});
