/**
 * The Zotero library in VS Code: the one-time offer to use it, the watch that reloads the papers when Zotero changes its
 * database, and the Open PDF and Show in Zotero commands. VS Code glue over src/sources/zotero/: the library itself is
 * read as one more index file, which src/config.ts adds to `indexes` while `paperLookup.zotero.enabled` is true.
 *
 * The offer is made once, a few seconds after activation and off its path: when the data directory
 * (`paperLookup.zotero.dataDirectory`, `~/Zotero` by default) has a `zotero.sqlite` and the setting has no value yet.
 * The answer goes into the user settings; closing the message without answering is remembered too, so it is not asked
 * again, and the setting can still be changed by hand.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_SECTION, type ConfigStore } from '../config';
import type { LoadedPaper } from '../papers/paper';
import { countZoteroLibraryInWorker } from '../sources/zotero/countWorker';
import { BETTER_BIBTEX_DATABASE_FILE, isZoteroDatabasePath, ZOTERO_DATABASE_FILE } from '../sources/zotero/zoteroSource';
import { plainForLabel, plainForMessage } from '../shared/untrustedText';
import type { PaperLibrary } from './paperLibrary';

/** How long after activation the offer is looked into: activation itself never waits for it. */
const OFFER_DELAY_MS = 3000;
/** Zotero writes its log in bursts while the user works; one reload after the burst is enough. */
const RELOAD_DEBOUNCE_MS = 2000;
/** globalState key: the offer was shown and closed without an answer. */
const OFFER_DISMISSED = 'paperLookup.zotero.offerDismissed';

export interface ZoteroServices {
  readonly config: ConfigStore;
  readonly library: PaperLibrary;
  readonly globalState: vscode.Memento;
  readonly output: vscode.OutputChannel;
  /** The catalog worker's bundle, which counts a library's items off the extension host's thread. */
  readonly workerFile: string;
}

export function registerZotero(services: ZoteroServices): vscode.Disposable[] {
  const watch = new ZoteroWatch(services);
  const offerTimer = setTimeout(() => void offerZoteroLibrary(services), OFFER_DELAY_MS);
  return [
    watch,
    { dispose: () => clearTimeout(offerTimer) },
    vscode.commands.registerCommand('paperLookup.useZoteroLibrary', () => offerZoteroLibrary(services, true)),
    vscode.commands.registerCommand('paperLookup.openPdf', (paperId?: unknown) => withPaper(services.library, paperId, openPdf)),
    vscode.commands.registerCommand('paperLookup.showInZotero', (paperId?: unknown) => withPaper(services.library, paperId, showInZotero)),
  ];
}

/**
 * Offers the Zotero library if there is one and the user has not answered (`askAgain`: whatever the earlier answer, for
 * the Use Zotero Library command); resolves with the answer given.
 */
async function offerZoteroLibrary({ config, globalState, output, workerFile }: ZoteroServices, askAgain = false): Promise<boolean | undefined> {
  const { zoteroEnabled, zoteroDatabase } = config.value;
  if (!askAgain && (zoteroEnabled !== undefined || globalState.get<boolean>(OFFER_DISMISSED))) return undefined;
  if (!existsSync(zoteroDatabase)) {
    if (askAgain) void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: no Zotero library at ${zoteroDatabase}. Set paperLookup.zotero.dataDirectory to Zotero's data directory.`));
    return undefined;
  }
  let count: number;
  try {
    count = await countZoteroLibraryInWorker(workerFile, zoteroDatabase);
  } catch (error) {
    const reason = `The Zotero library ${zoteroDatabase} cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    output.appendLine(reason);
    if (askAgain) void vscode.window.showErrorMessage(plainForMessage(`Paper Lookup: ${reason}`));
    return undefined;
  }
  const use = 'Use Zotero Library';
  const dontUse = "Don't Use";
  const answer = await vscode.window.showInformationMessage(
    plainForMessage(`Use your Zotero library (${count.toLocaleString('en-US')} items)? Paper Lookup reads it from ${path.dirname(zoteroDatabase)} and never changes it.`),
    use,
    dontUse,
  );
  if (answer === undefined) {
    await globalState.update(OFFER_DISMISSED, true);
    return undefined;
  }
  await vscode.workspace.getConfiguration(CONFIG_SECTION).update('zotero.enabled', answer === use, vscode.ConfigurationTarget.Global);
  return answer === use;
}

/**
 * Reloads the papers when a Zotero library in the indexes changes: its `-wal`, where a running Zotero writes, and Better
 * BibTeX's database beside it (the index file's own watcher sees the database itself).
 */
class ZoteroWatch implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly services: ZoteroServices) {
    this.subscription = services.config.onDidChange(() => this.watch());
    this.watch();
  }

  private watch(): void {
    for (const watcher of this.watchers) watcher.dispose();
    const folders = new Set(this.services.config.value.indexes.filter((entry) => isZoteroDatabasePath(entry) && path.isAbsolute(entry)).map((entry) => path.dirname(entry)));
    this.watchers = [...folders].flatMap((folder) => {
      const pattern = new vscode.RelativePattern(vscode.Uri.file(folder), `{${ZOTERO_DATABASE_FILE}-wal,${BETTER_BIBTEX_DATABASE_FILE},${BETTER_BIBTEX_DATABASE_FILE}-wal}`);
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      const reload = (): void => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.services.library.reload(), RELOAD_DEBOUNCE_MS);
      };
      return [watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload)];
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    for (const watcher of this.watchers) watcher.dispose();
  }
}

async function withPaper<T>(library: PaperLibrary, paperId: unknown, action: (paper: LoadedPaper) => Promise<T>): Promise<T | undefined> {
  const paper = typeof paperId === 'string' ? (await library.catalog()).get(paperId) : undefined;
  if (!paper) {
    void vscode.window.showInformationMessage('Paper Lookup: open a paper from your Zotero library in the abstract panel or the Papers view, then use its Open PDF or Show in Zotero button.');
    return undefined;
  }
  return action(paper);
}

/** Whether an installed extension opens PDF files in VS Code (a custom editor for `*.pdf`). */
function hasPdfViewer(): boolean {
  return vscode.extensions.all.some((extension) => {
    const editors: unknown = extension.packageJSON?.contributes?.customEditors;
    return Array.isArray(editors) && editors.some((editor) => Array.isArray(editor?.selector) && editor.selector.some((selector: { filenamePattern?: unknown }) => typeof selector?.filenamePattern === 'string' && /\.pdf\b/i.test(selector.filenamePattern)));
  });
}

/**
 * Opens the paper's PDF in VS Code when a PDF viewer extension is installed, else with the system's viewer; resolves
 * with the file opened and where, or undefined when there is none.
 */
async function openPdf(paper: LoadedPaper): Promise<{ file: string; openedIn: 'editor' | 'system viewer' } | undefined> {
  if (!paper.pdfFile) {
    void vscode.window.showInformationMessage(plainForMessage(`Paper Lookup: "${paper.title}" has no PDF attachment in Zotero.`));
    return undefined;
  }
  if (!existsSync(paper.pdfFile)) {
    void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: the PDF of "${paper.title}" is not at ${paper.pdfFile} (Zotero may not have downloaded it to this computer).`));
    return undefined;
  }
  const uri = vscode.Uri.file(paper.pdfFile);
  const inEditor = hasPdfViewer();
  if (inEditor) await vscode.commands.executeCommand('vscode.open', uri);
  else await vscode.env.openExternal(uri);
  vscode.window.setStatusBarMessage(plainForLabel(`Opened ${path.basename(paper.pdfFile)}`), 3000);
  return { file: paper.pdfFile, openedIn: inEditor ? 'editor' : 'system viewer' };
}

async function showInZotero(paper: LoadedPaper): Promise<boolean> {
  if (!paper.zoteroLink?.startsWith('zotero://select/')) {
    void vscode.window.showInformationMessage(plainForMessage(`Paper Lookup: "${paper.title}" is not from a Zotero library.`));
    return false;
  }
  return vscode.env.openExternal(vscode.Uri.parse(paper.zoteroLink, true));
}
