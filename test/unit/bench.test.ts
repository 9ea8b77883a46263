/**
 * The search benchmark's plumbing (src/bench/), on tiny corpora: the numbers themselves come from
 * `npm run bench`. Also the synthetic corpus generator it relies on.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateCorpus } from '../../src/bench/corpus';
import { runSearchBench } from '../../src/bench/searchBench';
import { parseIndexText } from '../../src/sources/parseIndex';
import { KNOWN_ITEMS } from '../fixtures/knownItems';

const bundledPath = path.join(__dirname, '..', '..', 'data', 'papers.json');
const seed = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;

describe('search benchmark', () => {
  it('grows a deterministic corpus of the requested size with the seed papers inside', () => {
    const a = generateCorpus(seed, 500);
    const b = generateCorpus(seed, 500);
    assert.equal(a.papers.length, 500);
    assert.deepEqual(a.papers, b.papers);
    const ids = new Set(a.papers.map((paper) => paper.id));
    assert.equal(ids.size, 500, 'ids are unique');
    for (const paper of seed) assert.ok(ids.has(paper.id), paper.id);
    assert.ok(a.stats.rawBytes > 0);
  });

  it('measures our engine, MiniSearch and fuse.js, one row per engine and size', () => {
    const lines: string[] = [];
    // One query of each kind.
    const items = KNOWN_ITEMS.filter(([kind], i) => KNOWN_ITEMS.findIndex(([other]) => other === kind) === i);
    const rows = runSearchBench({ sizes: [120], seed, knownItems: items, log: (line) => lines.push(line), fuseBudgetMs: 0 });
    assert.deepEqual(rows.map((row) => [row.engine, row.size]), [['ours', 120], ['minisearch', 120], ['fuse', 120]]);
    for (const row of rows) {
      for (const key of ['buildMs', 'loadMs', 'heapMB', 'p50Ms', 'p95Ms', 'top5'] as const) {
        assert.equal(typeof row[key], 'number', `${row.engine}.${key}`);
      }
      assert.ok(row.top5 !== null && row.top5 >= 0 && row.top5 <= 1);
      const tallies = Object.values(row.top5ByKind);
      assert.deepEqual(Object.keys(row.top5ByKind), items.map(([kind]) => kind), 'a tally per kind of query');
      assert.ok(tallies.every(({ of }) => of === 1));
      assert.equal(tallies.reduce((sum, { found }) => sum + found, 0) / items.length, row.top5, 'the tallies add up to the rate');
    }
    const everyKeystroke = items.reduce((sum, [, query]) => sum + query.length, 0);
    assert.equal(rows[0].samples, everyKeystroke, 'ours times every keystroke');
    assert.equal(rows[1].samples, everyKeystroke, 'MiniSearch, index-based, times every keystroke too');
    assert.ok(lines.some((line) => line.startsWith('  ours top-5 by kind of query: title words ')), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('MiniSearch / ours')), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('fuse.js / ours')), lines.join('\n'));
  });
});
