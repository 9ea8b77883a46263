import { strict as assert } from 'node:assert';
import { LatestWins } from '../../src/shared/latestWins';

describe('LatestWins (which reload shows its catalog)', () => {
  it('a load started later wins even when the earlier one finishes last', async () => {
    const loads = new LatestWins();
    const shown: string[] = [];
    const run = async (name: string, finished: Promise<void>): Promise<void> => {
      const isNewest = loads.begin();
      await finished;
      if (isNewest()) shown.push(name);
    };
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = run('with the deleted file', new Promise((resolve) => (finishFirst = resolve)));
    const second = run('without it', new Promise((resolve) => (finishSecond = resolve)));
    finishSecond();
    await second;
    finishFirst();
    await first;
    assert.deepEqual(shown, ['without it']);
  });

  it('a single load, and the last of loads in a row, each win', () => {
    const loads = new LatestWins();
    const only = loads.begin();
    assert.equal(only(), true);
    const runs = [loads.begin(), loads.begin(), loads.begin()];
    assert.deepEqual(runs.map((isNewest) => isNewest()), [false, false, true]);
    assert.equal(only(), false);
  });
});
