/**
 * Small helpers the integration tests share: files in the fixture workspace, documents opened with the cursor
 * at a `$$CURSOR$$` marker, our settings set for one test, the extension's API, and pressing Enter in our picker.
 */
import { strict as assert } from 'node:assert';
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
export async function runPickerCommand<T>(command: string, ...args: unknown[]): Promise<T> {
  let settled = false;
  const result = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(() => {
    settled = true;
  });
  for (let attempt = 0; !settled && attempt < 100; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return result;
}
