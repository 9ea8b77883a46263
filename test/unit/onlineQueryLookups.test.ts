/**
 * The search field's online row: words stay local and are never delayed, an identifier is looked up once typing
 * pauses, and only the newest query's answer is shown. Timers are fake: each test runs them by hand.
 */
import { strict as assert } from 'node:assert';
import { parseIdentifier, type PaperIdentifier } from '../../src/online/identifier';
import { DEBOUNCE_MS, QueryLookups, type OnlineRow } from '../../src/online/queryLookups';

interface Harness {
  readonly rows: (OnlineRow<string> | undefined)[];
  readonly lookups: string[];
  readonly field: QueryLookups<string>;
  /** Runs the pending timer, if any, and lets the lookup's promise settle. */
  fire(): Promise<void>;
  readonly delays: number[];
  /** Resolves (or rejects) the lookup started for this identifier. */
  answer(identifier: string, result: string | Error): Promise<void>;
}

function harness(enabled = true): Harness {
  const rows: (OnlineRow<string> | undefined)[] = [];
  const lookups: string[] = [];
  const delays: number[] = [];
  const pending = new Map<string, { resolve: (paper: string) => void; reject: (error: Error) => void }>();
  let timer: (() => void) | undefined;
  const field = new QueryLookups<string>({
    identify: (query) => (enabled ? parseIdentifier(query) : undefined),
    lookUp: (identifier: PaperIdentifier) => {
      const name = identifier.kind === 'arxiv' ? identifier.id : identifier.doi;
      lookups.push(name);
      return new Promise((resolve, reject) => pending.set(name, { resolve, reject }));
    },
    onRow: (row) => rows.push(row),
    setTimer: (run, ms) => {
      delays.push(ms);
      timer = run;
      return run;
    },
    clearTimer: (cleared) => {
      if (cleared === timer) timer = undefined;
    },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    rows,
    lookups,
    field,
    delays,
    fire: async () => {
      const run = timer;
      timer = undefined;
      run?.();
      await settle();
    },
    answer: async (identifier, result) => {
      const waiting = pending.get(identifier);
      assert.ok(waiting, `a lookup of ${identifier} is waiting`);
      if (result instanceof Error) waiting.reject(result);
      else waiting.resolve(result);
      await settle();
    },
  };
}

describe('the online row of a search field', () => {
  it('words stay local: no row, no timer, no lookup, answered at once', async () => {
    const h = harness();
    h.field.update('attention is all you need');
    assert.deepEqual(h.rows, [undefined]);
    await h.fire();
    assert.deepEqual([h.lookups, h.delays], [[], []]);
  });

  it('an identifier shows "looking up" at once and goes online after the pause', async () => {
    const h = harness();
    h.field.update('https://arxiv.org/abs/2310.19694v2');
    assert.deepEqual(h.rows, [{ status: 'looking', identifier: 'arXiv:2310.19694v2' }]);
    assert.deepEqual(h.lookups, []);
    assert.deepEqual(h.delays, [DEBOUNCE_MS]);
    await h.fire();
    assert.deepEqual(h.lookups, ['2310.19694']);
    await h.answer('2310.19694', 'the paper');
    assert.deepEqual(h.rows.at(-1), { status: 'found', paper: 'the paper' });
  });

  it('typing on before the pause starts no lookup for the earlier text', async () => {
    const h = harness();
    h.field.update('10.1002/pssc.2012009');
    h.field.update('10.1002/pssc.20120095');
    h.field.update('10.1002/pssc.201200953');
    await h.fire();
    assert.deepEqual(h.lookups, ['10.1002/pssc.201200953']);
  });

  it('drops the answer for a query the user has typed on from', async () => {
    const h = harness();
    h.field.update('hep-th/9901001');
    await h.fire();
    h.field.update('hopfield');
    await h.answer('hep-th/9901001', 'too late');
    assert.deepEqual(h.rows, [{ status: 'looking', identifier: 'arXiv:hep-th/9901001' }, undefined]);
  });

  it('a failure is the row: its one line', async () => {
    const h = harness();
    h.field.update('doi:10.9999/nothing');
    await h.fire();
    await h.answer('10.9999/nothing', new Error('doi:10.9999/nothing: neither Crossref nor DataCite has a record of this DOI.'));
    assert.deepEqual(h.rows.at(-1), { status: 'failed', message: 'doi:10.9999/nothing: neither Crossref nor DataCite has a record of this DOI.' });
  });

  it('with online lookups off, an identifier stays local too', async () => {
    const h = harness(false);
    h.field.update('arXiv:2310.19694');
    await h.fire();
    assert.deepEqual([h.rows, h.lookups], [[undefined], []]);
  });

  it('after dispose, no lookup starts and no answer is reported', async () => {
    const h = harness();
    h.field.update('2310.19694');
    h.field.dispose();
    await h.fire();
    assert.deepEqual(h.lookups, []);
    const late = harness();
    late.field.update('2310.19694');
    await late.fire();
    late.field.dispose();
    await late.answer('2310.19694', 'late');
    assert.equal(late.rows.length, 1);
  });
});
