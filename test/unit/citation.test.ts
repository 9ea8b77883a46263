import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { citationStyleFor, DEFAULT_CITATION_OPTIONS, formatCitation, formatPlainReference } from '../../src/citation/format';
import { assignCitationKeys, baseCitationKey, DEFAULT_KEY_TEMPLATE, familyName, foldToAscii, keyTemplateProblem } from '../../src/papers/keys';
import type { LoadedPaper } from '../../src/papers/paper';

const paper = (fields: Partial<LoadedPaper>): LoadedPaper => ({ id: 'x', title: 'T', abstract: '', key: 'k', source: 's', ...fields });

describe('citation keys', () => {
  it('follows Better BibTeX: family name, three significant title words, year', () => {
    assert.equal(
      baseCitationKey({ title: 'Equivariant Polynomials for Graph Neural Networks', authors: ['Omri Puny', 'Derek Lim'], year: 2023 }),
      'punyEquivariantPolynomialsGraph2023',
    );
    assert.equal(baseCitationKey({ title: 'A Critical Review of Recurrent Neural Networks', authors: ['Zachary C. Lipton'], year: 2015 }), 'liptonCriticalReviewRecurrent2015');
  });

  it('skips the words Better BibTeX skips by default, not only articles and short prepositions', () => {
    // BBT: vaswaniAttentionAllYou2017 ("is" is one of its skip words).
    assert.equal(baseCitationKey({ title: 'Attention Is All You Need', authors: ['Ashish Vaswani'], year: 2017 }), 'vaswaniAttentionAllYou2017');
    assert.equal(baseCitationKey({ title: 'Towards a Theory of Some Things Without Limits', authors: ['Ann Smith'] }), 'smithTheoryThingsLimits');
    // Its list is multilingual and leaves out words ours once skipped ("out", "vs").
    assert.equal(baseCitationKey({ title: 'Über die Theorie der Netze', authors: ['Ann Smith'] }), 'smithUberTheorieNetze');
    assert.equal(baseCitationKey({ title: 'Out of Distribution vs Noise', authors: ['Ann Smith'] }), 'smithOutDistributionVs');
  });

  it('gives a bundled paper the key Better BibTeX gives it', () => {
    const bundled: LoadedPaper[] = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'data', 'papers.json'), 'utf8')).papers;
    const oneForAll = bundled.find((candidate) => candidate.title.startsWith('One is All'));
    assert.ok(oneForAll, 'the bundled papers include "One is All: Bridging the Gap …"');
    assert.equal(baseCitationKey(oneForAll), 'fangOneAllBridging2022');
  });

  it('uses the title alone when there are no authors, and leaves out a missing year', () => {
    assert.equal(baseCitationKey({ title: 'The Principles of Deep Learning Theory' }), 'principlesDeepLearning');
    assert.equal(baseCitationKey({ title: 'Pointer Networks', year: 2015 }), 'pointerNetworks2015');
  });

  it('folds accents and special letters to ASCII and keeps only letters and digits', () => {
    assert.equal(baseCitationKey({ title: 'Über-Fast Ñandú Models: a #1 study', authors: ['Ekin Akyürek'], year: 2022 }), 'akyurekUberFastNandu2022');
    assert.equal(foldToAscii('Łukasz Gößl Ørsted'), 'Lukasz Gossl Orsted');
    assert.match(baseCitationKey({ title: '{}%$&_~^\\ weird', authors: ["O'Brien"] }), /^[A-Za-z0-9]+$/);
  });

  it('reads "Family, Given" and "Given Family" author names', () => {
    assert.equal(familyName('Lipton, Zachary C.'), 'Lipton');
    assert.equal(familyName('Zachary C. Lipton'), 'Lipton');
  });

  // Better BibTeX's [auth] is the Zotero last name, particles included: BBT's BibTeX import joins the parser's `prefix`
  // and `lastName` (retorquere/zotero-better-bibtex, translators/bibtex/bibtex.ts) and `$auth` formats it with
  // `%(f)s` = `creator.lastName` (content/key-manager/formatter.ts). Its test fixtures show the keys:
  // "van der Meij" → `vandermeijConfirmingNGC62312021` (test/fixtures/export/BetterBibLaTeX sets option useprefixtrue
  // with no way to turn off #3281-1), "van den Oord" → `vandenoordWaveNetGenerativeModel2016` (…articles as online
  // #2058), "O'hara" → `Ohara2015` (auth leaves punctuation in citation key #310), and `[auth:5]` of "de Swart",
  // "von Fintel" → `desw98`, `vonf94` (Braces around author last name when exporting BibTeX #565). BBT keeps a
  // family name's hyphen (`Sayre-McCord-1988-…`, Better BibTeX does not export collections #901); our keys drop it.
  it('takes the family name with its particles, as Better BibTeX does', () => {
    const auth = (author: string): string => baseCitationKey({ title: 'x', authors: [author] }, '[auth:lower]');
    assert.equal(auth('Vincent van der Meij'), 'vandermeij');
    assert.equal(auth('Aäron van den Oord'), 'vandenoord');
    assert.equal(auth('Johannes Diderik van der Waals'), 'vanderwaals');
    assert.equal(auth('John von Neumann'), 'vonneumann');
    assert.equal(auth('Charles-Augustin de Coulomb'), 'decoulomb');
    assert.equal(auth("Jean le Rond d'Alembert"), 'leronddalembert');
    assert.equal(auth("d'Alembert, Jean le Rond"), 'dalembert');
    assert.equal(auth("Cathy O'Neil"), 'oneil');
    assert.equal(auth('Sáez de Ocáriz, Luis'), 'saezdeocariz');
    assert.equal(auth('Muḥammad ibn Mūsā al-Khwārizmī'), 'ibnmusaalkhwarizmi');
    assert.equal(auth('Abū Rayḥān al-Bīrūnī'), 'albiruni');
    assert.equal(auth('Gabriel García Márquez'), 'marquez');
    assert.equal(auth('García Márquez, Gabriel'), 'garciamarquez');
    assert.equal(auth("Gerard 't Hooft"), 'hooft');
    assert.equal(auth('Þórbergur Þórðarson'), 'thordarson');
    assert.equal(baseCitationKey({ title: 'Algebra', authors: ['Muḥammad ibn Mūsā al-Khwārizmī'], year: 830 }), 'ibnmusaalkhwarizmiAlgebra830');
  });

  it('splits every name of the names corpus as the BibTeX parser Better BibTeX imports with', async () => {
    const { parse } = await import('@retorquere/bibtex-parser');
    const names: { name: string }[] = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'names', 'authors.json'), 'utf8'));
    assert.ok(names.length >= 40);
    const library = parse(names.map(({ name }, i) => `@misc{n${i}, author = {${name}}}`).join('\n'), { english: false });
    assert.deepEqual(library.errors, []);
    for (const [i, { name }] of names.entries()) {
      const [creator] = library.entries[i].fields.author ?? [];
      const lastName = creator.name ?? [creator.prefix, creator.lastName].filter(Boolean).join(' ');
      assert.equal(familyName(name), lastName, name);
    }
  });

  it('never returns an empty key', () => {
    assert.equal(baseCitationKey({ title: '深層学習' }), 'untitled');
  });

  it('makes keys unique with a, b, … suffixes in list order, first come first kept', () => {
    const twin = { title: 'Deep Nets', authors: ['Ann Smith'], year: 2020 };
    assert.deepEqual(assignCitationKeys([twin, twin, twin, { title: 'Other' }]), ['smithDeepNets2020', 'smithDeepNets2020a', 'smithDeepNets2020b', 'other']);
  });

  it('gives every bundled paper a unique key of BibTeX- and pandoc-safe characters', () => {
    const bundled = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'data', 'papers.json'), 'utf8')).papers;
    const keys = assignCitationKeys(bundled);
    assert.equal(new Set(keys).size, bundled.length);
    for (const key of keys) assert.match(key, /^[A-Za-z][A-Za-z0-9]*$/);
  });
});

describe('citation formats', () => {
  it('picks the style from the language id', () => {
    assert.equal(citationStyleFor('markdown'), 'markdown');
    assert.equal(citationStyleFor('latex'), 'latex');
    assert.equal(citationStyleFor('python'), 'plain');
    assert.equal(citationStyleFor('quarto'), 'markdown');
    assert.deepEqual(citationStyleFor('restructuredtext'), { template: ':cite:`${key}`' });
    assert.deepEqual(citationStyleFor('python', { languages: { python: 'latex' } }), 'latex');
  });

  it('writes [@key] for Markdown and \\cite{key} for LaTeX', () => {
    const p = paper({ key: 'punyEquivariantPolynomialsGraph2023' });
    assert.equal(formatCitation(p, 'markdown'), '[@punyEquivariantPolynomialsGraph2023]');
    assert.equal(formatCitation(p, 'latex'), '\\cite{punyEquivariantPolynomialsGraph2023}');
    assert.equal(formatCitation(p, 'latex', { ...DEFAULT_CITATION_OPTIONS, latexCommand: 'parencite' }), '\\parencite{punyEquivariantPolynomialsGraph2023}');
    assert.equal(formatCitation(p, { template: ':cite:`${key}`' }), ':cite:`punyEquivariantPolynomialsGraph2023`');
  });

  it('fills the plain template and drops missing fields with their brackets', () => {
    const template = '${authors} (${year}). ${title}. ${link}';
    const full = paper({ title: 'Pointer Networks', authors: ['Oriol Vinyals', 'Meire Fortunato', 'Navdeep Jaitly'], year: 2015, arxivId: '1506.03134' });
    assert.equal(formatPlainReference(full, template), 'Oriol Vinyals, Meire Fortunato, and Navdeep Jaitly (2015). Pointer Networks. https://arxiv.org/abs/1506.03134');
    assert.equal(formatPlainReference(paper({ title: 'Bare Title' }), template), 'Bare Title.');
    assert.equal(formatPlainReference(paper({ title: 'T', authors: ['A', 'B', 'C', 'D'], doi: '10.1/x' }), template), 'A et al. T. https://doi.org/10.1/x');
  });

  it('never links a non-https url', () => {
    assert.equal(formatPlainReference(paper({ title: 'T', url: 'javascript:alert(1)' }), '${title} ${link}'), 'T');
  });

  it('writes a plain reference into HTML, XML and SVG as text: every value escaped, the template kept', () => {
    const hostile = paper({ title: '<script>alert(1)</script> & "Quotes"', authors: ["O'Brien <b>"], year: 2020, doi: '10.1/a&b<c>' });
    const plain = formatCitation(hostile, 'plain', DEFAULT_CITATION_OPTIONS, 'html');
    assert.equal(plain, 'O&#39;Brien &lt;b&gt; (2020). &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Quotes&quot;. https://doi.org/10.1/a&amp;b&lt;c&gt;');
    for (const languageId of ['xml', 'svg', 'xsl', 'vue-html', 'php']) assert.equal(formatCitation(hostile, 'plain', DEFAULT_CITATION_OPTIONS, languageId), plain);
    assert.equal(formatCitation(hostile, { template: '<cite>${title}</cite>' }, DEFAULT_CITATION_OPTIONS, 'html'), '<cite>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Quotes&quot;</cite>');
    // Elsewhere the text is what the paper says.
    assert.match(formatCitation(hostile, 'plain', DEFAULT_CITATION_OPTIONS, 'plaintext'), /<script>alert\(1\)<\/script> & "Quotes"/);
  });
});

describe('citation key templates', () => {
  const puny = { title: 'Equivariant Polynomials for Graph Neural Networks', authors: ['Omri Puny', 'Derek Lim'], year: 2023 };
  it('the default template is Better BibTeX default', () => {
    assert.equal(baseCitationKey(puny, DEFAULT_KEY_TEMPLATE), baseCitationKey(puny));
    assert.equal(DEFAULT_KEY_TEMPLATE, '[auth:lower][shorttitle3_3][year]');
  });
  it('supports author, year and title parts with modifiers and literals', () => {
    assert.equal(baseCitationKey(puny, '[auth:lower][year]'), 'puny2023');
    assert.equal(baseCitationKey(puny, '[auth][year][veryshorttitle:lower]'), 'Puny2023equivariant');
    assert.equal(baseCitationKey(puny, '[authors2]x[shorttitle2_1]'), 'PunyLimxEquivariantpolynomials');
    assert.equal(baseCitationKey({ title: 'Pointer Networks', year: 2015 }, '[auth:lower][year]'), '2015');
  });
  it('reports unusable templates and falls back to the default for them', () => {
    assert.match(keyTemplateProblem('[bogus]') ?? '', /unknown part \[bogus\]/);
    assert.match(keyTemplateProblem('[auth:shout]') ?? '', /unknown modifier :shout/);
    assert.match(keyTemplateProblem('[auth]-[year]') ?? '', /found "-"/);
    assert.match(keyTemplateProblem('plain') ?? '', /no \[placeholder\]/);
    assert.equal(keyTemplateProblem('[auth:lower][year]'), undefined);
    assert.equal(baseCitationKey(puny, '[bogus]'), 'punyEquivariantPolynomialsGraph2023');
  });
});
