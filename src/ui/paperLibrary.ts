/**
 * Loads the bundled index and the user's index files into a `PaperCatalog`, lazily on first use, and
 * reloads when `paperLookup.indexes` changes. Problems go to the "Paper Lookup" Output channel in full
 * and to one error notification per load; a broken file never stops the other indexes from loading.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigStore } from '../config';
import { PaperCatalog, type IndexSource } from '../index/catalog';
import { formatProblem, parseIndexText, type IndexProblem } from '../index/parseIndex';

export const BUNDLED_INDEX_NAME = 'Bundled papers';

export class PaperLibrary implements vscode.Disposable {
  private loading: Promise<PaperCatalog> | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<PaperCatalog>();
  /** Fires after every (re)load with the new catalog. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly config: ConfigStore,
    private readonly output: vscode.OutputChannel,
  ) {
    this.disposables.push(
      config.onDidChange(() => {
        // Reload only if someone has asked for papers already; otherwise stay lazy.
        if (this.loading) void this.reload();
      }),
    );
  }

  /** The current catalog, loading it on first call. Never rejects: load failures become problems. */
  catalog(): Promise<PaperCatalog> {
    this.loading ??= this.load();
    return this.loading;
  }

  reload(): Promise<PaperCatalog> {
    this.loading = this.load();
    return this.loading;
  }

  private async load(): Promise<PaperCatalog> {
    const bundled = await this.readSource(vscode.Uri.joinPath(this.extensionUri, 'data', 'papers.json'), BUNDLED_INDEX_NAME);
    const userSources = await Promise.all(this.config.value.indexes.map((entry) => this.readUserIndex(entry)));
    const catalog = new PaperCatalog([bundled, ...userSources], this.config.value.keyTemplate);
    this.report(catalog);
    this.changeEmitter.fire(catalog);
    return catalog;
  }

  private readUserIndex(entry: string): Promise<IndexSource> {
    const uri = resolveIndexLocation(entry);
    if (!uri) {
      return Promise.resolve(failedSource(entry, `Cannot resolve the relative index path "${entry}": no workspace folder is open.`));
    }
    return this.readSource(uri);
  }

  private async readSource(uri: vscode.Uri, displayName?: string): Promise<IndexSource> {
    const location = uri.scheme === 'file' ? uri.fsPath : uri.toString();
    let text: string;
    try {
      text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    } catch (error) {
      return failedSource(location, describeReadError(error));
    }
    const parsed = parseIndexText(text, location);
    return {
      name: displayName ?? parsed.name ?? path.basename(location),
      location,
      papers: parsed.papers,
      problems: parsed.problems,
    };
  }

  private report(catalog: PaperCatalog): void {
    const counts = catalog.sources.map((source) => `${source.name}: ${source.papers.length} papers`).join('; ');
    this.output.appendLine(`[${new Date().toISOString()}] Loaded ${catalog.papers.length} papers (${counts}).`);
    for (const problem of catalog.problems) this.output.appendLine(formatProblem(problem));
    const { keyTemplateProblem } = this.config.value;
    if (keyTemplateProblem) {
      this.output.appendLine(keyTemplateProblem);
      void vscode.window.showWarningMessage(`Paper Lookup: ${keyTemplateProblem}`);
    }
    const errors = catalog.problems.filter((problem) => problem.severity === 'error');
    if (errors.length === 0) return;
    void vscode.window
      .showErrorMessage(summariseErrors(errors), 'Show Details')
      .then((choice) => choice && this.output.show(true));
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** Absolute paths (and `~/…`) as they are; relative ones against the first workspace folder. */
function resolveIndexLocation(entry: string): vscode.Uri | undefined {
  const expanded = entry.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
  if (path.isAbsolute(expanded)) return vscode.Uri.file(expanded);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, expanded) : undefined;
}

function failedSource(location: string, message: string): IndexSource {
  return {
    name: path.basename(location),
    location,
    papers: [],
    problems: [{ severity: 'error', file: location, line: 1, column: 1, message }],
  };
}

function describeReadError(error: unknown): string {
  if (error instanceof vscode.FileSystemError) {
    switch (error.code) {
      case 'FileNotFound':
        return 'Index file not found.';
      case 'FileIsADirectory':
        return 'Expected an index file but found a directory.';
      case 'NoPermissions':
        return 'No permission to read the index file.';
    }
  }
  return `Cannot read the index file: ${error instanceof Error ? error.message : String(error)}`;
}

/** One line for the notification: the first error in full, and how many more there are. */
function summariseErrors(errors: readonly IndexProblem[]): string {
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `Paper Lookup: ${path.basename(first.file)} line ${first.line}, column ${first.column}: ${first.message}${more}`;
}
