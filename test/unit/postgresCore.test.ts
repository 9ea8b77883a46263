/** The shared catalog's pure parts, without a server: merging, COPY text, query words, URLs and messages. */
import { strict as assert } from 'node:assert';
import type { LoadedPaper } from '../../src/papers/paper';
import { describeConnectionError, describeServer, isPostgresUrl, passwordKey, urlHasPassword } from '../../src/postgres/connection';
import { copyField } from '../../src/postgres/loader';
import { mergeHits } from '../../src/postgres/merge';
import { queryWords, tsQueryText } from '../../src/postgres/search';
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

  it('folds words as the local engine does, drops stop words, and makes the word being typed a prefix', () => {
    assert.deepEqual(queryWords('The García gra'), [
      { typed: 'García', term: 'garcia', prefix: true },
      { typed: 'gra', term: 'gra', prefix: true },
    ]);
    assert.deepEqual(queryWords('go on ').map((word) => word.prefix), [false]);
    assert.deepEqual(queryWords('   '), []);
  });

  it('makes tsquery text from which no operator of the query can come', () => {
    assert.equal(tsQueryText(queryWords("foo & !bar | ') <-> baz:*")), "'foo':* & 'bar':* & 'baz':*");
    assert.equal(tsQueryText(queryWords("'; DROP TABLE papers; --")), "'drop':* & 'table':* & 'papers':*");
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
