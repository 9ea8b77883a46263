/**
 * The abstract panel: a webview beside the editor that shows one paper, with buttons to cite it.
 * Modelled on the webview-sample (create or reveal, a serializer to survive reloads, a nonce CSP). The
 * HTML is the same for every paper and carries no paper data: the paper travels by `postMessage` once
 * the webview says `ready`, and the webview renders it with `textContent`.
 */
import * as vscode from 'vscode';
import type { LoadedPaper } from '../index/paper';
import { isPaperLink, panelTitle, toPaperView } from '../shared/paperView';
import { isAbstractPanelState, isWebviewMessage, type HostMessage } from '../shared/protocol';

export interface AbstractPanelHost {
  readonly extensionUri: vscode.Uri;
  /** May be async: after a window reload the serializer runs before the catalog has loaded. */
  getPaper(id: string): LoadedPaper | undefined | PromiseLike<LoadedPaper | undefined>;
  /** Inserts the paper's citation into `editor` (the editor that was active before the panel took focus). */
  insertCitation(paper: LoadedPaper, editor: vscode.TextEditor | undefined): PromiseLike<unknown>;
  copyKey(paper: LoadedPaper): PromiseLike<unknown>;
  /** Whether `paperLookup.panel.reuse` is on (one panel reused) — read at call time. */
  reusePanel(): boolean;
}

/** What one panel shows: a paper, or the id of a paper that is no longer loaded (seen after a reload). */
type PanelContent =
  | { readonly kind: 'paper'; readonly paper: LoadedPaper }
  | { readonly kind: 'notFound'; readonly paperId: string };

/** Opens, reuses and restores abstract panels, and remembers which text editor they cite into. */
export class AbstractPanels implements vscode.Disposable {
  static readonly viewType = 'paperLookup.abstract';

  /** Open panels, least recently shown or focused first: the last one is the one to reuse. */
  private readonly panels: AbstractPanel[] = [];
  private lastTextEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly host: AbstractPanelHost) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // Focusing a panel makes the active editor undefined; Insert must still target the editor the user left.
        if (editor) this.lastTextEditor = editor;
      }),
    ];
  }

  show(paper: LoadedPaper): void {
    const content: PanelContent = { kind: 'paper', paper };
    const reusable = this.host.reusePanel() ? this.panels.at(-1) : undefined;
    if (reusable) {
      reusable.setContent(content);
      reusable.reveal();
      this.markMostRecent(reusable);
      return;
    }
    const webviewPanel = vscode.window.createWebviewPanel(AbstractPanels.viewType, panelTitle(paper.title), vscode.ViewColumn.Beside, {
      ...webviewOptions(this.host.extensionUri),
      // The webview restores itself from the `show` message the host sends on every `ready`.
      retainContextWhenHidden: false,
    });
    this.track(webviewPanel, content);
  }

  registerSerializer(): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(AbstractPanels.viewType, {
      deserializeWebviewPanel: async (webviewPanel, state: unknown) => {
        // A panel closed before its webview saved state has nothing to restore.
        if (!isAbstractPanelState(state)) {
          webviewPanel.dispose();
          return;
        }
        // The restored options are whatever an older version saved; apply the current ones.
        webviewPanel.webview.options = webviewOptions(this.host.extensionUri);
        let paper: LoadedPaper | undefined;
        try {
          paper = await this.host.getPaper(state.paperId);
        } catch {
          // A catalog that failed to load reports itself elsewhere; the panel says the paper is missing.
        }
        this.track(webviewPanel, paper ? { kind: 'paper', paper } : { kind: 'notFound', paperId: state.paperId });
      },
    });
  }

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
      handleAction: (action, paper) => this.runAction(action, paper),
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

  private async runAction(action: PanelAction, paper: LoadedPaper): Promise<void> {
    try {
      if (action === 'insertCitation') await this.host.insertCitation(paper, this.lastTextEditor);
      else await this.host.copyKey(paper);
    } catch (error) {
      void vscode.window.showErrorMessage(`Paper Lookup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

type PanelAction = 'insertCitation' | 'copyKey';

interface PanelOwner {
  readonly extensionUri: vscode.Uri;
  handleAction(action: PanelAction, paper: LoadedPaper): Promise<void>;
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
    this.html = panelHtml(webview, owner.extensionUri);
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
    this.webviewPanel.title = content.kind === 'paper' ? panelTitle(content.paper.title) : 'Paper not found';
    // Delivered if the webview is already listening; otherwise its `ready` message asks for it again.
    this.postContent();
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  dispose(): void {
    this.webviewPanel.dispose();
  }

  private postContent(): void {
    const message: HostMessage = this.content.kind === 'paper'
      ? { type: 'show', paper: toPaperView(this.content.paper) }
      : { type: 'notFound', paperId: this.content.paperId };
    void this.webviewPanel.webview.postMessage(message);
  }

  private handleMessage(message: unknown): void {
    if (!isWebviewMessage(message)) return;
    const paper = this.content.kind === 'paper' ? this.content.paper : undefined;
    switch (message.type) {
      case 'ready':
        // Sent on every load, including when a hidden panel is shown again (its context is not retained).
        this.postContent();
        return;
      case 'insertCitation':
      case 'copyKey':
        // A click that raced a paper change names the old paper: ignore it rather than act on the wrong one.
        if (paper && message.paperId === paper.id) void this.owner.handleAction(message.type, paper);
        return;
      case 'openLink':
        if (paper && isPaperLink(paper, message.href)) void vscode.env.openExternal(vscode.Uri.parse(message.href, true));
        return;
      default:
        assertNever(message);
    }
  }
}

/** Scripts on, and only the bundle and stylesheet folders loadable: never the workspace or other extension files. */
function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The webview page: a CSP that only allows our stylesheet and our nonce-tagged module script, and an empty body for the script to fill. */
function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = createNonce();
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${styleUri.toString()}">
  <title>Paper abstract</title>
</head>
<body>
  <main id="root" aria-busy="true"></main>
  <script type="module" nonce="${nonce}" src="${scriptUri.toString()}"></script>
</body>
</html>`;
}

/** 128 random bits as hex: unguessable, and safe inside an HTML attribute and a CSP source expression. */
function createNonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function assertNever(value: never): never {
  throw new Error(`Unhandled webview message: ${JSON.stringify(value)}`);
}
