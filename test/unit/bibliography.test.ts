import { strict as assert } from 'node:assert';
import { appendEntryText, findExistingKey, keyInBibliography, parseBibEntries } from '../../src/bibtex/bibliography';
import { bibliographyDeclaration, declaredBibliographies, texRootOf } from '../../src/citation/documentBibliographies';
import type { CitationLanguage } from '../../src/citation/citationContext';

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
    assert.deepEqual(entries[5], { key: 'broken', type: 'article', title: undefined, authors: [], year: undefined, doi: undefined, arxivId: undefined, primaryClass: undefined, url: undefined, abstract: undefined, venue: undefined });
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

describe('the key a paper is cited under in a .bib', () => {
  const pointerNetworks = { key: 'vinyalsPointerNetworks2015', title: 'Pointer Networks', arxivId: '1506.03134' };
  const entry = (key: string, title: string): { key: string; type: string; title: string; authors: string[] } => ({ key, type: 'misc', title, authors: [] });

  it('is the .bib\'s own key for the same paper', () => {
    assert.deepEqual(keyInBibliography([entry('vinyals2015', 'Pointer networks')], pointerNetworks), { key: 'vinyals2015', inBibliography: true });
  });

  it('is the paper\'s key when the .bib does not use it', () => {
    assert.deepEqual(keyInBibliography([entry('other', 'Other')], pointerNetworks), { key: 'vinyalsPointerNetworks2015', inBibliography: false });
  });

  it('gets a suffix when the .bib uses the key for another paper', () => {
    const entries = [entry('vinyalsPointerNetworks2015', 'Pointer Sentinel Mixture Models'), entry('vinyalsPointerNetworks2015a', 'Something else')];
    assert.deepEqual(keyInBibliography(entries, pointerNetworks), { key: 'vinyalsPointerNetworks2015b', inBibliography: false });
  });

  it('gets a suffix when the .bib uses the key in another letter case for another paper, as BibTeX would see a repeated entry', () => {
    // bibtex: "Repeated entry" for the second of Smith2020 and smith2020, and "Case mismatch error" for their citations.
    const entries = [entry('VinyalsPointerNetworks2015', 'Pointer Sentinel Mixture Models'), entry('vinyalspointernetworks2015a', 'Something else')];
    assert.deepEqual(keyInBibliography(entries, pointerNetworks), { key: 'vinyalsPointerNetworks2015b', inBibliography: false });
  });
});

describe('declaring a bibliography in a document', () => {
  /** The document after the declaration of references.bib, or undefined when there is none to make. */
  const declared = (text: string, language: CitationLanguage): string | undefined => {
    const insertion = bibliographyDeclaration(text, language, 'references.bib');
    return insertion && text.slice(0, insertion.offset) + insertion.text + text.slice(insertion.offset);
  };

  it('Markdown: adds the key at the end of the front matter', () => {
    const after = declared('---\ntitle: Notes\nauthor: Me\n---\n\n# Notes\n', 'markdown');
    assert.equal(after, '---\ntitle: Notes\nauthor: Me\nbibliography: references.bib\n---\n\n# Notes\n');
    assert.deepEqual(declaredBibliographies(after ?? '', 'markdown'), ['references.bib']);
    assert.equal(declared('---\r\ntitle: T\r\n...\r\nText', 'markdown'), '---\r\ntitle: T\r\nbibliography: references.bib\r\n...\r\nText');
    assert.equal(declared('---\n---\nText\n', 'markdown'), '---\nbibliography: references.bib\n---\nText\n');
  });

  it('Markdown: creates a front matter when there is none', () => {
    const after = declared('# Notes\n\nText.\n', 'markdown');
    assert.equal(after, '---\nbibliography: references.bib\n---\n\n# Notes\n\nText.\n');
    assert.deepEqual(declaredBibliographies(after ?? '', 'markdown'), ['references.bib']);
    assert.equal(declared('', 'markdown'), '---\nbibliography: references.bib\n---\n');
    assert.equal(declared('Text\r\n', 'markdown'), '---\r\nbibliography: references.bib\r\n---\r\n\r\nText\r\n');
    // A thematic break on the first line, never closed, is no front matter.
    assert.equal(declared('---\nText\n', 'markdown'), '---\nbibliography: references.bib\n---\n\n---\nText\n');
  });

  it('Markdown: leaves a front matter alone that has a bibliography key already', () => {
    assert.equal(declared('---\nbibliography:\ntitle: T\n---\n', 'markdown'), undefined);
  });

  it('LaTeX with biblatex: \\addbibresource before \\begin{document}', () => {
    const text = '\\documentclass{article}\n\\usepackage[style=authoryear]{biblatex}\n\\begin{document}\nText.\n\\printbibliography\n\\end{document}\n';
    const after = declared(text, 'latex');
    assert.equal(after, text.replace('\\begin{document}', '\\addbibresource{references.bib}\n\\begin{document}'));
    assert.deepEqual(declaredBibliographies(after ?? '', 'latex'), ['references.bib']);
    assert.equal(declared('\\usepackage{csquotes,biblatex}\\begin{document}x\\end{document}', 'latex'), '\\usepackage{csquotes,biblatex}\n\\addbibresource{references.bib}\n\\begin{document}x\\end{document}');
  });

  it('LaTeX without biblatex: \\bibliographystyle and \\bibliography before \\end{document}', () => {
    const text = '\\documentclass{article}\n% \\usepackage{biblatex}\n\\begin{document}\nText.\n\\end{document}\n';
    const after = declared(text, 'latex');
    assert.equal(after, text.replace('\\end{document}', '\\bibliographystyle{plain}\n\\bibliography{references}\n\\end{document}'));
    assert.deepEqual(declaredBibliographies(after ?? '', 'latex'), ['references.bib']);
  });

  it('LaTeX: keeps the document\'s own style, uses plainnat under natbib, and puts the lines on their own', () => {
    const styled = '\\begin{document}\n\\bibliographystyle{abbrv}\nText. \\end{document}';
    assert.equal(declared(styled, 'latex'), '\\begin{document}\n\\bibliographystyle{abbrv}\nText. \n\\bibliography{references}\n\\end{document}');
    const natbib = '\\usepackage[numbers]{natbib}\n\\begin{document}\n\\end{document}\n';
    assert.equal(declared(natbib, 'latex'), '\\usepackage[numbers]{natbib}\n\\begin{document}\n\\bibliographystyle{plainnat}\n\\bibliography{references}\n\\end{document}\n');
  });

  it('LaTeX without \\end{document} (a chapter file): nothing, rather than a guess', () => {
    assert.equal(declared('\\section{Intro}\nText.\n% \\end{document}\n', 'latex'), undefined);
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
