/**
 * Live preview: the abstract of the paper the user is looking at, without their asking. While a paper
 * picker is open, the highlighted paper shows in the side view if it is visible, else in the abstract panel
 * if one is open. When the cursor rests on a citation key in Markdown or LaTeX, the side view shows it.
 */
import * as vscode from 'vscode';
import { citationAt } from '../citation/citationContext';
import type { LoadedPaper } from '../papers/paper';
import type { AbstractPanels } from './abstractPanel';
import { bibliographyLanguage } from './bibliographies';
import type { PaperLibrary } from './paperLibrary';
import type { PapersView } from './papersView';

/** How long the cursor must rest before the view follows it: moving through text must not flicker the view. */
const CURSOR_REST_MS = 300;

export class LivePreview implements vscode.Disposable {
  private cursorTimer: ReturnType<typeof setTimeout> | undefined;
  /** The paper last shown for the cursor, so resting on the same key again does not re-render the view. */
  private cursorPaperId: string | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly view: PapersView,
    private readonly panels: AbstractPanels,
    private readonly library: PaperLibrary,
  ) {
    this.subscription = vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => {
      clearTimeout(this.cursorTimer);
      this.cursorTimer = setTimeout(() => void this.showCitedPaper(textEditor), CURSOR_REST_MS);
    });
  }

  /** The picker's highlighted paper. */
  showPickerItem(paper: LoadedPaper): void {
    if (!this.view.show(paper)) this.panels.preview(paper);
  }

  dispose(): void {
    clearTimeout(this.cursorTimer);
    this.subscription.dispose();
  }

  private async showCitedPaper(editor: vscode.TextEditor): Promise<void> {
    const language = bibliographyLanguage(editor.document.languageId);
    if (!language || !this.view.visible || editor.document.isClosed) return;
    const text = editor.document.getText();
    const offset = editor.document.offsetAt(editor.selection.active);
    const citation = citationAt(text, offset, language);
    // The key under the cursor; elsewhere in the citation (its command, a locator) the first key.
    const cited = citation?.keys.find(({ range }) => range.start <= offset && offset <= range.end) ?? citation?.keys[0];
    if (!cited) {
      this.cursorPaperId = undefined;
      return;
    }
    const paper = (await this.library.catalog()).getByKey(cited.key);
    if (!paper || paper.id === this.cursorPaperId) return;
    this.cursorPaperId = paper.id;
    this.view.show(paper);
  }
}
