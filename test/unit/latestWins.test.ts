import { strict as assert } from 'node:assert';
import { LatestWins } from '../../src/shared/latestWins';

// How the catalog loads use it, loads finishing out of order included: test/unit/catalogLoads.test.ts.
describe('LatestWins', () => {
  it('a single run, and the last of runs in a row, each win; an earlier run stops winning when a later one starts', () => {
    const loads = new LatestWins();
    const only = loads.begin();
    assert.equal(only(), true);
    const runs = [loads.begin(), loads.begin(), loads.begin()];
    assert.deepEqual(runs.map((isNewest) => isNewest()), [false, false, true]);
    assert.equal(only(), false);
  });
});
