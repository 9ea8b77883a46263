/**
 * Loads the bundled index and the user's index files (JSON index files, .bib files, and JSON Lines files in
 * the arXiv snapshot format — `.jsonl` / `.ndjson`, streamed —, by path or glob) into a `PaperCatalog`,
 * lazily on first use, and reloads when `paperLookup.indexes` changes or one of the files does. A
 * status-bar item says how many papers came from where. Problems go to the "Paper Lookup" Output channel
 * in full and to one error notification per load; a broken file never stops the other indexes from loading.
 *
 * The catalog is built in slices (PaperCatalog.build), so the extension host never stalls for long while
 * it loads; until it is ready, searches get the previous catalog. When the index files are big, the built
 * catalog is cached in the extension's global storage (src/catalog/indexCache.ts) and the next load with
 * unchanged files reads it from there; a cache that cannot be used is logged and rebuilt. Big files on
 * disk are built in a worker thread (src/catalog/catalogWorker.ts), which writes the cache that the host
 * then reads: the slices above still let garbage collection block the host for 0.2–0.4 s at 100,000
 * papers. When the worker fails, the host builds the catalog itself.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BibParser } from '../bibtex/bibliography';
import type { ConfigStore } from '../config';
import { PaperCatalog, withFailedSources } from '../catalog/catalog';
import type { IndexSource } from '../sources/paperSource';
import { isOutOfMemory, runCatalogWorker } from '../catalog/catalogWorker';
import { runCooperatively } from '../shared/cooperative';
import { cacheFileFor, readCatalogCache, stampSources, writeCatalogCache, type CacheKey } from '../catalog/indexCache';
import { LatestWins } from '../shared/latestWins';
import { formatProblem, type IndexProblem } from '../sources/parseIndex';
import { loadSeverity } from '../catalog/sourceReport';
import { failedSource, limitsFor } from '../sources/sourceFiles';
import { plainForLabel, plainForMessage, plainLine } from '../shared/untrustedText';
import { locationOf, readIndexFile, type ReadOptions } from './indexFileReader';

export const BUNDLED_INDEX_NAME = 'Bundled papers';

/** Sources bigger than this together load with a cancellable notification instead of a status-bar spinner. */
const LARGE_SOURCES_BYTES = 8 * 1024 * 1024;
/** Index files smaller than this together load in well under a second: caching them would gain nothing. */
const CACHED_SOURCES_BYTES = 1024 * 1024;

export class PaperLibrary implements vscode.Disposable {
  private loading: Promise<PaperCatalog> | undefined;
  /** Only the newest load started shows its catalog and problems, whenever the others finish. */
  private readonly loads = new LatestWins();
  /** The catalog the status bar and the last notification describe. */
  private shown: PaperCatalog | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<PaperCatalog>();
  /** Fires after every (re)load with the new catalog. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly statusItem = vscode.window.createStatusBarItem('paperLookup.papers', vscode.StatusBarAlignment.Right, 100);
  private watchers: vscode.Disposable[] = [];
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter, this.statusItem];
  /** How long the newest finished load took, from its start to a ready catalog. */
  lastLoadMs: number | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly config: ConfigStore,
    private readonly output: vscode.OutputChannel,
    /** Where the catalog cache lives (the extension's global storage); no cache without one on disk. */
    private readonly cacheFolder?: vscode.Uri,
    /** Parses .bib index files read in the host (off its thread in the extension); in the host when absent. */
    private readonly parseBib?: BibParser,
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
   * that is cancelled still gives the bundled papers. A load that a later one has superseded shows nothing
   * (see `LatestWins`); it still resolves, with its own catalog, for whoever awaited it.
   */
  private async loadOrKeep(previous: Promise<PaperCatalog> | undefined): Promise<PaperCatalog> {
    const isNewest = this.loads.begin();
    const started = performance.now();
    const loaded = await this.load();
    if (loaded) {
      if (isNewest()) {
        this.lastLoadMs = performance.now() - started;
        this.show(loaded);
      }
      return loaded;
    }
    if (isNewest()) this.log(`Loading paper indexes was cancelled; ${previous ? 'the previous papers stay loaded' : 'only the bundled papers are loaded'}.`);
    const kept = await (previous ?? PaperCatalog.build([await this.readBundled()], this.config.value.keyTemplate));
    // The kept catalog may be one a superseded load never showed.
    if (isNewest() && kept !== this.shown) this.show(kept);
    return kept;
  }

  private show(catalog: PaperCatalog): void {
    this.shown = catalog;
    this.report(catalog);
    this.changeEmitter.fire(catalog);
  }

  private async readBundled(): Promise<IndexSource> {
    // Never undefined: only JSON Lines reads can be cancelled.
    return (await readIndexFile(this.bundledUri(), { displayName: BUNDLED_INDEX_NAME }))!;
  }

  /** How the user's index files are read in the host: within the size limit, .bib files parsed off its thread. */
  private readOptions(): Pick<ReadOptions, 'maxBytes' | 'parseBib'> {
    return { maxBytes: this.config.value.maxFileBytes, parseBib: this.parseBib };
  }

  /** Reads every source; undefined when the user cancelled. */
  private async load(): Promise<PaperCatalog | undefined> {
    const entries = this.config.value.indexes;
    const located = await Promise.all(entries.map((entry) => locateIndexFiles(entry)));
    this.watch(entries);
    const files = located.flatMap((result) => ('files' in result ? result.files : []));
    const sizes = new Map(await Promise.all(files.map(async (uri) => [uri.toString(), await fileSize(uri)] as const)));
    const totalBytes = [...sizes.values()].reduce((total, size) => total + size, 0);
    const large = totalBytes > LARGE_SOURCES_BYTES;
    return vscode.window.withProgress(
      { location: large ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window, title: 'Loading paper indexes', cancellable: large },
      async (progress, token) => {
        const cacheable = totalBytes >= CACHED_SOURCES_BYTES ? await this.cacheable(files) : undefined;
        const reportBytes = byteProgress(progress, totalBytes);
        if (cacheable) {
          // Entries that name no file and files that cannot be read are reported, and the rest still come
          // from the cache, or the worker: one missing file must not make every start build in the host.
          const failed: IndexSource[] = located.flatMap((result, i) => ('problem' in result ? [failedSource(entries[i], result.problem)] : []));
          for (const uri of cacheable.unreadable) {
            const source = await readIndexFile(uri, { ...this.readOptions(), cancellation: token });
            if (!source) return undefined;
            failed.push(source);
          }
          // A file that could not be stamped but reads now (it appeared meanwhile) has papers the cache lacks:
          // this load reads every file in the host, and the next one can use the cache.
          if (failed.every((source) => source.papers.length === 0)) {
            progress.report({ message: 'reading the index cache' });
            const cached = await this.readCache(cacheable.key, failed);
            if (cached) return cached;
            const built = await this.buildInWorker(cacheable.key, cacheable.files, failed, sizes, reportBytes, token);
            if (built.status === 'cancelled') return undefined;
            if (built.status === 'built') return built.catalog;
            if (built.status === 'out of memory') {
              // Not in the host either: it would run out of memory too, and take every extension down with it.
              const message = `Not loaded: building the search index of ${cacheable.files.map((uri) => path.basename(uri.path)).join(', ')} (${formatBytes(totalBytes)}) ran out of memory. Use a smaller index file, or fewer.`;
              const tooBig = cacheable.files.map((uri) => failedSource(locationOf(uri), message));
              return PaperCatalog.build([await this.readBundled(), ...failed, ...tooBig], this.config.value.keyTemplate);
            }
          }
        }
        const bundled = await this.readBundled();
        const userSources: IndexSource[] = [];
        let bytesBefore = 0;
        for (const [i, result] of located.entries()) {
          if ('problem' in result) {
            userSources.push(failedSource(entries[i], result.problem));
            continue;
          }
          for (const uri of result.files) {
            if (token.isCancellationRequested) return undefined;
            const name = path.basename(uri.path);
            reportBytes(name, bytesBefore);
            const source = await readIndexFile(uri, { ...this.readOptions(), cancellation: token, onBytesRead: (bytes) => reportBytes(name, bytesBefore + bytes) });
            if (!source) return undefined;
            userSources.push(source);
            bytesBefore += sizes.get(uri.toString()) ?? 0;
          }
        }
        progress.report({ message: 'building the search index' });
        const catalog = await PaperCatalog.build([bundled, ...userSources], this.config.value.keyTemplate);
        // Only a catalog of the cacheable files alone is the catalog the cache key names.
        if (cacheable && cacheable.unreadable.length === 0 && located.every((result) => 'files' in result)) void this.writeCache(cacheable.key, catalog);
        return catalog;
      },
    );
  }

  private bundledUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'data', 'papers.json');
  }

  /**
   * The files of these that can be cached, and what their cached catalog must have been built from;
   * `unreadable`: the files that cannot be stamped — missing, not regular files, or over the size limit —, left
   * out of the cache and the worker and reported when read in the host. Undefined
   * when nothing can be cached (files that are not on disk, or no cache folder on disk).
   */
  private async cacheable(files: readonly vscode.Uri[]): Promise<{ key: CacheKey; files: vscode.Uri[]; unreadable: vscode.Uri[] } | undefined> {
    const sources = [this.bundledUri(), ...files];
    if (this.cacheFolder?.scheme !== 'file' || sources.some((uri) => uri.scheme !== 'file')) return undefined;
    const { maxFileBytes } = this.config.value;
    const stamps = await Promise.all(sources.map((uri) => stampSources([uri.fsPath], limitsFor(uri.fsPath, maxFileBytes)).then(([stamp]) => stamp, () => undefined)));
    if (!stamps[0]) return undefined;
    const readable = files.filter((_, i) => stamps[i + 1] !== undefined);
    return {
      key: { keyTemplate: this.config.value.keyTemplate, sources: stamps.filter((stamp) => stamp !== undefined) },
      files: readable,
      unreadable: files.filter((_, i) => stamps[i + 1] === undefined),
    };
  }

  /**
   * The catalog cached for `key`, with the `failed` sources added (see `withFailedSources`). `builtNow`: the
   * cache was written from the index files during this load, by the worker.
   */
  private async readCache(key: CacheKey, failed: readonly IndexSource[], builtNow = false): Promise<PaperCatalog | undefined> {
    const file = cacheFileFor(this.cacheFolder!.fsPath, key);
    const started = performance.now();
    const cached = await runCooperatively(readCatalogCache(file, key));
    if (cached.status === 'hit') {
      this.log(`Read ${cached.contents.papers.size} papers from the index cache ${file} in ${Math.round(performance.now() - started)} ms.`);
      return PaperCatalog.fromContents(withFailedSources({ ...cached.contents, fromCache: !builtNow }, failed));
    }
    if (cached.status === 'rejected') this.log(`Ignoring the index cache ${file}: ${cached.reason} Rebuilding it from the index files.`);
    return undefined;
  }

  /**
   * Builds the catalog of these files (all on disk) in a worker thread, which writes it to the cache, and
   * loads it from there. `failed` (logged) leaves the build to the host.
   */
  private async buildInWorker(
    key: CacheKey,
    files: readonly vscode.Uri[],
    failed: readonly IndexSource[],
    sizes: ReadonlyMap<string, number>,
    reportBytes: (file: string, bytesRead: number) => void,
    token: vscode.CancellationToken,
  ): Promise<{ status: 'built'; catalog: PaperCatalog } | { status: 'cancelled' | 'failed' | 'out of memory' }> {
    // Progress over all files: each file's bytes count after the bytes of the files before it.
    const bytesBefore = new Map<string, number>();
    let total = 0;
    for (const uri of files) {
      bytesBefore.set(uri.fsPath, total);
      total += sizes.get(uri.toString()) ?? 0;
    }
    const cancelled = new AbortController();
    const onCancel = token.onCancellationRequested(() => cancelled.abort());
    const started = performance.now();
    try {
      const cacheFile = await runCatalogWorker(
        vscode.Uri.joinPath(this.extensionUri, 'dist', 'indexWorker.js').fsPath,
        {
          bundled: { file: this.bundledUri().fsPath, displayName: BUNDLED_INDEX_NAME },
          files: files.map((uri) => uri.fsPath),
          keyTemplate: this.config.value.keyTemplate,
          maxFileBytes: this.config.value.maxFileBytes,
          cacheFolder: this.cacheFolder!.fsPath,
          key,
        },
        {
          onBytesRead: (file, bytesRead) => {
            const before = bytesBefore.get(file);
            if (before !== undefined) reportBytes(path.basename(file), before + bytesRead);
          },
          signal: cancelled.signal,
        },
      );
      if (cacheFile === undefined) return { status: 'cancelled' };
      const names = files.map((uri) => path.basename(uri.path)).join(', ');
      this.log(`Built the catalog of ${names} in a background worker in ${Math.round(performance.now() - started)} ms and wrote it to the index cache ${cacheFile}.`);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (isOutOfMemory(error)) {
        this.log(`Building the catalog in a background worker ran out of memory: ${reason}`);
        return { status: 'out of memory' };
      }
      this.log(`Building the catalog in a background worker failed, so the extension host builds it: ${reason}`);
      return { status: 'failed' };
    } finally {
      onCancel.dispose();
    }
    const catalog = await this.readCache(key, failed, true);
    if (catalog) return { status: 'built', catalog };
    this.log('The index cache the background worker wrote cannot be read, so the extension host builds the catalog.');
    return { status: 'failed' };
  }

  private async writeCache(key: CacheKey, catalog: PaperCatalog): Promise<void> {
    const started = performance.now();
    try {
      const file = await writeCatalogCache(this.cacheFolder!.fsPath, key, catalog.contents);
      this.log(`Wrote the index cache ${file} in ${Math.round(performance.now() - started)} ms.`);
    } catch (error) {
      // Only the next start is slower: not worth bothering the user.
      this.log(`Could not write the index cache: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private log(line: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${line}`);
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
    const counts = catalog.sources.map((source) => `${source.name}: ${source.paperCount} papers`).join('; ');
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

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
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
