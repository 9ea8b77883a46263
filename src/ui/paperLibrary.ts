/**
 * Loads the bundled index and the user's index files (JSON index files and .bib files, by path or glob)
 * into a `PaperCatalog`, lazily on first use, and reloads when `paperLookup.indexes` changes or one of
 * the files does. A status-bar item says how many papers came from where. Problems go to the "Paper Lookup" Output channel in full
 * and to one error notification per load; a broken file never stops the other indexes from loading.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigStore } from '../config';
import { PaperCatalog, type IndexSource } from '../index/catalog';
import { parseBibIndexText } from '../index/bibSource';
import { formatProblem, parseIndexText, type IndexProblem } from '../index/parseIndex';

export const BUNDLED_INDEX_NAME = 'Bundled papers';

/** Sources bigger than this together load with a cancellable notification instead of a status-bar spinner. */
const LARGE_SOURCES_BYTES = 8 * 1024 * 1024;

export class PaperLibrary implements vscode.Disposable {
  private loading: Promise<PaperCatalog> | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<PaperCatalog>();
  /** Fires after every (re)load with the new catalog. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly statusItem = vscode.window.createStatusBarItem('paperLookup.papers', vscode.StatusBarAlignment.Right, 100);
  private watchers: vscode.Disposable[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter, this.statusItem];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly config: ConfigStore,
    private readonly output: vscode.OutputChannel,
  ) {
    this.statusItem.name = 'Paper Lookup: loaded papers';
    this.statusItem.command = 'paperLookup.showIndexStatus';
    this.disposables.push(
      config.onDidChange(() => {
        // Reload only if someone has asked for papers already; otherwise stay lazy.
        if (this.loading) void this.reload();
      }),
    );
  }

  /** The current catalog, loading it on first call. Never rejects: load failures become problems. */
  catalog(): Promise<PaperCatalog> {
    this.loading ??= this.loadOrKeep(undefined);
    return this.loading;
  }

  reload(): Promise<PaperCatalog> {
    this.loading = this.loadOrKeep(this.loading);
    return this.loading;
  }

  /**
   * A cancelled load keeps the catalog that was there (searches never see a half-loaded one); a first load
   * that is cancelled still gives the bundled papers.
   */
  private async loadOrKeep(previous: Promise<PaperCatalog> | undefined): Promise<PaperCatalog> {
    const loaded = await this.load();
    if (loaded) {
      this.report(loaded);
      this.changeEmitter.fire(loaded);
      return loaded;
    }
    this.output.appendLine(`[${new Date().toISOString()}] Loading paper indexes was cancelled; ${previous ? 'the previous papers stay loaded' : 'only the bundled papers are loaded'}.`);
    return previous ?? new PaperCatalog([await this.readBundled()], this.config.value.keyTemplate);
  }

  private readBundled(): Promise<IndexSource> {
    return readSource(vscode.Uri.joinPath(this.extensionUri, 'data', 'papers.json'), BUNDLED_INDEX_NAME);
  }

  /** Reads every source; undefined when the user cancelled. */
  private async load(): Promise<PaperCatalog | undefined> {
    const entries = this.config.value.indexes;
    const located = await Promise.all(entries.map((entry) => locateIndexFiles(entry)));
    this.watch(entries);
    const files = located.flatMap((result) => ('files' in result ? result.files : []));
    const sizes = await Promise.all(files.map((uri) => fileSize(uri)));
    const large = sizes.reduce((total, size) => total + size, 0) > LARGE_SOURCES_BYTES;
    return vscode.window.withProgress(
      { location: large ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: 'Loading paper indexes', cancellable: large },
      async (progress, token) => {
        const bundled = await this.readBundled();
        const userSources: IndexSource[] = [];
        for (const [i, result] of located.entries()) {
          if ('problem' in result) {
            userSources.push(failedSource(entries[i], result.problem));
            continue;
          }
          for (const uri of result.files) {
            if (token.isCancellationRequested) return undefined;
            progress.report({ message: path.basename(uri.path), increment: 100 / Math.max(1, files.length) });
            userSources.push(await readSource(uri));
          }
        }
        return new PaperCatalog([bundled, ...userSources], this.config.value.keyTemplate);
      },
    );
  }

  /** Reload (debounced) when an index file changes, appears or goes away. */
  private watch(entries: readonly string[]): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = entries.flatMap((entry) => {
      const pattern = watchPattern(entry);
      if (!pattern) return [];
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const scheduleReload = (): void => {
        clearTimeout(this.reloadTimer);
        this.reloadTimer = setTimeout(() => void this.reload(), 300);
      };
      return [watcher, watcher.onDidChange(scheduleReload), watcher.onDidCreate(scheduleReload), watcher.onDidDelete(scheduleReload)];
    });
  }

  private report(catalog: PaperCatalog): void {
    const counts = catalog.sources.map((source) => `${source.name}: ${source.papers.length} papers`).join('; ');
    this.output.appendLine(`[${new Date().toISOString()}] Loaded ${catalog.papers.length} papers (${counts}).`);
    for (const problem of catalog.problems) this.output.appendLine(formatProblem(problem));
    this.updateStatus(catalog);
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

  private updateStatus(catalog: PaperCatalog): void {
    const errorCount = catalog.problems.filter((problem) => problem.severity === 'error').length;
    this.statusItem.text = `$(book) ${catalog.papers.length.toLocaleString('en-US')} papers${errorCount > 0 ? ` $(warning) ${errorCount}` : ''}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**Paper Lookup** — loaded papers\n\n');
    for (const source of catalog.sources) {
      const errors = source.problems.filter((problem) => problem.severity === 'error').length;
      tooltip.appendText(`${source.name}: ${source.papers.length.toLocaleString('en-US')} papers${errors > 0 ? `, ${errors} error${errors > 1 ? 's' : ''}` : ''}`);
      tooltip.appendMarkdown('  \n');
    }
    tooltip.appendMarkdown('\nClick for details.');
    this.statusItem.tooltip = tooltip;
    this.statusItem.show();
  }

  /** Shows the sources and their problems in the Output channel. */
  showStatus(): void {
    this.output.show(true);
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const disposable of [...this.disposables, ...this.watchers]) disposable.dispose();
  }
}

const GLOB_CHARACTERS = /[*?[\]{}]/;

/** Where a setting entry points: its base folder and the path or glob below it. */
function splitEntry(entry: string): { base: vscode.Uri; pattern: string } | undefined {
  const expanded = entry.replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
  if (path.isAbsolute(expanded)) {
    const segments = expanded.split(/[\\/]/);
    const firstGlob = segments.findIndex((segment) => GLOB_CHARACTERS.test(segment));
    const baseEnd = firstGlob < 0 ? segments.length - 1 : firstGlob;
    return { base: vscode.Uri.file(segments.slice(0, baseEnd).join('/') || '/'), pattern: segments.slice(baseEnd).join('/') };
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? { base: folder.uri, pattern: expanded.replace(/\\/g, '/') } : undefined;
}

/** The files a setting entry names: one path, or every match of a glob (sorted, so keys are stable). */
async function locateIndexFiles(entry: string): Promise<{ files: vscode.Uri[] } | { problem: string }> {
  const split = splitEntry(entry);
  if (!split) return { problem: `Cannot resolve the relative index path "${entry}": no workspace folder is open.` };
  if (!GLOB_CHARACTERS.test(split.pattern)) return { files: [vscode.Uri.joinPath(split.base, split.pattern)] };
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(split.base, split.pattern));
  if (files.length === 0) return { problem: `No index files match "${entry}".` };
  return { files: files.sort((a, b) => a.toString().localeCompare(b.toString())) };
}

function watchPattern(entry: string): vscode.RelativePattern | undefined {
  const split = splitEntry(entry);
  return split && new vscode.RelativePattern(split.base, split.pattern);
}

async function fileSize(uri: vscode.Uri): Promise<number> {
  try {
    return (await vscode.workspace.fs.stat(uri)).size;
  } catch {
    return 0;
  }
}

/** Reads one index file in the format its name says: `.bib` BibTeX, anything else our JSON schema. */
async function readSource(uri: vscode.Uri, displayName?: string): Promise<IndexSource> {
  const location = uri.scheme === 'file' ? uri.fsPath : uri.toString();
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    return failedSource(location, describeReadError(error));
  }
  const parsed = /\.bib$/i.test(uri.path) ? await parseBibIndexText(text, location) : parseIndexText(text, location);
  return {
    name: displayName ?? parsed.name ?? path.basename(location),
    location,
    papers: parsed.papers,
    problems: parsed.problems,
  };
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
