import * as vscode from 'vscode';
import type { LoadedPaper } from '../papers/paper';
import { plainForLabel } from '../shared/untrustedText';

/** Copies the paper's citation key and confirms it in the status bar (a notification would be noise). */
export async function copyCitationKey(paper: LoadedPaper): Promise<void> {
  await vscode.env.clipboard.writeText(paper.key);
  vscode.window.setStatusBarMessage(plainForLabel(`Copied citation key ${paper.key}`), 3000);
}
