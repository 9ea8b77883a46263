import { strict as assert } from 'node:assert';
import { ShardedMap } from '../../src/index/shardedMap';

describe('ShardedMap', () => {
  it('finds every key it was given, across shards, and nothing else', () => {
    const map = new ShardedMap<number>(50_000);
    const keys = Array.from({ length: 50_000 }, (_, i) => `paper-${i}-${'é'.repeat(i % 3)}`);
    keys.forEach((key, i) => map.set(key, i));
    keys.forEach((key, i) => assert.equal(map.get(key), i, key));
    assert.equal(map.has('paper-50000-'), false);
    assert.equal(map.get(''), undefined);
    map.set(keys[7], -1);
    assert.equal(map.get(keys[7]), -1, 'a second set replaces the value');
  });

  it('works as one plain map for a small catalog', () => {
    const map = new ShardedMap<string>(10);
    map.set('a', 'x');
    assert.equal(map.get('a'), 'x');
    assert.equal(map.has('b'), false);
  });
});
