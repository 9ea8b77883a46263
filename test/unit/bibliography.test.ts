import { strict as assert } from 'node:assert';
import { appendEntryText, declaredBibliographies, findExistingKey, parseBibEntries, texRootOf } from '../../src/citation/bibliography';

describe('declared bibliographies: LaTeX', () => {
  it('reads \\bibliography, adding the .bib extension BibTeX adds', () => {
    assert.deepEqual(declaredBibliographies(String.raw`\bibliography{refs, ../shared/more.bib,extra}`, 'latex'), ['refs.bib', '../shared/more.bib', 'extra.bib']);
  });

  it('reads \\addbibresource, with or without options, and skips remote resources', () => {
    const text = [
      String.raw`\addbibresource{refs.bib}`,
      String.raw`\addbibresource[label=main]{chapters/one.bib}`,
      String.raw`\addbibresource[location=remote]{https://example.com/all.bib}`,
    ].join('\n');
    assert.deepEqual(declaredBibliographies(text, 'latex'), ['refs.bib', 'chapters/one.bib']);
  });

  it('ignores commented-out declarations and \\bibliographystyle, but not an escaped percent sign', () => {
    const text = [
      String.raw`% \bibliography{old}`,
      String.raw`\bibliographystyle{plain} % \addbibresource{also-old.bib}`,
      String.raw`50\% done \bibliography{current}`,
      String.raw`\\% \bibliography{after-a-line-break-then-comment}`,
    ].join('\n');
    assert.deepEqual(declaredBibliographies(text, 'latex'), ['current.bib']);
  });

  it('finds the root file of a multi-file project from the magic comment', () => {
    assert.equal(texRootOf('% !TEX root = ../main.tex\n\\section{Intro}'), '../main.tex');
    assert.equal(texRootOf('%!TeX root=thesis.tex  \n'), 'thesis.tex');
    assert.equal(texRootOf('\\documentclass{article}\n% !TEX program = xelatex'), undefined);
    assert.equal(texRootOf('% !TEX root =\n'), undefined);
  });
});

describe('declared bibliographies: Markdown', () => {
  const withFrontMatter = (yaml: string): string => `---\n${yaml}\n---\n\n# Title\n\nbibliography: not-this.bib\n`;

  it('reads one path, plain or quoted, with a trailing comment', () => {
    assert.deepEqual(declaredBibliographies(withFrontMatter('title: T\nbibliography: refs.bib'), 'markdown'), ['refs.bib']);
    assert.deepEqual(declaredBibliographies(withFrontMatter('bibliography: "my refs.bib" '), 'markdown'), ['my refs.bib']);
    assert.deepEqual(declaredBibliographies(withFrontMatter('bibliography: refs.bib # the main one'), 'markdown'), ['refs.bib']);
  });

  it('reads a flow list and a block list', () => {
    assert.deepEqual(declaredBibliographies(withFrontMatter("bibliography: [a.bib, 'b.bib']"), 'markdown'), ['a.bib', 'b.bib']);
    assert.deepEqual(declaredBibliographies(withFrontMatter('bibliography:\n  - a.bib\n  - "b c.bib"\nlink-citations: true'), 'markdown'), ['a.bib', 'b c.bib']);
  });

  it('reads only a front matter block at the very start, closed by --- or ...', () => {
    assert.deepEqual(declaredBibliographies('---\r\nbibliography: refs.bib\r\n...\r\nText', 'markdown'), ['refs.bib']);
    assert.deepEqual(declaredBibliographies('# Title\n\n---\nbibliography: refs.bib\n---\n', 'markdown'), []);
    assert.deepEqual(declaredBibliographies('---\ntitle: no bibliography\n---\n', 'markdown'), []);
  });
});

describe('existing .bib entries', () => {
  const bib = String.raw`@comment{ written by hand }
@string{icml = "International Conference on Machine Learning"}

@inproceedings{puny2023,
  author = {Puny, Omri and Lim, Derek and Kiani, Bobak T.},
  title = {Equivariant Polynomials for {Graph} Neural Networks},
  booktitle = icml,
  year = 2023,
  eprint = {2302.11556v2},
  archivePrefix = {arXiv}
}

@article{lrcn,
  title = {Long-term recurrent convolutional networks for visual recognition and description},
  doi = {10.1109/cvpr.2015.7298878},
  date = {2015-06}
}

@misc{scholar,
  title = {\emph{Pointer} networks},
  journal = {arXiv preprint arXiv:1506.03134}
}

@misc{byUrl, title = {Something}, url = {https://arxiv.org/pdf/2111.00396v3}}

@misc{pubmed, title = {Other}, eprint = {2302.11556}, eprinttype = {pubmed}}

@article{broken, title = {Unclosed

@misc{afterBroken, title = {Caf{\'e} {\"U}ber Networks}, author = {Akyürek, Ekin}}
`;

  it('lists every entry, in file order, with plain-text fields', async () => {
    const entries = await parseBibEntries(bib);
    assert.deepEqual(entries.map((entry) => entry.key), ['puny2023', 'lrcn', 'scholar', 'byUrl', 'pubmed', 'broken', 'afterBroken']);
    const puny = entries[0];
    assert.equal(puny.type, 'inproceedings');
    assert.equal(puny.title, 'Equivariant Polynomials for Graph Neural Networks');
    assert.deepEqual(puny.authors, ['Omri Puny', 'Derek Lim', 'Bobak T. Kiani']);
    assert.equal(puny.year, '2023');
    assert.equal(entries[1].year, '2015');
    assert.equal(entries[2].title, 'Pointer networks');
    assert.equal(entries[6].title, 'Café Über Networks');
  });

  it('keeps the key of an entry it cannot read, and reads on after it', async () => {
    const entries = await parseBibEntries(bib);
    assert.deepEqual(entries[5], { key: 'broken', type: 'article', title: undefined, authors: [], year: undefined, doi: undefined, arxivId: undefined, url: undefined, abstract: undefined, venue: undefined });
    assert.equal(entries[6].key, 'afterBroken');
  });

  it('finds arXiv ids in eprint, an arxiv.org url and a Google Scholar journal, but not in another archive\'s eprint', async () => {
    const entries = await parseBibEntries(bib);
    assert.deepEqual(
      entries.map((entry) => entry.arxivId),
      ['2302.11556', undefined, '1506.03134', '2111.00396', undefined, undefined, undefined],
    );
  });

  it('finds the key of the same paper by arXiv id, DOI or folded title', async () => {
    const entries = await parseBibEntries(bib);
    assert.equal(findExistingKey(entries, { title: 'Another title entirely', arxivId: '2302.11556' }), 'puny2023');
    assert.equal(findExistingKey(entries, { title: 'Pointer Networks', arxivId: '1506.03134v1' }), 'scholar');
    assert.equal(findExistingKey(entries, { title: 'X', doi: 'https://doi.org/10.1109/CVPR.2015.7298878' }), 'lrcn');
    assert.equal(findExistingKey(entries, { title: 'Long-Term Recurrent Convolutional Networks for Visual Recognition and Description' }), 'lrcn');
    assert.equal(findExistingKey(entries, { title: 'cafe UBER networks!' }), 'afterBroken');
  });

  it('prefers an arXiv match to a title match, and finds nothing for a new paper', async () => {
    const entries = await parseBibEntries(bib);
    assert.equal(findExistingKey(entries, { title: 'Something', arxivId: '2302.11556' }), 'puny2023');
    assert.equal(findExistingKey(entries, { title: 'A New Paper', arxivId: '2501.00001', doi: '10.1/new' }), undefined);
  });

  it('never matches titles that fold to nothing', () => {
    const entries = [{ key: 'jp', type: 'misc', title: '深層学習', authors: [] }];
    assert.equal(findExistingKey(entries, { title: '強化学習' }), undefined);
  });
});

describe('appending an entry', () => {
  const entry = '@misc{k,\n  title = {T}\n}';

  it('separates the entry from existing text by one blank line and ends with a line break', () => {
    assert.equal(appendEntryText('@misc{a}', entry), `\n\n${entry}\n`);
    assert.equal(appendEntryText('@misc{a}\n', entry), `\n${entry}\n`);
    assert.equal(appendEntryText('@misc{a}\n\n', entry), `${entry}\n`);
    assert.equal(appendEntryText('@misc{a}\n  \n\n', entry), `${entry}\n`);
  });

  it('adds no separation to an empty file', () => {
    assert.equal(appendEntryText('', entry), `${entry}\n`);
    assert.equal(appendEntryText('\n', entry), `${entry}\n`);
    assert.equal(appendEntryText('  ', entry), `\n${entry}\n`);
  });

  it('keeps the file\'s CRLF line breaks, also inside the entry', () => {
    assert.equal(appendEntryText('@misc{a}\r\n', entry + '\n'), '\r\n@misc{k,\r\n  title = {T}\r\n}\r\n');
  });

  it('only ever adds after the existing text', () => {
    const existing = '% my notes\n@misc{a, title={A}}   ';
    const appended = existing + appendEntryText(existing, entry);
    assert.ok(appended.startsWith(existing));
  });
});
