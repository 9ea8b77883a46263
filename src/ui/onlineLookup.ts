/**
 * Online lookups in VS Code: an identifier typed or pasted into Search Papers or the side view is looked up
 * (src/online/lookup.ts), kept in the "Online lookups" index file in the extension's global storage, loaded with
 * the other sources and shown as the first row; "Papers: Refresh Trending Papers" keeps Hugging Face's daily
 * papers in the "Trending" index file, by itself at most once a day with `paperLookup.trending.autoRefresh`.
 * Typed words never wait for the network: only input that is an identifier as a whole goes online, debounced.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigStore } from '../config';
import { OnlineError, PoliteHttp } from '../online/http';
import { describeIdentifier, parseIdentifier, type PaperIdentifier } from '../online/identifier';
import { fetchTrendingPapers, lookUpPaper, userAgent } from '../online/lookup';
import { QueryLookups, type OnlineRow } from '../online/queryLookups';
import { DiskResponseCache } from '../online/responseCache';
import { indexFileText, ONLINE_LOOKUPS_FILE, TRENDING_FILE, TRENDING_NAME, withLookup } from '../online/storedPapers';
import type { LoadedPaper } from '../papers/paper';
import type { PaperLibrary } from './paperLibrary';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the automatic refresh checks whether a day has passed. */
const AUTO_REFRESH_CHECK_MS = 60 * 60 * 1000;
const LAST_TRENDING_REFRESH_KEY = 'paperLookup.trending.lastRefresh';

export interface OnlineLookupServices {
  readonly globalStorage: vscode.Uri;
  readonly globalState: vscode.Memento;
  readonly version: string;
  readonly config: ConfigStore;
  readonly library: PaperLibrary;
  readonly output: vscode.OutputChannel;
}

export class OnlineLookup implements vscode.Disposable {
  private readonly http: PoliteHttp;
  private readonly folder: string;
  private readonly disposables: vscode.Disposable[] = [];
  /** Writes to the stored index files, one after another. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: OnlineLookupServices) {
    this.folder = services.globalStorage.fsPath;
    this.http = new PoliteHttp({
      fetch: (input, init) => globalThis.fetch(input, init),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      userAgent: userAgent('vscode', services.version),
      cache: new DiskResponseCache(path.join(this.folder, 'online-cache')),
    });
    services.config.setStoredIndexes(this.storedFiles());
    const autoRefresh = setInterval(() => void this.autoRefreshTrending(), AUTO_REFRESH_CHECK_MS);
    this.disposables.push(
      { dispose: () => clearInterval(autoRefresh) },
      services.config.onDidChange(() => {
        // A stored file deleted by hand leaves the list at the next settings change, rather than being reported missing.
        services.config.setStoredIndexes(this.storedFiles());
        void this.autoRefreshTrending();
      }),
    );
    void this.autoRefreshTrending();
  }

  /** The identifier the whole query is, when online lookups are on; undefined for anything else. */
  identifierIn(query: string): PaperIdentifier | undefined {
    return this.services.config.value.online.enabled ? parseIdentifier(query) : undefined;
  }

  /** Looks the paper up, keeps it in the "Online lookups" source, and gives it as loaded; rejects with a one-line message. */
  async lookUp(identifier: PaperIdentifier): Promise<LoadedPaper> {
    try {
      return await this.lookUpAndKeep(identifier);
    } catch (error) {
      this.log(describeFailure(error));
      throw error;
    }
  }

  private async lookUpAndKeep(identifier: PaperIdentifier): Promise<LoadedPaper> {
    const { config, library } = this.services;
    if (!config.value.online.enabled) throw new Error('Online lookups are off (paperLookup.online.enabled).');
    const { paper, fetchedAt, fromCache } = await lookUpPaper(identifier, this.http, config.value.online.endpoints);
    this.log(`Looked up ${describeIdentifier(identifier)}${fromCache ? ` (cached answer of ${new Date(fetchedAt).toISOString()})` : ''}: "${paper.title}".`);
    await this.writeStored(ONLINE_LOOKUPS_FILE, (existing) => withLookup(existing, paper));
    const loaded = (await library.catalog()).get(paper.id);
    if (!loaded) throw new Error(`${describeIdentifier(identifier)} was found but could not be loaded; see the Sources view.`);
    return loaded;
  }

  /**
   * The online row of a search field, for `update` on every change of its query; the field disposes it. Without
   * online lookups (none given), every query stays local.
   */
  static rowsFor(online: OnlineLookup | undefined, onRow: (row: OnlineRow<LoadedPaper> | undefined) => void): QueryLookups<LoadedPaper> {
    return new QueryLookups({
      identify: (query) => online?.identifierIn(query),
      lookUp: (identifier) => (online ? online.lookUp(identifier) : Promise.reject(new Error('Online lookups are off.'))),
      onRow,
    });
  }

  /** Fetches the trending papers into the "Trending" source; resolves with how many there are. */
  async refreshTrending(): Promise<number> {
    try {
      return await this.fetchTrending();
    } catch (error) {
      this.log(describeFailure(error));
      throw error;
    }
  }

  private async fetchTrending(): Promise<number> {
    const { config, globalState } = this.services;
    if (!config.value.online.enabled) throw new Error('Online lookups are off (paperLookup.online.enabled).');
    const { papers, fetchedAt, fromCache } = await fetchTrendingPapers(this.http, config.value.online.endpoints);
    await this.writeStored(TRENDING_FILE, () => indexFileText(TRENDING_NAME, papers));
    await globalState.update(LAST_TRENDING_REFRESH_KEY, fetchedAt);
    this.log(`Fetched ${papers.length} trending papers${fromCache ? ` (cached answer of ${new Date(fetchedAt).toISOString()})` : ''}.`);
    return papers.length;
  }

  /** With `paperLookup.trending.autoRefresh` on, refreshes when the last refresh is a day old; failures are logged. */
  private async autoRefreshTrending(): Promise<void> {
    const { enabled, trendingAutoRefresh } = this.services.config.value.online;
    const last = this.services.globalState.get<number>(LAST_TRENDING_REFRESH_KEY, 0);
    if (!enabled || !trendingAutoRefresh || Date.now() - last < DAY_MS) return;
    // Counted as a refresh even when it fails, so an offline machine does not retry every hour.
    await this.services.globalState.update(LAST_TRENDING_REFRESH_KEY, Date.now());
    // A failure is logged, and only logged: nobody asked for this refresh.
    await this.refreshTrending().catch(() => undefined);
  }

  /** The stored index files that exist, lookups first. */
  private storedFiles(): string[] {
    return [ONLINE_LOOKUPS_FILE, TRENDING_FILE].map((name) => path.join(this.folder, name)).filter((file) => existsSync(file));
  }

  /** Rewrites one stored index file (written aside and renamed) if its text changes, and reloads the catalog with it. */
  private writeStored(name: string, contents: (existing: string | undefined) => string): Promise<void> {
    const write = this.writes.then(async () => {
      const file = path.join(this.folder, name);
      const existing = await readFile(file, 'utf8').catch(() => undefined);
      const text = contents(existing);
      // Unchanged (a paper looked up again): no write, no reload, and the catalog cache stays valid.
      if (text === existing) return;
      await mkdir(this.folder, { recursive: true });
      await writeFile(`${file}.partial`, text);
      await rename(`${file}.partial`, file);
      const before = this.services.config.value.indexes;
      this.services.config.setStoredIndexes(this.storedFiles());
      // A new file reloads through the configuration change; a rewritten one needs asking.
      if (this.services.config.value.indexes === before) await this.services.library.reload();
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  private log(line: string): void {
    this.services.output.appendLine(`[${new Date().toISOString()}] ${line}`);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** One line for a failed lookup: the service's own message, or the error's. */
export function describeFailure(error: unknown): string {
  if (error instanceof OnlineError || error instanceof Error) return error.message;
  return String(error);
}
