/**
 * Loads the bundled index and the user's index files (JSON index files, .bib files, and JSON Lines files in
 * the arXiv snapshot format — `.jsonl` / `.ndjson`, streamed —, by path or glob) into a `PaperCatalog`,
 * lazily on first use, and reloads when `paperLookup.indexes` changes or one of the files does. A
 * status-bar item says how many papers came from where. Problems go to the "Paper Lookup" Output channel
 * in full and to one error notification per load; a broken file never stops the other indexes from loading.
 *
 * VS Code glue only: settings and globs become sources, files are watched, progress shows in the status bar or a
 * cancellable notification, and the result goes to the status bar, the Output channel and notifications. How a
 * catalog is loaded — from the cache in the extension's global storage, in a worker thread, or in the host — is the
 * pure policy in src/catalog/loadCatalog.ts; which of overlapping loads is shown, and what a cancelled one keeps,
 * the one in src/catalog/catalogLoads.ts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BibParser } from '../bibtex/bibliography';
import type { ConfigStore } from '../config';
import { PaperCatalog } from '../catalog/catalog';
import { CatalogLoads } from '../catalog/catalogLoads';
import { catalogCacheIn, catalogWorkerRunner, formatBytes, loadCatalog, type SizedSource } from '../catalog/loadCatalog';
import { BUNDLED_INDEX_NAME, BUNDLED_INDEX_PATH } from '../sources/bundledSource';
import { missingSource, type IndexSource, type PaperSource } from '../sources/paperSource';
import { formatProblem, type IndexProblem } from '../sources/parseIndex';
import { loadSeverity, readingLabel } from '../catalog/sourceReport';
import { plainForLabel, plainForMessage, plainLine } from '../shared/untrustedText';
import { indexFileSource } from './indexFileReader';

/** Sources bigger than this together load with a cancellable notification instead of a status-bar spinner. */
const LARGE_SOURCES_BYTES = 8 * 1024 * 1024;
/** How long a catalog that is no longer shown stays usable before it is disposed (see `PaperLibrary.retire`). */
const RETIRED_CATALOG_GRACE_MS = 2 * 60 * 1000;

export class PaperLibrary implements vscode.Disposable {
  /** Which load's catalog is in use: the newest started, whenever the others finish (src/catalog/catalogLoads.ts). */
  private readonly loads: CatalogLoads<PaperCatalog>;
  /** Catalogs no longer shown, each with the timer that disposes it (see `retire`). */
  private readonly retiring = new Map<PaperCatalog, ReturnType<typeof setTimeout>>();
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
    /** Where the catalog cache lives (the extension's global storage); no cache without one on disk. */
    private readonly cacheFolder?: vscode.Uri,
    /** Parses .bib index files read in the host (off its thread in the extension); in the host when absent. */
    private readonly parseBib?: BibParser,
  ) {
    this.loads = new CatalogLoads({
      load: () => this.load(),
      bundled: async () => PaperCatalog.build([await this.readBundled()], this.config.value.keyTemplate),
      show: (catalog) => this.show(catalog),
      retire: (catalog) => this.retire(catalog),
      now: () => performance.now(),
      log: (line) => this.log(line),
    });
    this.statusItem.name = 'Paper Lookup: loaded papers';
    this.statusItem.command = 'paperLookup.showIndexStatus';
    this.disposables.push(
      config.onDidChange(() => {
        // Reload only if someone has asked for papers already; otherwise stay lazy.
        if (this.loads.started) void this.reload();
      }),
    );
  }

  /** How long the newest finished load took, from its start to a ready catalog. */
  get lastLoadMs(): number | undefined {
    return this.loads.lastLoadMs;
  }

  /** The current catalog, loading it on first call. Never rejects: load failures become problems. */
  catalog(): Promise<PaperCatalog> {
    return this.loads.catalog();
  }

  reload(): Promise<PaperCatalog> {
    return this.loads.reload();
  }

  /**
   * Puts a catalog in use: the status bar, the Output channel and a notification describe it, and searches and
   * views get it through `onDidChange` and `catalog()`. A catalog shown again is no longer disposed.
   */
  private show(catalog: PaperCatalog): void {
    clearTimeout(this.retiring.get(catalog));
    this.retiring.delete(catalog);
    this.report(catalog);
    this.changeEmitter.fire(catalog);
  }

  /**
   * Disposes a catalog no longer shown (closing its cache file) once whatever was still answering with it — a
   * search under way, a picker open across the reload — has had time to finish: a disposed catalog throws.
   */
  private retire(catalog: PaperCatalog): void {
    this.retiring.set(catalog, setTimeout(() => {
      this.retiring.delete(catalog);
      catalog.dispose();
    }, RETIRED_CATALOG_GRACE_MS));
  }

  private bundledSource(): PaperSource {
    return indexFileSource(vscode.Uri.joinPath(this.extensionUri, ...BUNDLED_INDEX_PATH), { displayName: BUNDLED_INDEX_NAME });
  }

  private async readBundled(): Promise<IndexSource> {
    // Never undefined: nothing can cancel this read.
    return (await this.bundledSource().read())!;
  }

  /** Loads every source (see src/catalog/loadCatalog.ts) with VS Code's progress UI; undefined when the user cancelled. */
  private async load(): Promise<PaperCatalog | undefined> {
    const { indexes: entries, keyTemplate, maxFileBytes } = this.config.value;
    const located = await Promise.all(entries.map((entry) => locateIndexFiles(entry)));
    // User files are read within the size limit, .bib files parsed off the host's thread.
    const options = { maxBytes: maxFileBytes, parseBib: this.parseBib };
    const sources = await Promise.all(
      located.flatMap((result, i): Promise<SizedSource>[] =>
        'problem' in result
          ? [Promise.resolve({ source: missingSource(entries[i], result.problem), bytes: 0 })]
          : result.files.map(async (uri) => ({ source: indexFileSource(uri, options), bytes: await fileSize(uri) })),
      ),
    );
    this.watch(entries, sources);
    const totalBytes = sources.reduce((total, { bytes }) => total + bytes, 0);
    const large = totalBytes > LARGE_SOURCES_BYTES;
    const cacheFolder = this.cacheFolder?.scheme === 'file' ? this.cacheFolder.fsPath : undefined;
    return vscode.window.withProgress(
      { location: large ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: 'Loading paper indexes', cancellable: large },
      async (progress, token) => {
        const cancelled = new AbortController();
        const onCancel = token.onCancellationRequested(() => cancelled.abort());
        try {
          return await loadCatalog(
            { bundled: this.bundledSource(), sources, keyTemplate },
            {
              cache: cacheFolder === undefined ? undefined : catalogCacheIn(cacheFolder),
              runWorker:
                cacheFolder === undefined
                  ? undefined
                  : catalogWorkerRunner(vscode.Uri.joinPath(this.extensionUri, 'dist', 'indexWorker.js').fsPath, { cacheFolder, maxFileBytes }),
              now: () => performance.now(),
              log: (line) => this.log(line),
              reportStep: (message) => progress.report({ message: plainForLabel(plainForMessage(message)) }),
              reportBytes: byteProgress(progress, totalBytes),
              signal: cancelled.signal,
            },
          );
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  private log(line: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${line}`);
  }

  /** Reload (debounced) when an index file changes, appears or goes away, or a source says it changed. */
  private watch(entries: readonly string[], sources: readonly SizedSource[]): void {
    for (const watcher of this.watchers) watcher.dispose();
    const scheduleReload = (): void => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void this.reload(), 300);
    };
    this.watchers = entries.flatMap((entry) => {
      const pattern = watchPattern(entry);
      if (!pattern) return [];
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      return [watcher, watcher.onDidChange(scheduleReload), watcher.onDidCreate(scheduleReload), watcher.onDidDelete(scheduleReload)];
    });
    for (const { source } of sources) if (source.onDidChange) this.watchers.push(source.onDidChange(scheduleReload));
  }

  private report(catalog: PaperCatalog): void {
    const counts = catalog.sources.map((source) => `${source.name}: ${source.paperCount} papers${source.reading ? `, ${readingLabel(source.reading)}` : ''}`).join('; ');
    this.log(`Loaded ${catalog.size} papers${catalog.fromCache ? ' from the index cache' : ''} (${counts}).`);
    for (const problem of catalog.problems) this.output.appendLine(formatProblem(problem));
    this.updateStatus(catalog);
    const { keyTemplateProblem } = this.config.value;
    if (keyTemplateProblem) {
      this.output.appendLine(keyTemplateProblem);
      void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${keyTemplateProblem}`));
    }
    const errors = catalog.problems.filter((problem) => problem.severity === 'error');
    if (errors.length === 0) return;
    void vscode.window
      .showErrorMessage(plainForMessage(summariseErrors(errors)), 'Show Details')
      .then((choice) => choice && vscode.commands.executeCommand('paperLookup.showIndexStatus'));
  }

  private updateStatus(catalog: PaperCatalog): void {
    // The icon matches the notification: an error icon with an error notification, a warning icon for warnings only.
    const severity = loadSeverity(catalog.problems);
    const flagged = catalog.problems.filter((problem) => problem.severity === severity).length;
    // eslint-disable-next-line no-restricted-syntax -- our own icons and numbers, nothing from a file
    this.statusItem.text = `$(book) ${catalog.size.toLocaleString('en-US')} papers${severity === 'ok' ? '' : ` $(${severity}) ${flagged}`}`;
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendMarkdown('**Paper Lookup** — loaded papers\n\n');
    for (const source of catalog.sources) {
      const errors = source.errorCount;
      tooltip.appendText(plainLine(`${source.name}: ${source.paperCount.toLocaleString('en-US')} papers${errors > 0 ? `, ${errors} error${errors > 1 ? 's' : ''}` : ''}`));
      tooltip.appendMarkdown('  \n');
    }
    tooltip.appendMarkdown('\nClick for the sources and their problems.');
    this.statusItem.tooltip = tooltip;
    this.statusItem.show();
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const disposable of [...this.disposables, ...this.watchers]) disposable.dispose();
    for (const [catalog, timer] of this.retiring) {
      clearTimeout(timer);
      catalog.dispose();
    }
    this.retiring.clear();
    this.loads.shown?.dispose();
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

/**
 * Reports reading progress as a share of all the bytes to read, with the file being read and how far the
 * whole load has got: "arxiv.jsonl (1.2 GB of 3.4 GB)".
 */
function byteProgress(progress: vscode.Progress<{ message?: string; increment?: number }>, totalBytes: number): (file: string, bytesRead: number) => void {
  let reportedPercent = 0;
  return (file, bytesRead) => {
    // Never backwards: a host build after a failed worker starts reading again from the first byte.
    const percent = Math.max(reportedPercent, totalBytes > 0 ? Math.min(100, (100 * bytesRead) / totalBytes) : 0);
    // A small load's progress shows in the status bar, which renders icons; a large one's in a notification, which
    // makes links (and shows the icon escape's backslash, in the rare file name with `$(…)` in it).
    progress.report({
      message: plainForLabel(plainForMessage(totalBytes > LARGE_SOURCES_BYTES ? `${file} (${formatBytes(bytesRead)} of ${formatBytes(totalBytes)})` : file)),
      increment: percent - reportedPercent,
    });
    reportedPercent = percent;
  };
}

async function fileSize(uri: vscode.Uri): Promise<number> {
  try {
    return (await vscode.workspace.fs.stat(uri)).size;
  } catch {
    return 0;
  }
}

/** One line for the notification: the first error in full, and how many more there are. */
function summariseErrors(errors: readonly IndexProblem[]): string {
  const [first] = errors;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  return `Paper Lookup: ${path.basename(first.file)} line ${first.line}, column ${first.column}: ${first.message}${more}`;
}
