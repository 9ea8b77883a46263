/**
 * A map from strings spread over many small `Map`s by a hash of the key. Pure: no `vscode` import.
 *
 * A `Map` grows by rehashing all its entries in one go: at 65 536 entries that took 27–48 ms (measured on
 * a busy 2-core machine), a pause of the event loop that no slicing of the loop filling it can avoid. The
 * catalog's lookups of 100 000 papers split this way grow a few thousand entries at a time.
 */

/** Entries per shard the shard count is chosen for; growing a `Map` this big takes about a millisecond. */
const ENTRIES_PER_SHARD = 4096;

export class ShardedMap<V> {
  private readonly shards: Map<string, V>[];
  private readonly mask: number;

  /** `expectedSize`: about how many entries it will hold, which sets the number of shards. */
  constructor(expectedSize: number) {
    let count = 1;
    while (count * ENTRIES_PER_SHARD < expectedSize) count *= 2;
    this.shards = Array.from({ length: count }, () => new Map<string, V>());
    this.mask = count - 1;
  }

  get(key: string): V | undefined {
    return this.shardOf(key).get(key);
  }

  has(key: string): boolean {
    return this.shardOf(key).has(key);
  }

  set(key: string, value: V): void {
    this.shardOf(key).set(key, value);
  }

  private shardOf(key: string): Map<string, V> {
    if (this.mask === 0) return this.shards[0];
    // FNV-1a over the UTF-16 code units, its high half folded into the low bits the mask keeps.
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return this.shards[(hash ^ (hash >>> 16)) & this.mask];
  }
}
