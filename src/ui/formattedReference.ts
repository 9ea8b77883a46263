/**
 * Formatted references in the extension: a paper's reference in the `paperLookup.citation.style` CSL style (see
 * src/citation/csl/), for Insert Citation in plain files, the hover, the reader, and **Papers: Copy Formatted
 * Reference**. The bundled styles are read from the extension's media/csl/; a .csl path in the setting is resolved
 * against the first workspace folder. A style that cannot be used is reported once per problem, naming the file,
 * and APA is used meanwhile.
 */
import * as vscode from 'vscode';
import { CslReferences } from '../citation/csl/cslReferences';
import { workerStyleCompiler } from '../citation/csl/cslWorker';
import type { ConfigStore } from '../config';
import type { Paper } from '../papers/paper';
import { plainForLabel, plainForMessage } from '../shared/untrustedText';
import { readRegularFile } from '../sources/regularFile';

export class FormattedReferences implements vscode.Disposable {
  private readonly references: CslReferences;
  /** Styles compile and render in a worker: a first compile takes citeproc-js seconds (src/citation/csl/cslWorker.ts). */
  private readonly styles: ReturnType<typeof workerStyleCompiler>;
  /** Problems already shown: a hover or a reader render must not repeat the message on every paper. */
  private readonly reported = new Set<string>();

  constructor(extensionUri: vscode.Uri, private readonly config: ConfigStore) {
    this.styles = workerStyleCompiler(vscode.Uri.joinPath(extensionUri, 'dist', 'indexWorker.js').fsPath);
    this.references = new CslReferences({
      compileStyle: this.styles.compileStyle,
      bundledFolder: vscode.Uri.joinPath(extensionUri, 'media', 'csl').fsPath,
      // The setting may name anything — a FIFO, a link to /dev/zero: only a regular file is read, and only up to the size limit.
      readFile: async (file) => new TextDecoder().decode(await readRegularFile(file, { maxBytes: config.value.maxFileBytes })),
    });
  }

  /** The paper's reference as plain text (text from index files: pass it through untrustedText where shown). */
  async of(paper: Paper): Promise<string> {
    const style = this.config.value.citation.style ?? '';
    const result = await this.references.reference(paper, style, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
    if (result.styleProblem && !this.reported.has(result.styleProblem)) {
      this.reported.add(result.styleProblem);
      void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${result.styleProblem} References are formatted in APA instead.`), 'Open Setting').then((open) =>
        open && vscode.commands.executeCommand('workbench.action.openSettings', 'paperLookup.citation.style'));
    }
    return result.text;
  }

  dispose(): void {
    this.styles.dispose();
  }

  /** Copies the paper's reference as plain text and confirms it in the status bar. */
  async copy(paper: Paper): Promise<void> {
    await vscode.env.clipboard.writeText(await this.of(paper));
    vscode.window.setStatusBarMessage(plainForLabel(`Copied the formatted reference for “${paper.title}”`), 3000);
  }
}
