/**
 * Shared catalogs on PostgreSQL as a source of the picker's and the side view's rows: every `postgresql://` entry
 * of `paperLookup.indexes` is searched as the user types (debounced; the previous search is cancelled on the
 * server), and its hits are merged with the local ones (src/postgres/merge.ts). The papers are full papers: the
 * reader, citations and .bib entries work on them as on any other; `get` finds the ones shown lately.
 *
 * Passwords live in VS Code's SecretStorage, never in settings: a server that asks for one the URL lacks gets the
 * stored one; without one, a message offers to enter it (a prompt never opens by itself, since it would close the
 * picker being typed in). A refused password is forgotten. TLS settings come from the URL (`sslmode`,
 * `sslrootcert`, …) and go to node-postgres as they are.
 *
 * A server that cannot be reached or a query that fails: the status bar item says so and one message is shown
 * until a search succeeds again; the local rows come as always, since they never wait for the server.
 * node-postgres is loaded on the first search of a shared catalog, not when the extension starts.
 */
import * as vscode from 'vscode';
import type { ConfigStore } from '../config';
import type { PaperLibrary } from './paperLibrary';
import type { LoadedPaper } from '../papers/paper';
import { clientConfig, describeConnectionError, describeServer, passwordKey } from '../postgres/connection';
import { mergeHits } from '../postgres/merge';
import type { PostgresCatalog } from '../postgres/search';
import type { SearchHit } from '../search/search';
import { LatestWins } from '../shared/latestWins';
import { plainForLabel, plainForMessage } from '../shared/untrustedText';

/** Keystrokes closer together than this make one search on the server. */
export const SERVER_DEBOUNCE_MS = 150;
/** Server papers remembered for `get` (the reader, a citation from the side view), the most recent kept. */
const REMEMBERED_PAPERS = 5000;
const SECRET_PREFIX = 'paperLookup.postgres.password:';

/** What the picker and the side view ask of the shared catalogs. */
export interface ServerSearch {
  /** Merged hits of every shared catalog; undefined when a newer search replaced this one, [] when there is none. */
  search(query: string, limit: number): Promise<SearchHit<LoadedPaper>[] | undefined>;
  /** A server paper shown lately. */
  get(id: string): LoadedPaper | undefined;
}

/** A loaded paper, or a shared catalog's paper shown lately, by id; undefined when none has it (or the catalog failed to load). */
export async function paperById(library: PaperLibrary, serverSearch: ServerSearch | undefined, paperId: string): Promise<LoadedPaper | undefined> {
  return (await library.catalog()).get(paperId) ?? serverSearch?.get(paperId);
}

/** The password a server asked for is not stored: the user is offered to enter it. */
class PasswordNeeded extends Error {}

export class PostgresSource implements ServerSearch, vscode.Disposable {
  /** By URL; made on first search. */
  private catalogs = new Map<string, PostgresCatalog | undefined>();
  private readonly known = new Map<string, LoadedPaper>();
  private readonly latest = new LatestWins();
  /** Servers whose failure was reported; reported again only after a search on them succeeded. */
  private readonly reported = new Set<string>();
  private readonly status = vscode.window.createStatusBarItem('paperLookup.sharedCatalog', vscode.StatusBarAlignment.Left, 99);
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly config: ConfigStore,
    private readonly secrets: vscode.SecretStorage,
    private readonly output?: vscode.OutputChannel,
  ) {
    this.status.name = 'Paper Lookup: Shared Catalog';
    this.subscription = config.onDidChange(() => this.reconfigure());
    this.reconfigure();
  }

  async search(query: string, limit: number): Promise<SearchHit<LoadedPaper>[] | undefined> {
    if (this.catalogs.size === 0 || query.trim() === '') return [];
    const isLatest = this.latest.begin();
    await new Promise((resolve) => setTimeout(resolve, SERVER_DEBOUNCE_MS));
    if (!isLatest()) return undefined;
    const { PostgresCatalog } = await import('../postgres/search.js');
    const results = await Promise.all([...this.catalogs.keys()].map(async (url) => {
      const catalog = this.catalogs.get(url) ?? new PostgresCatalog({ config: clientConfig(url, () => this.storedPassword(url)), name: describeServer(url), keyTemplate: this.config.value.keyTemplate });
      if (this.catalogs.has(url)) this.catalogs.set(url, catalog);
      try {
        const hits = await catalog.search(query, limit);
        this.succeeded(url);
        return hits;
      } catch (error) {
        this.failed(url, error);
        return [];
      }
    }));
    if (!isLatest() || results.some((hits) => hits === undefined)) return undefined;
    const merged = results.reduce<SearchHit<LoadedPaper>[]>((all, hits) => mergeHits(all, hits ?? [], limit), []);
    for (const hit of merged) this.remember(hit.paper);
    return merged;
  }

  get(id: string): LoadedPaper | undefined {
    return this.known.get(id);
  }

  dispose(): void {
    this.subscription.dispose();
    this.status.dispose();
    for (const catalog of this.catalogs.values()) void catalog?.close();
  }

  private reconfigure(): void {
    const previous = this.catalogs;
    this.catalogs = new Map(this.config.value.catalogServers.map((url) => [url, previous.get(url)]));
    for (const [url, catalog] of previous) if (!this.catalogs.has(url)) void catalog?.close();
    this.showStatus();
  }

  private async storedPassword(url: string): Promise<string> {
    const stored = await this.secrets.get(SECRET_PREFIX + passwordKey(url));
    if (stored === undefined) throw new PasswordNeeded(`${describeServer(url)} asks for a password.`);
    return stored;
  }

  private remember(paper: LoadedPaper): void {
    this.known.delete(paper.id);
    this.known.set(paper.id, paper);
    if (this.known.size > REMEMBERED_PAPERS) this.known.delete(this.known.keys().next().value as string);
  }

  private succeeded(url: string): void {
    if (!this.reported.delete(url)) return;
    this.output?.appendLine(`Shared catalog ${describeServer(url)}: reachable again.`);
    this.showStatus();
  }

  private failed(url: string, error: unknown): void {
    const refusedPassword = (error as { code?: string }).code === '28P01';
    if (refusedPassword) void this.secrets.delete(SECRET_PREFIX + passwordKey(url));
    const message = error instanceof PasswordNeeded ? error.message : describeConnectionError(url, error);
    if (this.reported.has(url)) return;
    this.reported.add(url);
    this.output?.appendLine(`Shared catalog ${describeServer(url)}: ${message}`);
    this.showStatus(message);
    const action = error instanceof PasswordNeeded || refusedPassword ? 'Enter Password…' : 'Show Log';
    void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${message} Local papers are still searched.`), action).then(async (choice) => {
      if (choice === 'Enter Password…') await this.promptPassword(url);
      else if (choice === 'Show Log') this.output?.show();
    });
  }

  private async promptPassword(url: string): Promise<void> {
    const password = await vscode.window.showInputBox({
      title: 'Shared Paper Catalog',
      prompt: plainForLabel(`Password for ${describeServer(url)} (kept in VS Code's secret storage)`),
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return;
    await this.secrets.store(SECRET_PREFIX + passwordKey(url), password);
    // The next search connects with it, and reports again if it fails.
    await this.catalogs.get(url)?.close();
    this.reported.delete(url);
    this.showStatus();
  }

  private showStatus(problem?: string): void {
    if (this.catalogs.size === 0) {
      this.status.hide();
      return;
    }
    const failing = this.reported.size;
    if (failing > 0) this.status.text = '$(warning) Shared catalog unreachable';
    else this.status.text = '$(database) Shared catalog';
    this.status.tooltip = plainForLabel(failing > 0 && problem ? problem : `Searched as you type: ${[...this.catalogs.keys()].map(describeServer).join(', ')}`);
    this.status.backgroundColor = failing > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.status.show();
  }
}
