/**
 * The lint rule that keeps text from files from reaching VS Code's messages, labels and status bar without the
 * untrusted-text helper (eslint.config.mjs): run with the project's own config on code placed in src/ui/, it
 * flags every way around the helper and lets the helper's results and literals through.
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { ESLint } from 'eslint';

const root = path.join(__dirname, '..', '..');

/** The rule's messages for `code` as if it were a file in src/ui/. */
async function untrustedTextProblems(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, 'src', 'ui', 'lintProbe.ts') });
  return result.messages.filter((message) => message.ruleId === 'no-restricted-syntax').map((message) => message.message);
}

const PRELUDE = `
import * as vscode from 'vscode';
import { plainForLabel, plainForMessage, plainLine } from '../shared/untrustedText';
declare const paper: { title: string; key: string };
declare const statusItem: vscode.StatusBarItem;
declare const progress: vscode.Progress<{ message?: string }>;
const NO_EDITOR = 'Paper Lookup: open an editor.';
`;

describe('lint rule: text from files goes through the untrusted-text helper', function () {
  this.timeout(60_000);

  const bypasses: Record<string, string> = {
    'a template literal as a notification': 'void vscode.window.showWarningMessage(`Add ${paper.title}?`);',
    'a concatenation as an error message': "void vscode.window.showErrorMessage('Could not add ' + paper.key);",
    'a variable holding a message': 'const question = `Add ${paper.title}?`; void vscode.window.showInformationMessage(question);',
    'a property of the data as the message': 'void vscode.window.showInformationMessage(paper.title);',
    'the wrong helper for a notification': 'void vscode.window.showInformationMessage(String(paper.title));',
    'a modal detail': "void vscode.window.showWarningMessage('Add it?', { modal: true, detail: `to ${paper.key}` });",
    'a status bar message': 'vscode.window.setStatusBarMessage(`Copied ${paper.key}`, 3000);',
    'a progress message': 'progress.report({ message: paper.title });',
    'a progress message made safe for the status bar only': 'progress.report({ message: plainForLabel(paper.title) });',
    'a progress title': 'void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Loading ${paper.title}` }, async () => undefined);',
    'a tree item label': 'new vscode.TreeItem(paper.title);',
    'a diagnostic message': 'new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), `Unknown citation key "${paper.key}"`);',
    'a quick pick label': 'void vscode.window.showQuickPick([{ label: paper.title }]);',
    'a quick pick detail from a conditional': "void vscode.window.showQuickPick([{ label: 'x', detail: paper.key ? paper.title : undefined }]);",
    'status bar text': 'statusItem.text = paper.title;',
  };
  for (const [name, code] of Object.entries(bypasses)) {
    it(`flags ${name}`, async () => {
      assert.equal((await untrustedTextProblems(PRELUDE + code)).length, 1, code);
    });
  }

  it('lets literals, constants and the helper through', async () => {
    const safe = `
      void vscode.window.showWarningMessage(NO_EDITOR);
      void vscode.window.showWarningMessage('Paper Lookup: your reading list is empty.', 'OK');
      void vscode.window.showInformationMessage(plainForMessage(\`Add “\${paper.title}” to refs.bib?\`), 'Add', 'Not Now');
      void vscode.window.showWarningMessage('Add it?', { modal: true, detail: plainForMessage(paper.key) });
      vscode.window.setStatusBarMessage(plainForLabel(\`Copied \${paper.key}\`), 3000);
      progress.report({ message: plainForLabel(plainForMessage(paper.title)) });
      void vscode.window.showQuickPick([{ label: plainForLabel(paper.title), description: plainForLabel(paper.key), detail: '' }]);
      statusItem.text = plainForLabel(paper.title);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Loading paper indexes' }, async () => undefined);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: plainForLabel(plainForMessage(paper.title)) }, async () => undefined);
      new vscode.TreeItem(plainForLabel(paper.title), vscode.TreeItemCollapsibleState.None);
      new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), plainLine(\`Unknown citation key "\${paper.key}"\`), vscode.DiagnosticSeverity.Warning);
    `;
    assert.deepEqual(await untrustedTextProblems(PRELUDE + safe), []);
  });
});
