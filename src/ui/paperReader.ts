/**
 * The host side of the paper reader that the abstract panel and the side view share: what the reader is
 * sent for a paper (the paper, its related papers, whether it is on the reading list) and what the reader's
 * buttons do. Each webview host only adds how it shows a paper.
 */
import * as vscode from 'vscode';
import { bibliographyEntryFor } from '../bibtex/bibEntryCopy';
import type { LoadedPaper } from '../papers/paper';
import { isPaperLink, toPaperListItem, toPaperView } from '../protocol/paperView';
import type { HostMessage, ReaderMessage } from '../protocol/protocol';
import { inertBidi, plainForLabel, plainForMessage } from '../shared/untrustedText';
import { copyCitationKey } from './copyCitationKey';
import { insertCitation, type InsertServices } from './insertCitation';
import type { PaperLibrary } from './paperLibrary';
import type { ReadingList } from './readingList';
import { paperById, type ServerSearch } from './postgresSource';

export interface ReaderServices extends InsertServices {
  readonly library: PaperLibrary;
  readonly readingList: ReadingList;
  /** Shared catalogs, whose papers shown lately are found by id too. */
  readonly serverSearch?: ServerSearch;
}

export class PaperReader implements vscode.Disposable {
  private lastTextEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
    // Focusing a webview makes the active editor undefined; Insert must still target the editor the user left.
    if (editor) this.lastTextEditor = editor;
  });

  constructor(private readonly services: ReaderServices) {}

  /** A loaded paper, or a shared catalog's paper shown lately, by id; undefined when none has it (or the catalog failed to load). */
  async getPaper(paperId: string): Promise<LoadedPaper | undefined> {
    return paperById(this.services.library, this.services.serverSearch, paperId);
  }

  /** The reader's `show` message for a paper. */
  async showMessage(paper: LoadedPaper): Promise<HostMessage> {
    const catalog = await this.services.library.catalog();
    return {
      type: 'show',
      paper: toPaperView(paper),
      related: (await catalog.relatedPapers(paper)).map((related) => toPaperListItem(related)),
      saved: this.services.readingList.isSaved(paper.id),
    };
  }

  /** The reader's `reference` message for a paper, sent after its `show`; undefined if it cannot be formatted. */
  async referenceMessage(paper: LoadedPaper): Promise<HostMessage | undefined> {
    try {
      return { type: 'reference', paperId: paper.id, reference: inertBidi(await this.services.references.of(paper)) };
    } catch {
      // The reader shows the paper without it; Copy Formatted Reference reports what went wrong.
      return undefined;
    }
  }

  /**
   * Does what a reader message asks. `open` is the webview host's own way of showing a paper; opening
   * counts as using the paper, so it joins the recent papers.
   */
  async handle(message: ReaderMessage, open: (paper: LoadedPaper) => unknown): Promise<void> {
    const paper = await this.getPaper(message.paperId);
    if (!paper) return;
    const { readingList } = this.services;
    try {
      switch (message.type) {
        case 'open':
          await open(paper);
          await readingList.noteUsed(paper.id);
          return;
        case 'insertCitation':
          await insertCitation(this.lastTextEditor, paper, this.services);
          return;
        case 'addToBibliography':
          await vscode.commands.executeCommand('paperLookup.addToBibliography', {
            paperId: paper.id,
            ...(this.lastTextEditor ? { documentUri: this.lastTextEditor.document.uri.toString() } : {}),
          });
          return;
        case 'copyKey':
          await copyCitationKey(paper);
          return;
        case 'copyBibtex':
          await vscode.env.clipboard.writeText(`${await bibliographyEntryFor(paper, paper.key)}\n`);
          vscode.window.setStatusBarMessage(plainForLabel(`Copied the BibTeX entry for ${paper.key}`), 3000);
          return;
        case 'copyReference':
          await this.services.references.copy(paper);
          return;
        case 'saveToReadingList':
          await readingList.save(paper.id);
          return;
        case 'removeFromReadingList':
          await readingList.remove(paper.id);
          return;
        case 'openPdf':
        case 'showInZotero':
          // Commands of their own (./zotero.ts), also reachable from the picker and the palette.
          await vscode.commands.executeCommand(message.type === 'openPdf' ? 'paperLookup.openPdf' : 'paperLookup.showInZotero', paper.id);
          return;
        case 'openLink':
          // Only the https links built for this very paper: the webview shows index text and is not trusted.
          if (isPaperLink(paper, message.href)) await vscode.env.openExternal(vscode.Uri.parse(message.href, true));
          return;
        default:
          assertNever(message);
      }
    } catch (error) {
      void vscode.window.showErrorMessage(plainForMessage(`Paper Lookup: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled reader message: ${JSON.stringify(value)}`);
}
