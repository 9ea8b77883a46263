/**
 * Activation: placeholders only, and the Sources view (a small tree). Every command, the side view, the panel serializer, and key completion and hover
 * are registered here under their ids, and the first use of any of them loads the features (src/ui/features.ts,
 * bundled apart as dist/features.js) and hands over to them. So opening a Markdown or LaTeX file costs the host
 * this small bundle; the catalog, the search engine, the webviews' glue and the BibTeX writer load when first used.
 *
 * Invariant: the placeholders are disposed in the same synchronous step as the features register the real ones, so
 * no command, view or provider is ever missing or registered twice. Activation errors are caught and shown, so a
 * failure names itself instead of leaving commands that silently do nothing.
 */
import * as vscode from 'vscode';
import { ABSTRACT_PANEL_VIEW_TYPE, CITATION_LANGUAGES, CITATION_TRIGGER_CHARACTERS, PAPERS_VIEW_ID } from './ui/contributionIds';
import { SourcesView } from './ui/sourcesView';
import type { Features, PaperLookupApi } from './ui/features';
import { plainForMessage } from './shared/untrustedText';

export type { PaperLookupApi } from './ui/features';

/**
 * With a citing document open, the features load this long after activation, so the citation diagnostics come
 * without the user asking, and activation itself stays light.
 */
const DIAGNOSTICS_DELAY_MS = 1500;

export function activate(context: vscode.ExtensionContext): PaperLookupApi {
  const output = vscode.window.createOutputChannel('Paper Lookup');
  context.subscriptions.push(output);
  const features = new LazyFeatures(context, output);
  context.subscriptions.push(features);
  return {
    catalog: () => features.load().api.catalog(),
    abstractPanel: () => features.load().api.abstractPanel(),
    papersView: () => features.load().api.papersView(),
    readingList: () => features.load().api.readingList(),
    sharedCatalogSearch: (query, limit) => features.load().api.sharedCatalogSearch(query, limit),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

class LazyFeatures implements vscode.Disposable {
  private features: Features | undefined;
  private failure: Error | undefined;
  private readonly placeholders: vscode.Disposable[];
  private diagnosticsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Made here and handed to the features: a tree view cannot move from one data provider to another. */
  private readonly sourcesView = new SourcesView();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
  ) {
    this.placeholders = [
      ...contributedCommands(context).map((command) =>
        vscode.commands.registerCommand(command, (...args: unknown[]) => {
          this.load();
          return vscode.commands.executeCommand(command, ...args);
        }),
      ),
      vscode.window.registerWebviewViewProvider(
        PAPERS_VIEW_ID,
        { resolveWebviewView: (view, resolveContext, token) => this.load().papersView.resolveWebviewView(view, resolveContext, token) },
        { webviewOptions: { retainContextWhenHidden: false } },
      ),
      vscode.window.registerWebviewPanelSerializer(ABSTRACT_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state) => this.load().abstractSerializer.deserializeWebviewPanel(panel, state),
      }),
      vscode.languages.registerCompletionItemProvider(
        CITATION_LANGUAGES,
        { provideCompletionItems: (...args) => this.load().completion.provideCompletionItems(...args) },
        ...CITATION_TRIGGER_CHARACTERS,
      ),
      vscode.languages.registerHoverProvider(CITATION_LANGUAGES, { provideHover: (...args) => this.load().hover.provideHover(...args) }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => this.loadForDiagnostics(editors)),
    ];
    this.loadForDiagnostics(vscode.window.visibleTextEditors);
  }

  /** The features, loaded on first call; throws the load's error (shown to the user once) when they failed to start. */
  load(): Features {
    if (this.features) return this.features;
    if (this.failure) throw this.failure;
    clearTimeout(this.diagnosticsTimer);
    for (const placeholder of this.placeholders) placeholder.dispose();
    try {
      // A bundle of its own beside this one (esbuild.config.mjs), required only here.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startFeatures } = require('./features.js') as typeof import('./ui/features');
      this.features = startFeatures(this.context, this.output, this.sourcesView);
      return this.features;
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.output.appendLine(`Activation failed: ${this.failure.stack ?? this.failure.message}`);
      this.showFailure();
      // The commands stay: each says why it cannot run.
      for (const command of contributedCommands(this.context)) this.context.subscriptions.push(vscode.commands.registerCommand(command, () => this.showFailure()));
      throw this.failure;
    }
  }

  private showFailure(): void {
    const reason = this.failure?.message ?? 'unknown error';
    void vscode.window.showErrorMessage(plainForMessage(`Paper Lookup failed to start: ${reason}`), 'Show Details').then((choice) => choice && this.output.show());
  }

  dispose(): void {
    clearTimeout(this.diagnosticsTimer);
    this.sourcesView.dispose();
    for (const placeholder of this.placeholders) placeholder.dispose();
  }

  private loadQuietly(): void {
    try {
      this.load();
    } catch {
      // Shown to the user by `load`.
    }
  }

  private loadForDiagnostics(editors: readonly vscode.TextEditor[]): void {
    if (this.features || this.diagnosticsTimer !== undefined) return;
    if (!editors.some((editor) => vscode.languages.match(CITATION_LANGUAGES, editor.document) > 0)) return;
    this.diagnosticsTimer = setTimeout(() => this.loadQuietly(), DIAGNOSTICS_DELAY_MS);
  }
}

/** The ids of the commands package.json contributes: each gets a placeholder. */
function contributedCommands(context: vscode.ExtensionContext): string[] {
  const contributes = (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes;
  return (contributes?.commands ?? []).map(({ command }) => command);
}
