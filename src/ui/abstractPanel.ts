/**
 * The abstract panel: a webview beside the editor that shows one paper with the reader the side view also
 * uses (./paperReader.ts on this side, src/webview/reader.ts in the webview). Modelled on the
 * webview-sample (create or reveal, a serializer to survive reloads, a nonce CSP). The HTML is the same for
 * every paper and carries no paper data: the paper travels by `postMessage` once the webview says `ready`.
 */
import * as vscode from 'vscode';
import { ABSTRACT_PANEL_VIEW_TYPE } from './contributionIds';
import type { LoadedPaper } from '../papers/paper';
import { panelTitle } from '../protocol/paperView';
import { isAbstractPanelState, isPanelMessage, type HostMessage } from '../protocol/protocol';
import { plainLine } from '../shared/untrustedText';
import type { PaperReader } from './paperReader';
import type { ReadingList } from './readingList';
import { webviewHtml, webviewOptions } from './webviewHtml';

export interface AbstractPanelHost {
  readonly extensionUri: vscode.Uri;
  readonly reader: PaperReader;
  readonly readingList: ReadingList;
  /** Whether `paperLookup.panel.reuse` is on (one panel reused) — read at call time. */
  reusePanel(): boolean;
}

/** What one panel shows: a paper, or the id of a paper that is no longer loaded (seen after a reload). */
type PanelContent =
  | { readonly kind: 'paper'; readonly paper: LoadedPaper }
  | { readonly kind: 'notFound'; readonly paperId: string };

/** Opens, reuses and restores abstract panels. */
export class AbstractPanels implements vscode.Disposable {
  static readonly viewType = ABSTRACT_PANEL_VIEW_TYPE;

  /** Open panels, least recently shown or focused first: the last one is the one to reuse. */
  private readonly panels: AbstractPanel[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly host: AbstractPanelHost) {
    this.subscriptions = [
      host.readingList.onDidChange(() => {
        for (const panel of this.panels) panel.postSaved();
      }),
    ];
  }

  /**
   * Panels being restored after a window reload, each waiting for the catalog before it is tracked: `show` waits
   * for them, or it would open a second panel beside the one being restored, and later papers would go to
   * whichever of the two was tracked last.
   */
  private restoring: Promise<unknown> = Promise.resolve();

  async show(paper: LoadedPaper): Promise<void> {
    await this.restoring;
    const content: PanelContent = { kind: 'paper', paper };
    const reusable = this.host.reusePanel() ? this.panels.at(-1) : undefined;
    if (reusable) {
      reusable.setContent(content);
      reusable.reveal();
      this.markMostRecent(reusable);
      return;
    }
    const webviewPanel = vscode.window.createWebviewPanel(AbstractPanels.viewType, panelTitle(plainLine(paper.title)), vscode.ViewColumn.Beside, {
      ...webviewOptions(this.host.extensionUri),
      // The webview restores itself from the `show` message the host sends on every `ready`.
      retainContextWhenHidden: false,
    });
    this.track(webviewPanel, content);
  }

  /**
   * Shows the paper in the panel shown last, without revealing or focusing it: the live preview while the
   * user arrows through the picker. False when no panel is open.
   */
  preview(paper: LoadedPaper): boolean {
    const panel = this.panels.at(-1);
    panel?.setContent({ kind: 'paper', paper });
    return panel !== undefined;
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(AbstractPanels.viewType, this.serializer);
  }

  /** Restores the panels open when the window was reloaded. */
  readonly serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: async (webviewPanel, state: unknown) => {
      // A panel closed before its webview saved state has nothing to restore.
      if (!isAbstractPanelState(state)) {
        webviewPanel.dispose();
        return;
      }
      // The restored options are whatever an older version saved; apply the current ones.
      webviewPanel.webview.options = webviewOptions(this.host.extensionUri);
      const restored = (async () => {
        let paper: LoadedPaper | undefined;
        try {
          // After a window reload this waits for the catalog to load.
          paper = await this.host.reader.getPaper(state.paperId);
        } catch {
          // A catalog that failed to load reports itself elsewhere; the panel says the paper is missing.
        }
        this.track(webviewPanel, paper ? { kind: 'paper', paper } : { kind: 'notFound', paperId: state.paperId });
      })();
      this.restoring = Promise.all([this.restoring, restored]);
      await restored;
    },
  };

  get current(): { readonly html: string; readonly paperId: string } | undefined {
    const panel = this.panels.at(-1);
    return panel && { html: panel.html, paperId: panel.paperId };
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    // Copied: each panel removes itself from `panels` as it is disposed.
    for (const panel of [...this.panels]) panel.dispose();
  }

  private track(webviewPanel: vscode.WebviewPanel, content: PanelContent): void {
    const panel = new AbstractPanel(webviewPanel, content, {
      extensionUri: this.host.extensionUri,
      reader: this.host.reader,
      readingList: this.host.readingList,
      onDidFocus: (focused) => this.markMostRecent(focused),
      onDidDispose: (disposed) => {
        const index = this.panels.indexOf(disposed);
        if (index >= 0) this.panels.splice(index, 1);
      },
    });
    this.panels.push(panel);
  }

  private markMostRecent(panel: AbstractPanel): void {
    const index = this.panels.indexOf(panel);
    if (index >= 0) this.panels.push(...this.panels.splice(index, 1));
  }
}

interface PanelOwner {
  readonly extensionUri: vscode.Uri;
  readonly reader: PaperReader;
  readonly readingList: ReadingList;
  onDidFocus(panel: AbstractPanel): void;
  onDidDispose(panel: AbstractPanel): void;
}

/** One webview panel: its fixed HTML, what it currently shows, and the messages its webview sends. */
class AbstractPanel implements vscode.Disposable {
  readonly html: string;
  private content: PanelContent;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly webviewPanel: vscode.WebviewPanel, content: PanelContent, private readonly owner: PanelOwner) {
    const webview = webviewPanel.webview;
    this.html = webviewHtml(webview, owner.extensionUri, 'panel');
    webview.html = this.html;
    this.content = content;
    this.subscriptions = [
      webview.onDidReceiveMessage((message: unknown) => this.handleMessage(message)),
      webviewPanel.onDidChangeViewState(({ webviewPanel: changed }) => {
        if (changed.active) owner.onDidFocus(this);
      }),
      webviewPanel.onDidDispose(() => {
        for (const subscription of this.subscriptions) subscription.dispose();
        owner.onDidDispose(this);
      }),
    ];
    this.setContent(content);
  }

  get paperId(): string {
    return this.content.kind === 'paper' ? this.content.paper.id : this.content.paperId;
  }

  setContent(content: PanelContent): void {
    this.content = content;
    this.webviewPanel.title = content.kind === 'paper' ? panelTitle(plainLine(content.paper.title)) : 'Paper not found';
    // Delivered if the webview is already listening; otherwise its `ready` message asks for it again.
    this.postContent();
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  dispose(): void {
    this.webviewPanel.dispose();
  }

  /** Tells the webview whether its paper is on the reading list (after the list changed). */
  postSaved(): void {
    if (this.content.kind !== 'paper') return;
    const { id } = this.content.paper;
    void this.webviewPanel.webview.postMessage({ type: 'saved', paperId: id, saved: this.owner.readingList.isSaved(id) } satisfies HostMessage);
  }

  private postContent(): void {
    const content = this.content;
    const message: Promise<HostMessage> = content.kind === 'paper'
      ? this.owner.reader.showMessage(content.paper)
      : Promise.resolve({ type: 'notFound', paperId: content.paperId });
    void message.then(async (ready) => {
      // A newer paper may have been set while this one's related papers were computed.
      if (this.content !== content) return;
      void this.webviewPanel.webview.postMessage(ready);
      const reference = content.kind === 'paper' ? await this.owner.reader.referenceMessage(content.paper) : undefined;
      if (reference && this.content === content) void this.webviewPanel.webview.postMessage(reference);
    });
  }

  private handleMessage(message: unknown): void {
    if (!isPanelMessage(message)) return;
    if (message.type === 'ready') {
      // Sent on every load, including when a hidden panel is shown again (its context is not retained).
      this.postContent();
      return;
    }
    void this.owner.reader.handle(message, (paper) => this.setContent({ kind: 'paper', paper }));
  }
}
