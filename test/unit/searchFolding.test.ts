/**
 * Names and words found as people type them (src/search/engine/tokens.ts, src/search/engine/query.ts):
 * folding of accents, ligatures and letters that do not decompose, LaTeX markup read as its text, papers
 * with most of the query listed below those with all of it, and short misspellings.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { foldWord, words } from '../../src/search/engine/tokens';
import type { Paper } from '../../src/papers/paper';
import { createScaledSearch } from '../../src/search/scaledSearch';
import type { SearchHit } from '../../src/search/search';
import { AUTHOR_NAMES } from '../fixtures/authorNames';

const ids = (hits: readonly SearchHit[]): string[] => hits.map((hit) => hit.paper.id);

describe('search folding: letters', () => {
  it('folds diacritics, ligatures and the letters that do not decompose to what people type', () => {
    const cases: [string, string][] = [
      ['García', 'garcia'], ['Østergaard', 'ostergaard'], ['Gödel', 'godel'], ['Erdős', 'erdos'],
      ['Łukasiewicz', 'lukasiewicz'], ['Straße', 'strasse'], ['STRASSE', 'strasse'], ['Þór', 'thor'],
      ['Ægidius', 'aegidius'], ['œuvre', 'oeuvre'], ['ﬁnite', 'finite'], ['Đặng', 'dang'], ['Işık', 'isik'],
      ['İstanbul', 'istanbul'], ['Guðmundsdóttir', 'gudmundsdottir'], ['Dvořák', 'dvorak'], ['Nguyễn', 'nguyen'],
      ['Çelik', 'celik'], ['Šimánek', 'simanek'], ['Mądry', 'madry'], ['Pătrașcu', 'patrascu'],
    ];
    for (const [word, folded] of cases) assert.equal(foldWord(word), folded, word);
    assert.deepEqual(words('Þórsdóttir, Ægidius; Straße'), ['thorsdottir', 'aegidius', 'strasse']);
  });

  it('reads LaTeX markup as the text it typesets, one word where TeX prints one', () => {
    assert.deepEqual(words('The {\\TeX}book'), ['the', 'texbook']);
    assert.deepEqual(words('Gr{\\"o}bner bases, Garc{\\\'\\i}a and Dvo\\v{r}\\\'ak'), ['grobner', 'bases', 'garcia', 'and', 'dvorak']);
    assert.deepEqual(words('{\\O}stergaard, Stra{\\ss}e, \\AE{}gidius, Erd{\\H{o}}s'), ['ostergaard', 'strasse', 'aegidius', 'erdos']);
    assert.deepEqual(words('\\emph{Deep} learning with \\LaTeX{} and $\\mathcal{O}(n)$'), ['deep', 'learning', 'with', 'latex', 'and', 'o', 'n']);
  });

  it('gives highlight offsets into the text as written', () => {
    const text = 'The {\\TeX}book';
    const [hit] = createScaledSearch([{ id: 'knuth', title: text, abstract: '' }]).search('texbook', 1);
    const [range] = hit.matches.find((match) => match.field === 'title')?.ranges ?? [];
    assert.equal(text.slice(...range), 'TeX}book');
  });
});

describe('search folding: a names corpus', () => {
  assert.ok(AUTHOR_NAMES.length >= 40);
  const papers: Paper[] = AUTHOR_NAMES.flatMap((author, i) => [
    { id: `unicode-${i}`, title: author.work, abstract: '', authors: [author.name] },
    ...(author.latex ? [{ id: `latex-${i}`, title: author.work, abstract: '', authors: [author.latex] }] : []),
  ]);
  const search = createScaledSearch(papers);

  AUTHOR_NAMES.forEach((author, i) => {
    it(`"${author.typed}" finds ${author.name}${author.latex ? ', as Unicode and as LaTeX' : ''}`, () => {
      // Typed in full (a space after it), so only folding, not completion, can find it.
      const found = ids(search.search(`${author.typed} `, 20));
      assert.ok(found.includes(`unicode-${i}`), `found: ${found.join(', ')}`);
      if (author.latex) assert.ok(found.includes(`latex-${i}`), `found: ${found.join(', ')}`);
      assert.equal(search.search(`${author.typed} `, 20)[0].unmatched, undefined);
    });
  });

  it('finds a name typed with its accents too', () => {
    assert.ok(ids(search.search('Østergaard Brunnström ', 5)).includes('unicode-1'));
    assert.ok(ids(search.search('erdős ', 5)).includes('latex-6'));
  });
});

describe('search folding: the names corpus of the key and BibTeX writer tests (test/fixtures/names)', () => {
  const names: { name: string; typed: string }[] = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'names', 'authors.json'), 'utf8'));
  const papers: Paper[] = names.map(({ name }, i) => ({ id: `name-${i}`, title: `Collected works, volume ${i}`, abstract: '', authors: [name] }));
  const search = createScaledSearch(papers);

  names.forEach(({ name, typed }, i) => {
    it(`"${typed}" finds ${name}`, () => {
      // Names in a Latin alphabet are typed in ASCII; Greek and Cyrillic ones in their own letters, without accents.
      if (!/\p{Script=Greek}|\p{Script=Cyrillic}/u.test(name)) assert.match(typed, /^[\x20-\x7e]+$/);
      const hits = search.search(`${typed} `, 20);
      const hit = hits.find((found) => found.paper.id === `name-${i}`);
      assert.ok(hit, `found: ${ids(hits).join(', ')}`);
      assert.equal(hit.unmatched, undefined, 'every word typed matches');
    });
  });
});

describe('search folding: German umlauts, either spelling', () => {
  const search = createScaledSearch([
    { id: 'godel', title: 'Über formal unentscheidbare Sätze', abstract: '', authors: ['Kurt Gödel'] },
    { id: 'goedel', title: 'Around Goedel’s Theorem', abstract: '', authors: ['Kārlis Podnieks'] },
    { id: 'muller', title: 'Another paper', abstract: '', authors: ['Thomas Müller'] },
    { id: 'other', title: 'Godot and the theory of waiting', abstract: '', authors: ['Someone Else'] },
  ]);
  it('"goedel" finds Gödel, and "gödel" finds Goedel', () => {
    assert.deepEqual(ids(search.search('goedel ', 5)).sort(), ['godel', 'goedel']);
    assert.deepEqual(ids(search.search('gödel ', 5)).sort(), ['godel', 'goedel']);
    assert.deepEqual(ids(search.search('godel ', 5)).sort(), ['godel', 'goedel'], 'the bare vowel finds Goedel one edit away');
  });
  it('"mueller" finds Müller; "ueber" and "saetze" find Über … Sätze', () => {
    assert.deepEqual(ids(search.search('mueller ', 5)), ['muller']);
    assert.deepEqual(ids(search.search('ueber saetze', 5)), ['godel']);
  });
});

describe('search: papers with most of the query', () => {
  // "spectral" is in many papers, "hypergraph" in few: a paper with the rare word has more of the query.
  const papers: Paper[] = [
    { id: 'all-1', title: 'Spectral hypergraph clustering', abstract: 'We cluster.' },
    { id: 'all-2', title: 'Clustering', abstract: 'A spectral method for hypergraph data.' },
    { id: 'rare-only', title: 'Hypergraph neural networks', abstract: 'Message passing.' },
    ...Array.from({ length: 10 }, (_, i) => ({ id: `common-${i}`, title: `Spectral methods ${i}`, abstract: 'Eigenvalues.' })),
    { id: 'none', title: 'Unrelated', abstract: 'Nothing here.' },
  ];
  const search = createScaledSearch(papers);

  it('lists every paper with all the words first, then the others by how much of the query they have, rare words counting most', () => {
    const hits = search.search('spectral hypergraph qqxv ', 6);
    // No paper has "qqxv": all are partial.
    assert.ok(hits.every((hit) => hit.unmatched?.includes('qqxv')));
    assert.deepEqual(ids(hits.slice(0, 2)).sort(), ['all-1', 'all-2']);
    assert.equal(hits[2].paper.id, 'rare-only', 'the rare word outweighs the common one');
    assert.deepEqual(hits[2].unmatched, ['spectral', 'qqxv']);
    assert.deepEqual(hits[3].unmatched, ['hypergraph', 'qqxv']);
  });

  it('puts papers with every word above any paper lacking one, however strong its match', () => {
    const hits = search.search('spectral hypergraph clustering', 10);
    assert.deepEqual(ids(hits.slice(0, 2)).sort(), ['all-1', 'all-2']);
    assert.ok(hits.slice(0, 2).every((hit) => hit.unmatched === undefined));
    assert.ok(hits.slice(2).every((hit) => (hit.unmatched?.length ?? 0) > 0));
    assert.ok(!ids(hits).includes('none'));
  });

  it('fills only up to the limit, and adds nothing when enough papers have every word', () => {
    assert.deepEqual(ids(search.search('spectral hypergraph', 2)).sort(), ['all-1', 'all-2']);
    assert.equal(search.search('spectral methods', 10).filter((hit) => hit.unmatched).length, 0);
  });

  it('keeps the typed spelling of the words that matched nothing', () => {
    const hits = search.search('Hypergraph GRAFX', 3);
    assert.deepEqual(ids(hits).sort(), ['all-1', 'all-2', 'rare-only']);
    assert.ok(hits.every((hit) => hit.unmatched?.join() === 'GRAFX'));
  });
});

describe('search: short misspellings', () => {
  const papers: Paper[] = [
    ...Array.from({ length: 12 }, (_, i) => ({ id: `graph-${i}`, title: `Graph learning ${i}`, abstract: 'Nodes and edges.' })),
    { id: 'gradient', title: 'Gradient descent', abstract: 'Steps.' },
    { id: 'gram', title: 'Gram matrices', abstract: 'Kernels.' },
    { id: 'grafana', title: 'Dashboards', abstract: 'Grafana panels.' },
  ];
  const search = createScaledSearch(papers);

  it('"graf" finds graph papers: a rare 4-letter word takes its commonest neighbour of about its length', () => {
    const hits = search.search('graf ', 20);
    assert.ok(hits.slice(0, 12).every((hit) => hit.paper.id.startsWith('graph-')), ids(hits).join(', '));
    assert.ok(!ids(hits).includes('gradient'), 'a much longer word is not a neighbour');
  });

  it('does not widen a 4-letter word whose own matches are common', () => {
    const common = createScaledSearch([
      ...papers,
      ...Array.from({ length: 12 }, (_, i) => ({ id: `gram-${i}`, title: `Gram matrices ${i}`, abstract: 'Kernels.' })),
    ]);
    assert.ok(common.search('gram ', 30).every((hit) => hit.paper.id.startsWith('gram')));
  });
});
