/**
 * Puts a paper's citation into a text editor: at every cursor, replacing every selection, as one
 * undoable edit. Refuses, with a message and no change, when there is no editor or it is read-only.
 */
import * as vscode from 'vscode';
import { citationStyleFor, formatCitation } from '../citation/format';
import type { Config } from '../config';
import type { LoadedPaper } from '../index/paper';

export async function insertCitation(editor: vscode.TextEditor | undefined, paper: LoadedPaper, config: Config): Promise<boolean> {
  if (!editor) {
    void vscode.window.showWarningMessage('Paper Lookup: open a Markdown, LaTeX or other text file to insert a citation into.');
    return false;
  }
  const document = editor.document;
  if (document.isClosed) {
    void vscode.window.showWarningMessage(`Paper Lookup: ${describe(document)} has been closed; the citation was not inserted.`);
    return false;
  }
  if (vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) === false) {
    void vscode.window.showWarningMessage(`Paper Lookup: ${describe(document)} is read-only; the citation was not inserted.`);
    return false;
  }
  const text = formatCitation(paper, citationStyleFor(document.languageId), { plainTemplate: config.plainTemplate });
  const applied = await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, text);
  });
  if (!applied) {
    void vscode.window.showWarningMessage(`Paper Lookup: ${describe(document)} could not be edited; the citation was not inserted.`);
  }
  return applied;
}

function describe(document: vscode.TextDocument): string {
  return document.isUntitled ? 'the untitled document' : vscode.workspace.asRelativePath(document.uri);
}
