/**
 * The reading list (papers saved to read later) and the recent papers (opened or cited lately), kept as
 * paper ids in `globalState` so they follow the user across workspaces and windows. Ids of papers whose
 * index is no longer loaded stay stored, so they come back when the index does.
 */
import * as vscode from 'vscode';
import { bibliographyFileFor } from '../bibtex/bibEntryCopy';
import type { PaperCatalog } from '../catalog/catalog';
import type { LoadedPaper } from '../papers/paper';
import { describeAuthorsAndYear } from '../protocol/paperView';
import { plainForLabel, plainForMessage } from '../shared/untrustedText';
import { mayWrite } from './bibliographies';

const SAVED_KEY = 'paperLookup.readingList';
const RECENT_KEY = 'paperLookup.recentPapers';
/** Enough to find last week's papers again; more would crowd the picker's first page. */
export const MAX_RECENT_PAPERS = 20;

export class ReadingList implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when the reading list or the recent papers change. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly state: vscode.Memento & { setKeysForSync(keys: readonly string[]): void }) {
    // Settings Sync carries the reading list to the user's other machines; recents are per machine.
    state.setKeysForSync([SAVED_KEY]);
  }

  /** Saved paper ids, most recently saved first. */
  get saved(): readonly string[] {
    return this.read(SAVED_KEY);
  }

  /** Recently opened or cited paper ids, most recent first. */
  get recent(): readonly string[] {
    return this.read(RECENT_KEY);
  }

  /** The reading list, then the recent papers not on it: the order the picker and the view list them in. */
  get familiarIds(): readonly string[] {
    const saved = this.saved;
    return [...saved, ...this.recent.filter((id) => !saved.includes(id))];
  }

  isSaved(paperId: string): boolean {
    return this.saved.includes(paperId);
  }

  /** Saves the paper; false when it was already on the list. */
  async save(paperId: string): Promise<boolean> {
    if (this.isSaved(paperId)) return false;
    await this.write(SAVED_KEY, [paperId, ...this.saved]);
    return true;
  }

  /** Removes the paper; false when it was not on the list. */
  async remove(paperId: string): Promise<boolean> {
    if (!this.isSaved(paperId)) return false;
    await this.write(SAVED_KEY, this.saved.filter((id) => id !== paperId));
    return true;
  }

  /** Records that the user opened or cited the paper. */
  async noteUsed(paperId: string): Promise<void> {
    if (this.recent[0] === paperId) return;
    await this.write(RECENT_KEY, [paperId, ...this.recent.filter((id) => id !== paperId)].slice(0, MAX_RECENT_PAPERS));
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private read(key: string): readonly string[] {
    const value = this.state.get<unknown>(key);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  }

  private async write(key: string, ids: readonly string[]): Promise<void> {
    await this.state.update(key, ids);
    this.changeEmitter.fire();
  }
}

/** Lets the user pick one paper of the reading list (for Remove); undefined when dismissed or the list is empty. */
export async function pickSavedPaper(readingList: ReadingList, catalog: PaperCatalog, title: string): Promise<LoadedPaper | undefined> {
  const papers = savedPapers(readingList, catalog).papers;
  if (papers.length === 0) {
    void vscode.window.showInformationMessage('Paper Lookup: your reading list is empty.');
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(
    papers.map((paper) => ({ paper, label: plainForLabel(paper.title), description: plainForLabel(describeAuthorsAndYear(paper) ?? '') })),
    { title, placeHolder: 'Type to filter your reading list', matchOnDescription: true },
  );
  return chosen?.paper;
}

/**
 * **Export Reading List as BibTeX…**: writes the saved papers to a .bib file, asking where unless `target`
 * is given. Resolves with the file written, or undefined when there was nothing to write or the user cancelled.
 */
export async function exportReadingList(readingList: ReadingList, catalog: PaperCatalog, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const { papers, missing } = savedPapers(readingList, catalog);
  if (papers.length === 0) {
    void vscode.window.showInformationMessage(plainForMessage(missing > 0
      ? `Paper Lookup: none of the ${missing} papers on your reading list is in the loaded indexes.`
      : 'Paper Lookup: your reading list is empty. Save papers to it from the side view, the abstract panel or the command palette.'));
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = target ?? await vscode.window.showSaveDialog({
    title: 'Export Reading List as BibTeX',
    saveLabel: 'Export',
    filters: { BibTeX: ['bib'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'reading-list.bib') } : {}),
  });
  if (!uri || !(await mayWrite(uri, target ? 'command' : 'saveDialog'))) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(await bibliographyFileFor(papers)));
  const skipped = missing > 0 ? ` (${missing} saved paper${missing > 1 ? 's are' : ' is'} not in the loaded indexes and left out)` : '';
  vscode.window.setStatusBarMessage(plainForLabel(`Exported ${papers.length} paper${papers.length > 1 ? 's' : ''} to ${vscode.workspace.asRelativePath(uri)}${skipped}`), 5000);
  return uri;
}

/** The saved papers the catalog has, in reading-list order, and how many saved ids it lacks. */
function savedPapers(readingList: ReadingList, catalog: PaperCatalog): { readonly papers: LoadedPaper[]; readonly missing: number } {
  const found = readingList.saved.map((id) => catalog.get(id));
  // Two saved ids can name one paper once the catalog merges copies of it from several indexes.
  const papers = [...new Map(found.filter((paper): paper is LoadedPaper => paper !== undefined).map((paper) => [paper.id, paper])).values()];
  return { papers, missing: found.filter((paper) => paper === undefined).length };
}
