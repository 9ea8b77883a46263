/**
 * Which of overlapping loads is shown (src/catalog/catalogLoads.ts), every branch, in plain Node: each load is a
 * promise the test settles when it chooses, so loads finish in any order, and the fake I/O records what the user
 * would see — which catalog the status bar shows, which are disposed, what the Output channel says.
 */
import { strict as assert } from 'node:assert';
import { CatalogLoads, type CatalogLoadsIo } from '../../src/catalog/catalogLoads';

/** A catalog, known by the papers it has. */
interface Catalog {
  readonly name: string;
}

/** A load under way: the test finishes it with a catalog, or cancels it. */
interface PendingLoad {
  finish(name: string): Promise<void>;
  cancel(): Promise<void>;
}

/** Lets every promise callback that can run run, so the loads act on what they were given. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class FakeIo implements CatalogLoadsIo<Catalog> {
  /** What was shown and retired, and the log lines, in order. */
  readonly events: string[] = [];
  /** The catalog in the status bar. */
  statusBar: Catalog | undefined;
  private readonly retired = new Set<Catalog>();
  private clock = 0;

  /** The loads started so far, each as the test finishes or cancels it. */
  readonly loads: PendingLoad[] = [];

  load(): Promise<Catalog | undefined> {
    return new Promise((resolve) => {
      this.loads.push({
        finish: async (name) => {
          resolve({ name });
          await settle();
        },
        cancel: async () => {
          resolve(undefined);
          await settle();
        },
      });
    });
  }

  async bundled(): Promise<Catalog> {
    return { name: 'bundled papers' };
  }

  show(catalog: Catalog): void {
    assert.notEqual(catalog, this.statusBar, `${catalog.name} shown again while shown`);
    this.retired.delete(catalog);
    this.statusBar = catalog;
    this.events.push(`show ${catalog.name}`);
  }

  retire(catalog: Catalog): void {
    assert.notEqual(catalog, this.statusBar, `${catalog.name} retired while shown`);
    assert.ok(!this.retired.has(catalog), `${catalog.name} retired twice`);
    this.retired.add(catalog);
    this.events.push(`retire ${catalog.name}`);
  }

  now(): number {
    return this.clock;
  }

  /** Lets `ms` milliseconds pass on the clock the loads measure with. */
  advance(ms: number): void {
    this.clock += ms;
  }

  log(line: string): void {
    this.events.push(`log ${line}`);
  }
}

function setUp(): { io: FakeIo; library: CatalogLoads<Catalog> } {
  const io = new FakeIo();
  return { io, library: new CatalogLoads(io) };
}

/** A library showing `name`, loaded first; its events cleared. */
async function loadedWith(name: string): Promise<{ io: FakeIo; library: CatalogLoads<Catalog> }> {
  const { io, library } = setUp();
  void library.catalog();
  await io.loads[0].finish(name);
  io.events.length = 0;
  return { io, library };
}

const CANCELLED_KEEPING_PREVIOUS = 'log Loading paper indexes was cancelled; the previous papers stay loaded.';
const CANCELLED_FIRST = 'log Loading paper indexes was cancelled; only the bundled papers are loaded.';

describe('CatalogLoads (which of overlapping loads is shown)', () => {
  it('loads lazily, once, on the first question, and shows what it loaded', async () => {
    const { io, library } = setUp();
    assert.equal(library.started, false);
    assert.equal(io.loads.length, 0);
    const first = library.catalog();
    const again = library.catalog();
    assert.equal(library.started, true);
    assert.equal(io.loads.length, 1);
    await io.loads[0].finish('my papers');
    assert.equal((await first).name, 'my papers');
    assert.equal(await again, await first);
    assert.deepEqual(io.events, ['show my papers']);
    assert.equal(library.shown, io.statusBar);
  });

  it('a reload shows its catalog and retires the one it replaces; later questions get the new one', async () => {
    const { io, library } = await loadedWith('before');
    const reloaded = library.reload();
    await io.loads[1].finish('after');
    assert.equal((await reloaded).name, 'after');
    assert.equal((await library.catalog()).name, 'after');
    assert.deepEqual(io.events, ['show after', 'retire before']);
    assert.equal(io.statusBar?.name, 'after');
  });

  it('a load started first that finishes last never replaces the one started later: it is retired, and still resolves for its awaiter', async () => {
    const { io, library } = await loadedWith('with the index');
    // The index file is deleted while a reload reads it: a second reload starts, which no longer finds it.
    const sawTheFile = library.reload();
    const noFile = library.reload();
    await io.loads[2].finish('without the index');
    await io.loads[1].finish('with the deleted index');
    assert.equal(io.statusBar?.name, 'without the index');
    assert.equal(library.shown?.name, 'without the index');
    assert.equal((await library.catalog()).name, 'without the index');
    assert.deepEqual(io.events, ['show without the index', 'retire with the index', 'retire with the deleted index']);
    assert.equal((await sawTheFile).name, 'with the deleted index');
    assert.equal((await noFile).name, 'without the index');
  });

  it('a load superseded before it finishes shows nothing even when the newest is still loading', async () => {
    const { io, library } = await loadedWith('before');
    void library.reload();
    void library.reload();
    await io.loads[1].finish('superseded');
    assert.deepEqual(io.events, ['retire superseded']);
    assert.equal(io.statusBar?.name, 'before');
    await io.loads[2].finish('newest');
    assert.equal(io.statusBar?.name, 'newest');
  });

  it('the load time is the newest load\'s, from its own start', async () => {
    const { io, library } = setUp();
    void library.catalog();
    io.advance(100);
    void library.reload();
    io.advance(30);
    await io.loads[1].finish('newest');
    io.advance(1000);
    await io.loads[0].finish('superseded');
    assert.equal(library.lastLoadMs, 30);
  });

  it('a cancelled first load shows the bundled papers', async () => {
    const { io, library } = setUp();
    const first = library.catalog();
    await io.loads[0].cancel();
    assert.equal((await first).name, 'bundled papers');
    assert.equal(io.statusBar?.name, 'bundled papers');
    assert.deepEqual(io.events, [CANCELLED_FIRST, 'show bundled papers']);
  });

  it('a cancelled reload keeps the previous catalog: nothing is shown or retired again', async () => {
    const { io, library } = await loadedWith('before');
    const cancelled = library.reload();
    await io.loads[1].cancel();
    assert.equal((await cancelled).name, 'before');
    assert.equal((await library.catalog()).name, 'before');
    assert.equal(io.statusBar?.name, 'before');
    assert.deepEqual(io.events, [CANCELLED_KEEPING_PREVIOUS]);
  });

  it('a cancelled reload keeps the catalog of the load it superseded, and shows it once that load finishes', async () => {
    const { io, library } = await loadedWith('before');
    void library.reload();
    const cancelled = library.reload();
    await io.loads[2].cancel();
    assert.equal(io.statusBar?.name, 'before');
    await io.loads[1].finish('superseded, then kept');
    assert.equal((await cancelled).name, 'superseded, then kept');
    assert.equal(io.statusBar?.name, 'superseded, then kept');
    assert.deepEqual(io.events, [CANCELLED_KEEPING_PREVIOUS, 'retire superseded, then kept', 'show superseded, then kept', 'retire before']);
  });

  it('a cancelled reload superseded while it waits for the previous load shows nothing', async () => {
    const { io, library } = await loadedWith('before');
    void library.reload();
    void library.reload();
    await io.loads[2].cancel();
    void library.reload();
    await io.loads[1].finish('superseded');
    assert.equal(io.statusBar?.name, 'before');
    await io.loads[3].finish('newest');
    assert.equal(io.statusBar?.name, 'newest');
    assert.deepEqual(io.events, [CANCELLED_KEEPING_PREVIOUS, 'retire superseded', 'show newest', 'retire before']);
  });

  it('a cancelled load that a later one superseded says nothing, and retires the bundled papers it made', async () => {
    const { io, library } = setUp();
    const first = library.catalog();
    void library.reload();
    await io.loads[0].cancel();
    assert.equal((await first).name, 'bundled papers');
    assert.deepEqual(io.events, ['retire bundled papers']);
    await io.loads[1].finish('newest');
    assert.equal(io.statusBar?.name, 'newest');
  });

  it('a cancelled first load superseded while it makes the bundled papers retires them', async () => {
    const { io, library } = setUp();
    let bundledReady!: () => void;
    io.bundled = () => new Promise((resolve) => (bundledReady = () => resolve({ name: 'bundled papers' })));
    const first = library.catalog();
    await io.loads[0].cancel();
    void library.reload();
    bundledReady();
    assert.equal((await first).name, 'bundled papers');
    assert.equal(io.statusBar, undefined);
    assert.deepEqual(io.events, [CANCELLED_FIRST, 'retire bundled papers']);
  });
});
