/**
 * The side view in the "Papers" activity-bar container: a search field, a result list, and below it the
 * same reader the abstract panel shows (./paperReader.ts). The webview is not kept alive while hidden; it
 * saves its query and paper with `setState`, which VS Code also keeps across window reloads, and on every
 * load sends them back in `viewReady` so the host can fill it in again.
 */
import * as vscode from 'vscode';
import { PAPERS_VIEW_ID } from './contributionIds';
import type { ConfigStore } from '../config';
import type { PaperCatalog } from '../catalog/catalog';
import { searchFamiliarFirst } from '../search/familiarRanking';
import type { LoadedPaper } from '../papers/paper';
import { toPaperListItem } from '../protocol/paperView';
import { isViewMessage, type PaperListSection, type ViewHostMessage, type ViewMessage } from '../protocol/protocol';
import { plainLine } from '../shared/untrustedText';
import type { OnlineRow, QueryLookups } from '../online/queryLookups';
import { OnlineLookup } from './onlineLookup';
import type { PaperLibrary } from './paperLibrary';
import type { PaperReader } from './paperReader';
import type { ReadingList } from './readingList';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { mergeHits } from '../postgres/merge';
import type { SearchHit } from '../search/search';
import type { ServerSearch } from './postgresSource';

export interface PapersViewServices {
  readonly extensionUri: vscode.Uri;
  readonly config: ConfigStore;
  readonly library: PaperLibrary;
  readonly readingList: ReadingList;
  readonly reader: PaperReader;
  /** Looks up identifier-shaped queries online (the first section); absent, every query stays local. */
  readonly online?: OnlineLookup;
  /** Shared catalogs: their rows join the local ones when they come. */
  readonly serverSearch?: ServerSearch;
}

export class PapersView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = PAPERS_VIEW_ID;

  private view: vscode.WebviewView | undefined;
  private html: string | undefined;
  /** What the webview shows, as far as the host has told it or heard from it. */
  private query = '';
  private shownPaperId: string | undefined;
  private onlineRow: OnlineRow<LoadedPaper> | undefined;
  /** The results posted last: every change of the query, or of its online row, posts them. */
  private resultsPosted: Promise<void> = Promise.resolve();
  private readonly lookups: QueryLookups<LoadedPaper>;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly services: PapersViewServices) {
    this.lookups = OnlineLookup.rowsFor(services.online, (row) => {
      this.onlineRow = row;
      this.resultsPosted = this.postResults();
    });
    this.subscriptions = [
      this.lookups,
      services.readingList.onDidChange(() => {
        // The empty query lists the reading list and the recent papers.
        if (this.query.trim() === '') void this.postResults();
        if (this.shownPaperId) this.post({ type: 'saved', paperId: this.shownPaperId, saved: services.readingList.isSaved(this.shownPaperId) });
      }),
      services.library.onDidChange(() => void this.postResults()),
    ];
  }

  register(): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider(PapersView.viewType, this, {
      // Hidden, the view costs no memory: its state comes back through `viewReady`.
      webviewOptions: { retainContextWhenHidden: false },
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = webviewOptions(this.services.extensionUri);
    this.html = webviewHtml(view.webview, this.services.extensionUri, 'view');
    view.webview.html = this.html;
    const subscriptions = [
      view.webview.onDidReceiveMessage((message: unknown) => {
        if (isViewMessage(message)) void this.handleMessage(message);
      }),
      view.onDidDispose(() => {
        for (const subscription of subscriptions) subscription.dispose();
        if (this.view === view) this.view = undefined;
      }),
    ];
  }

  /** Whether the view is on screen now. */
  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  /** The view's HTML and the paper it shows, once VS Code has shown the view; for the integration tests. */
  get current(): { readonly html: string; readonly paperId?: string } | undefined {
    return this.html === undefined ? undefined : { html: this.html, ...(this.shownPaperId ? { paperId: this.shownPaperId } : {}) };
  }

  /** Shows the paper in the view's reader if the view is visible; false (and nothing shown) otherwise. */
  show(paper: LoadedPaper): boolean {
    if (!this.visible) return false;
    void this.showPaper(paper);
    return true;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private async handleMessage(message: ViewMessage): Promise<void> {
    switch (message.type) {
      case 'viewReady': {
        const { query, paperId } = message.state;
        this.query = query;
        this.shownPaperId = paperId;
        this.lookups.update(query);
        await this.resultsPosted;
        if (paperId === undefined) return;
        const paper = await this.services.reader.getPaper(paperId);
        if (paper) await this.showPaper(paper);
        else this.post({ type: 'notFound', paperId });
        return;
      }
      case 'search':
        this.query = message.query;
        // Posts the local results at once; an online answer posts them again.
        this.lookups.update(message.query);
        await this.resultsPosted;
        return;
      default:
        await this.services.reader.handle(message, (paper) => this.showPaper(paper));
    }
  }

  private async showPaper(paper: LoadedPaper): Promise<void> {
    this.shownPaperId = paper.id;
    const message = await this.services.reader.showMessage(paper);
    // A newer paper may have been shown while this one's related papers were computed.
    if (this.shownPaperId !== paper.id) return;
    this.post(message);
    const reference = await this.services.reader.referenceMessage(paper);
    if (reference && this.shownPaperId === paper.id) this.post(reference);
  }

  private async postResults(): Promise<void> {
    if (!this.view) return;
    const query = this.query;
    const catalog = await this.services.library.catalog();
    this.post({ type: 'results', query, sections: this.sections(catalog, query) });
    const serverHits = await this.services.serverSearch?.search(query, this.services.config.value.maxResults);
    if (serverHits?.length && this.query === query) this.post({ type: 'results', query, sections: this.sections(catalog, query, serverHits) });
  }

  /** The search results for a query; for an empty one, the reading list and the recent papers. */
  private sections(catalog: PaperCatalog, query: string, serverHits: readonly SearchHit<LoadedPaper>[] = []): PaperListSection[] {
    const { readingList, config } = this.services;
    if (query.trim() !== '') {
      const hits = mergeHits(searchFamiliarFirst(catalog, query, config.value.maxResults, readingList.familiarIds), serverHits, config.value.maxResults);
      const online = this.onlineSection();
      const onlineId = online?.items[0]?.id;
      const items = hits.filter((hit) => hit.paper.id !== onlineId).map((hit) => {
        const item = toPaperListItem(hit.paper, hit.matches);
        return hit.unmatched?.length ? { ...item, unmatched: hit.unmatched } : item;
      });
      return online ? [online, ...(items.length > 0 ? [{ label: 'Results', items }] : [])] : [{ label: 'Results', items }];
    }
    const saved = readingList.saved;
    const listed = (ids: readonly string[]) => ids.flatMap((id) => catalog.get(id) ?? []).map((paper) => toPaperListItem(paper));
    return [
      { label: 'Reading list', items: listed(saved) },
      { label: 'Recent', items: listed(readingList.recent.filter((id) => !saved.includes(id))) },
    ].filter((section) => section.items.length > 0);
  }

  /** The online lookup of an identifier query: the paper, or a label saying it is being looked up or why not. */
  private onlineSection(): PaperListSection | undefined {
    const row = this.onlineRow;
    switch (row?.status) {
      case undefined:
        return undefined;
      case 'found':
        return { label: 'Online', items: [toPaperListItem(row.paper)] };
      // The webview sets a section's label as text (src/webview/view.ts): one line, nothing rendered.
      case 'looking':
        // eslint-disable-next-line no-restricted-syntax -- set as text in the webview, not a quick pick row
        return { label: plainLine(`Looking up ${row.identifier} online…`), items: [] };
      case 'failed':
        // eslint-disable-next-line no-restricted-syntax -- set as text in the webview, not a quick pick row
        return { label: plainLine(row.message), items: [] };
    }
  }

  private post(message: ViewHostMessage): void {
    void this.view?.webview.postMessage(message);
  }
}
