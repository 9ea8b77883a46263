/** The shared catalog's pure parts, without a server: merging, COPY text, query words, URLs and messages. */
import { strict as assert } from 'node:assert';
import type { LoadedPaper } from '../../src/papers/paper';
import { describeConnectionError, describeServer, isPostgresUrl, passwordKey, urlHasPassword } from '../../src/postgres/connection';
import { copyField } from '../../src/postgres/loader';
import { mergeHits } from '../../src/postgres/merge';
import { planQuery, queryWords, spellingsOf, typoVariantsOf, type Alternative } from '../../src/postgres/search';
import { Kind } from '../../src/search/engine/query';
import type { SearchHit } from '../../src/search/search';

const paper = (id: string, fields: Partial<LoadedPaper> = {}): LoadedPaper => ({ id, title: id, abstract: '', key: id, source: 'test', ...fields });
const hit = (id: string, fields: Partial<LoadedPaper> = {}, unmatched?: string[]): SearchHit<LoadedPaper> => ({ paper: paper(id, fields), score: 0, matches: [], ...(unmatched ? { unmatched } : {}) });
const ids = (hits: readonly SearchHit<LoadedPaper>[]): string[] => hits.map((one) => one.paper.id);

describe('shared catalog: merging with the local results', () => {
  it('interleaves the two lists rank by rank, local first, up to the limit', () => {
    assert.deepEqual(ids(mergeHits([hit('l1'), hit('l2'), hit('l3')], [hit('s1')], 10)), ['l1', 's1', 'l2', 'l3']);
    assert.deepEqual(ids(mergeHits([hit('l1'), hit('l2')], [hit('s1'), hit('s2')], 3)), ['l1', 's1', 'l2']);
  });

  it('lists a paper both have once, as the local copy: the same id, DOI in any case, or arXiv id in any version', () => {
    const local = [hit('a'), hit('b', { doi: '10.1000/XYZ' }), hit('c', { arxivId: '1706.03762' })];
    const server = [hit('a', { source: 'server' }), hit('other-b', { doi: '10.1000/xyz' }), hit('other-c', { arxivId: '1706.03762v5' }), hit('d')];
    const merged = mergeHits(local, server, 10);
    assert.deepEqual(ids(merged), ['a', 'b', 'c', 'd']);
    assert.equal(merged[0].paper.source, 'test');
  });

  it('puts hits with every word before hits with part of the query, from either side', () => {
    assert.deepEqual(ids(mergeHits([hit('partial-local', {}, ['x'])], [hit('whole-server')], 10)), ['whole-server', 'partial-local']);
  });
});

describe('shared catalog: COPY text and query words', () => {
  it('escapes what COPY text format reads specially and drops NUL', () => {
    assert.equal(copyField(undefined), '\\N');
    assert.equal(copyField('\\N'), '\\\\N');
    assert.equal(copyField('a\tb\nc\rd\\e\u0000f'), 'a\\tb\\nc\\rd\\\\ef');
    assert.equal(copyField('\\.'), '\\\\.');
  });

  it('folds words as the local engine does, drops stop words, and marks the last word as being typed unless a space follows', () => {
    assert.deepEqual(queryWords('The García gra'), [
      { typed: 'García', term: 'garcia', prefix: false },
      { typed: 'gra', term: 'gra', prefix: true },
    ]);
    assert.deepEqual(queryWords('go on ').map((word) => word.prefix), [false]);
    assert.deepEqual(queryWords('   '), []);
  });
});

describe('shared catalog: planning a search from the vocabulary', () => {
  const alternative = (lexeme: string, papers: number, kind: Alternative['kind'] = Kind.Exact): Alternative => ({ lexeme, papers, kind });

  it('asks for each word and its umlaut spellings, and for the words one edit away only of rare words of 5+ letters', () => {
    const words = queryWords('Gödel poiner net');
    assert.deepEqual([...spellingsOf(words)], [['godel', [0]], ['goedel', [0]], ['poiner', [1]], ['net', [2]]]);
    const variants = typoVariantsOf(words, [[alternative('godel', 500)], [], [alternative('net', 1)]]);
    assert.ok(variants.has('pointer') && variants.has('poienr'), 'an insertion and a swap of "poiner"');
    assert.ok(![...variants.values()].flat().includes(0), 'not for a word in many papers (godel)');
    assert.ok(![...variants.values()].flat().includes(2), 'not for a word of 3 letters (net)');
  });

  it('searches exact lexemes only, never a prefix: the word, its completions, and typo neighbours in a tier of their own', () => {
    const plan = planQuery(queryWords('pointer netw'), [
      [alternative('pointer', 900), alternative('pointers', 40, Kind.Typo)],
      [alternative('network', 30_000, Kind.Prefix), alternative('networks', 50_000, Kind.Prefix)],
    ]);
    assert.equal(plan.plain, "'pointer' & ('network' | 'networks')");
    assert.equal(plan.corrected, "('pointer' | 'pointers') & ('network' | 'networks')");
    assert.doesNotMatch(`${plan.plain} ${plan.corrected} ${plan.index}`, /:\*/);
    assert.equal(plan.marks.get('network'), 4, 'a completion is marked as far as it was typed');
    assert.equal(plan.marks.get('pointer'), 0);
  });

  it('puts the rare words in the index condition and a common word of many lexemes only in the filter', () => {
    const completions = ['neural', 'network', 'networks', 'novel'].map((lexeme) => alternative(lexeme, 40_000, Kind.Prefix));
    const plan = planQuery(queryWords('fourier n'), [[alternative('fourier', 300)], completions]);
    assert.equal(plan.index, "'fourier'");
    assert.deepEqual(plan.ranking, { queries: ["'fourier'", "('neural' | 'network' | 'networks' | 'novel')"], papers: [300, 40_000] }, 'every word ranks, weighed by its commonest lexeme');
    assert.deepEqual(plan.listed, []);
    // A common word of one lexeme narrows the index scan the rare word leads.
    assert.equal(planQuery(queryWords('fourier neural '), [[alternative('fourier', 300)], [alternative('neural', 400_000)]]).index, "'fourier' & 'neural'");
  });

  it('starts from the best papers of the word in the fewest papers when every word is common', () => {
    const plan = planQuery(queryWords('neural st'), [
      [alternative('neural', 400_000)],
      [alternative('state', 90_000, Kind.Prefix), alternative('space', 80_000, Kind.Prefix), alternative('sxq', 3, Kind.Prefix)],
    ]);
    assert.equal(plan.index, undefined);
    assert.deepEqual(plan.listed, ['state', 'space'], 'the common lexemes of the word in the fewest papers; rare ones have no list');
    assert.equal(plan.plain, "'neural' & ('state' | 'space' | 'sxq')");
    // Common words typed in full are and-ed in the index condition too (GIN skips through their lists), the best
    // papers of the word in the fewest papers added for the completions of the word being typed.
    const inFull = planQuery(queryWords('deep learning theory'), [
      [alternative('deep', 300_000)],
      [alternative('learning', 600_000)],
      [alternative('theory', 80_000), alternative('theoryx', 30_000, Kind.Prefix)],
    ]);
    assert.equal(inFull.index, "'deep' & 'learning' & 'theory'", 'the word being typed by its whole spelling only');
    assert.deepEqual(inFull.listed, ['theory', 'theoryx']);
    assert.equal(planQuery(queryWords('neural st'), [[alternative('neural', 400_000)], [alternative('state', 90_000, Kind.Prefix)]]).index, undefined, 'one word typed in full alone would be a scan of its every paper');
    // Many lexemes, each too rare for a list, together common: searched through the index after all.
    const spread = planQuery(queryWords('neu'), [Array.from({ length: 30 }, (_, i) => alternative(`neu${i}`, 1000, Kind.Prefix))]);
    assert.deepEqual(spread.listed, []);
    assert.match(spread.index ?? '', /^\('neu0' \| 'neu1' \|/);
    // Ranked by the whole spelling and its commonest completions only: ts_rank takes time for every lexeme it is asked.
    const many = planQuery(queryWords('neu'), [[alternative('neu', 10), ...Array.from({ length: 30 }, (_, i) => alternative(`neu${i}`, 1000 + i, Kind.Prefix))]]);
    assert.deepEqual(many.ranking.queries, ["('neu' | 'neu29' | 'neu28' | 'neu27' | 'neu26' | 'neu25' | 'neu24' | 'neu23')"]);
  });

  it('leaves out a word the vocabulary has nothing for and names it on the hits; only typo neighbours: no plain tier', () => {
    const plan = planQuery(queryWords('graph zzqx '), [[alternative('graph', 500)], []]);
    assert.equal(plan.plain, "'graph'");
    assert.deepEqual(plan.unmatched, ['zzqx']);
    const typoOnly = planQuery(queryWords('poiner '), [[alternative('pointer', 900, Kind.Typo)]]);
    assert.equal(typoOnly.plain, undefined);
    assert.equal(typoOnly.corrected, "'pointer'");
  });

  it('quotes every lexeme, so no tsquery operator can come from the query', () => {
    const hostile = ['foo&!bar', "') <-> baz:*", "x'y\\z"];
    const plan = planQuery(queryWords('aa bb cc'), hostile.map((lexeme) => [alternative(lexeme, 1)]));
    assert.equal(plan.plain, "'foo&!bar' & ''') <-> baz:*' & 'x''y\\\\z'");
  });
});

describe('shared catalog: URLs and messages', () => {
  const url = 'postgresql://alice:s3cret@db.lab.example:5433/papers?sslmode=verify-full';

  it('recognises catalog URLs among index entries', () => {
    assert.ok(isPostgresUrl(url));
    assert.ok(isPostgresUrl(' postgres://db/papers'));
    assert.ok(!isPostgresUrl('papers/postgresql.json'));
  });

  it('never shows the password, and keys a stored password by the URL without it', () => {
    assert.equal(describeServer(url), 'alice@db.lab.example:5433/papers');
    assert.equal(passwordKey(url), 'postgresql://alice@db.lab.example:5433/papers?sslmode=verify-full');
    assert.ok(urlHasPassword(url));
    assert.ok(!urlHasPassword(passwordKey(url)));
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '28P01', '3D000', '42P01', '42501', undefined]) {
      const message = describeConnectionError(url, Object.assign(new Error('boom'), { code }));
      assert.doesNotMatch(message, /s3cret/);
      assert.match(message, /alice@db\.lab\.example:5433\/papers/);
    }
    assert.match(describeConnectionError(url, Object.assign(new Error(''), { code: 'ECONNREFUSED' })), /nothing is listening there/);
    assert.match(describeConnectionError(url, Object.assign(new Error(''), { code: '42P01' })), /paper-lookup load --into/);
    assert.match(describeConnectionError(url, new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string')), /asks for a password, and none was given/);
  });
});
