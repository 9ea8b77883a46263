/**
 * Small helpers the integration tests share: files in the fixture workspace, documents opened with the cursor
 * at a `$$CURSOR$$` marker, our settings set for one test, the extension's API, pressing Enter in our picker or
 * answering our question, and what an Output channel says.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PaperLookupApi } from '../../src/extension';

export const CURSOR_MARKER = '$$CURSOR$$';

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host must open the fixture workspace');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Writes the files to a folder of the workspace and returns their URIs by name. */
export async function writeProject(folder: string, files: Record<string, string>): Promise<Record<string, vscode.Uri>> {
  const uris: Record<string, vscode.Uri> = {};
  for (const [name, text] of Object.entries(files)) {
    uris[name] = workspaceFile(`${folder}/${name}`);
    await vscode.workspace.fs.writeFile(uris[name], new TextEncoder().encode(text));
  }
  return uris;
}

/** The text without its one `$$CURSOR$$` marker, and the marker's offset. */
export function withoutMarker(marked: string): { readonly text: string; readonly offset: number } {
  const offset = marked.indexOf(CURSOR_MARKER);
  assert.ok(offset >= 0 && marked.indexOf(CURSOR_MARKER, offset + 1) < 0, `exactly one ${CURSOR_MARKER} marker in ${JSON.stringify(marked)}`);
  return { text: marked.replace(CURSOR_MARKER, ''), offset };
}

/** Sets a `paperLookup.*` setting in the workspace; `undefined` resets it. */
export async function setSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('paperLookup').update(name, value, vscode.ConfigurationTarget.Workspace);
}

const EXTENSION_ID = 'paper-lookup.paper-lookup';

/** The API `activate` returns; fails the test when activation failed. */
export async function api(): Promise<PaperLookupApi> {
  const extension = vscode.extensions.getExtension<PaperLookupApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the test host`);
  const exports = await extension.activate();
  assert.ok(exports, 'activate() returned no API: activation failed');
  return exports;
}

/**
 * Runs a command that shows our picker and presses Enter in it: accepts the active item until the
 * command settles (accepting before the picker is visible does nothing, so retrying is safe).
 */
export function runPickerCommand<T>(command: string, ...args: unknown[]): Promise<T> {
  return runAccepting('workbench.action.acceptSelectedQuickOpenItem', command, args);
}

/**
 * Runs a command that asks a question in a notification and answers with its first button (the primary
 * action), as a user clicking it would; the newest notification is the one answered, so others are cleared first.
 */
export async function runAnsweringNotification<T>(command: string, ...args: unknown[]): Promise<T> {
  await vscode.commands.executeCommand('notifications.clearAll');
  return runAccepting('notification.acceptPrimaryAction', command, args);
}

/**
 * The quick fix titled `title` for `range`, once it is offered. VS Code cancels a code action request when the
 * document's diagnostics are set meanwhile (every check of a document sets them, and checks follow opening, the
 * papers loading and .bib changes), answering nothing or "Canceled": so it asks again, for at most about 10 s.
 */
export async function quickFix(uri: vscode.Uri, range: vscode.Range, title: string): Promise<vscode.CodeAction & { command: vscode.Command }> {
  let offered: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const actions = await Promise.resolve(vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)).catch((): vscode.CodeAction[] => []);
    const fix = actions.find((action) => action.title === title);
    if (fix?.command) return { ...fix, command: fix.command };
    offered = actions.map((action) => action.title);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`no quick fix "${title}"; offered: ${offered.join(' | ') || 'none'}`);
}

/** Runs `command`, running `accept` every 100 ms until it settles (for at most about 10 s). */
async function runAccepting<T>(accept: string, command: string, args: readonly unknown[]): Promise<T> {
  let settled = false;
  const result = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(() => {
    settled = true;
  });
  for (let attempt = 0; !settled && attempt < 100; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!settled) await vscode.commands.executeCommand(accept);
  }
  return result;
}

/** The files VS Code writes an extension's Output channel to, in this session's logs (beside the workspace). */
function outputChannelLogs(name: string): string[] {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const entryPath = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(entryPath);
      else if (entry.name.endsWith(`-${name}.log`)) found.push(entryPath);
    }
  };
  walk(path.join(path.dirname(folder.uri.fsPath), 'user-data', 'logs'));
  return found;
}

/** Everything the Output channel `name` has said, once it says `awaited` (or after about 10 s, for the assertion to tell). */
export async function outputChannelText(name: string, awaited: string): Promise<string> {
  const logged = (): string => outputChannelLogs(name).map((file) => readFileSync(file, 'utf8')).join('\n');
  let text = logged();
  for (let attempt = 0; attempt < 50 && !text.includes(awaited); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    text = logged();
  }
  return text;
}
