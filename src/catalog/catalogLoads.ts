/**
 * Which catalog is in use when loads overlap: the first load starts on the first question, every reload (a setting
 * or an index file changed, Reload Indexes) starts another, and they can finish in any order — an index deleted
 * while it loads makes the earlier load, which still saw the file, finish after the later one, which did not. Pure:
 * no `vscode` import; loading, the bundled papers, showing, retiring, the clock and the log go through
 * `CatalogLoadsIo`, so every branch is unit-tested in plain Node (test/unit/catalogLoads.test.ts); the extension
 * (src/ui/paperLibrary.ts) supplies the real ones.
 *
 * Invariants:
 * - The newest load started decides what is shown, whenever the others finish (`LatestWins`): a load a later one
 *   has superseded never shows its catalog — that would bring back the papers, status bar and problems of what
 *   the later load no longer found — but hands it to `retire`, and still resolves with it for whoever awaited it.
 * - A cancelled load keeps what was there, so searches never see a half-loaded catalog: a reload keeps the previous
 *   load's catalog (and shows it, if that load was superseded and never showed it), a first load gives the bundled
 *   papers alone. Only the newest load says in the log that it was cancelled.
 * - `show` gets only a catalog that is not already shown: keeping the shown catalog reports nothing again.
 * - The shown catalog is never retired; the catalog it replaces is retired once. A catalog is retired at most once
 *   between two showings, and `show` may get a retired catalog back.
 */
import { LatestWins } from '../shared/latestWins';

export interface CatalogLoadsIo<Catalog> {
  /** Loads every source; undefined when the user cancelled. Never rejects. */
  load(): Promise<Catalog | undefined>;
  /** A catalog of the bundled papers alone: what a cancelled first load gives. */
  bundled(): Promise<Catalog>;
  /** Puts `catalog` in use (status bar, problems, searches); it may be one given to `retire` before, which it takes back. */
  show(catalog: Catalog): void;
  /** `catalog` is no longer shown: it is disposed once whatever still answers with it has finished. */
  retire(catalog: Catalog): void;
  /** Milliseconds, for how long a load took. */
  now(): number;
  /** A line for the log (the Output channel). */
  log(line: string): void;
}

export class CatalogLoads<Catalog> {
  private readonly loads = new LatestWins();
  /** The newest load started; undefined until the first question. */
  private newest: Promise<Catalog> | undefined;
  private current: Catalog | undefined;
  /** How long the newest load that showed its own catalog took, from its start to a ready catalog. */
  lastLoadMs: number | undefined;

  constructor(private readonly io: CatalogLoadsIo<Catalog>) {}

  /** The catalog in use, loading it on the first call. Never rejects. */
  catalog(): Promise<Catalog> {
    this.newest ??= this.loadOrKeep(undefined);
    return this.newest;
  }

  /** Starts a load that supersedes every load started before it; resolves with the catalog it gives. */
  reload(): Promise<Catalog> {
    this.newest = this.loadOrKeep(this.newest);
    return this.newest;
  }

  /** Whether a catalog was asked for: until then, a changed setting or file starts no load. */
  get started(): boolean {
    return this.newest !== undefined;
  }

  /** The catalog last given to `show`. */
  get shown(): Catalog | undefined {
    return this.current;
  }

  private async loadOrKeep(previous: Promise<Catalog> | undefined): Promise<Catalog> {
    const isNewest = this.loads.begin();
    const started = this.io.now();
    const loaded = await this.io.load();
    if (loaded !== undefined) {
      if (isNewest()) this.lastLoadMs = this.io.now() - started;
      return this.showOrRetire(loaded, isNewest);
    }
    if (isNewest()) this.io.log(`Loading paper indexes was cancelled; ${previous ? 'the previous papers stay loaded' : 'only the bundled papers are loaded'}.`);
    if (previous === undefined) return this.showOrRetire(await this.io.bundled(), isNewest);
    const kept = await previous;
    // The previous load's catalog is shown, or was retired because this load superseded it: not this load's to retire.
    if (isNewest()) this.show(kept);
    return kept;
  }

  /** A catalog this load made: shown if the load is still the newest, else retired, as nothing else will show it. */
  private showOrRetire(catalog: Catalog, isNewest: () => boolean): Catalog {
    if (isNewest()) this.show(catalog);
    else this.io.retire(catalog);
    return catalog;
  }

  private show(catalog: Catalog): void {
    const replaced = this.current;
    if (catalog === replaced) return;
    this.current = catalog;
    this.io.show(catalog);
    if (replaced !== undefined) this.io.retire(replaced);
  }
}
