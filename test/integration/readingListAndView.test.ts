/**
 * The reading list commands, the recent papers, and the side view in the real extension host: the view's
 * provider resolves when VS Code shows the view, it gets the panel's strict CSP, and the live preview
 * shows the picker's highlighted paper and the paper cited under the cursor.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { PaperLookupApi } from '../../src/extension';
import { api, runPickerCommand, workspaceFile } from './helpers';

const POINTER_NETWORKS = 'pointer-networks';
const S4 = 'efficiently-modeling-long-sequences-with-structured-state-spaces';

/** Polls until `read` returns something truthy; fails with `what` after the timeout. */
async function waitFor<T>(what: string, read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function emptyReadingList(extension: PaperLookupApi): Promise<void> {
  for (const paperId of extension.readingList().saved) {
    await vscode.commands.executeCommand('paperLookup.removeFromReadingList', { paperId });
  }
}

describe('Reading list', function () {
  this.timeout(30_000);
  let extension: PaperLookupApi;

  beforeEach(async () => {
    extension = await api();
    await emptyReadingList(extension);
  });

  afterEach(async () => {
    await emptyReadingList(extension);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('saves a paper once, most recently saved first, and removes it', async () => {
    assert.equal(await vscode.commands.executeCommand('paperLookup.saveToReadingList', { paperId: POINTER_NETWORKS }), true);
    assert.equal(await vscode.commands.executeCommand('paperLookup.saveToReadingList', { paperId: S4 }), true);
    await vscode.commands.executeCommand('paperLookup.saveToReadingList', { paperId: POINTER_NETWORKS });
    assert.deepEqual(extension.readingList().saved, [S4, POINTER_NETWORKS]);

    assert.equal(await vscode.commands.executeCommand('paperLookup.removeFromReadingList', { paperId: S4 }), true);
    assert.equal(await vscode.commands.executeCommand('paperLookup.removeFromReadingList', { paperId: S4 }), false);
    assert.deepEqual(extension.readingList().saved, [POINTER_NETWORKS]);
  });

  it('exports the reading list as a .bib file that holds every saved paper', async () => {
    await vscode.commands.executeCommand('paperLookup.saveToReadingList', { paperId: POINTER_NETWORKS });
    await vscode.commands.executeCommand('paperLookup.saveToReadingList', { paperId: S4 });
    const target = workspaceFile('exported-reading-list.bib');
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('paperLookup.exportReadingList', target);
    assert.equal(written?.toString(), target.toString());
    const bib = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
    const keys = [...bib.matchAll(/^@\w+\{([^,]+),$/gm)].map((match) => match[1]);
    assert.deepEqual(keys, ['guEfficientlyModelingLong2021', 'vinyalsPointerNetworks2015']);
    assert.match(bib, /title = \{Pointer Networks\}/);
    await vscode.workspace.fs.delete(target);
  });

  it('writes nothing when the reading list is empty', async () => {
    const target = workspaceFile('empty-reading-list.bib');
    assert.equal(await vscode.commands.executeCommand('paperLookup.exportReadingList', target), undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(target)));
  });

  it('counts opened and cited papers as recent, and the picker offers them first for an empty query', async () => {
    await vscode.commands.executeCommand('paperLookup.showAbstract', S4);
    const document = await vscode.workspace.openTextDocument({ content: 'See ', language: 'markdown' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(document.positionAt(4), document.positionAt(4));
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: POINTER_NETWORKS }), true);
    assert.deepEqual(extension.readingList().recent.slice(0, 2), [POINTER_NETWORKS, S4]);

    // Enter in the Save picker, with nothing typed, takes the first item: the paper cited last.
    assert.equal(await runPickerCommand<boolean>('paperLookup.saveToReadingList'), true);
    assert.deepEqual(extension.readingList().saved, [POINTER_NETWORKS]);
  });
});

describe('Side view', function () {
  this.timeout(30_000);
  let extension: PaperLookupApi;

  before(async () => {
    extension = await api();
    await vscode.commands.executeCommand('paperLookup.papersView.focus');
    await waitFor('the side view to resolve', () => extension.papersView());
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
  });

  it('is provided by the extension, with the same strict nonce CSP as the abstract panel', async () => {
    const view = extension.papersView();
    assert.ok(view);
    assert.match(view.html, /<body data-webview="view">/);
    await vscode.commands.executeCommand('paperLookup.showAbstract', POINTER_NETWORKS);
    const panel = extension.abstractPanel();
    assert.ok(panel);
    const cspOf = (html: string) => /content="(default-src[^"]+)"/.exec(html)?.[1]?.replace(/'nonce-[^']+'/, "'nonce'");
    assert.match(cspOf(view.html) ?? '', /default-src 'none'.*script-src 'nonce'/);
    assert.equal(cspOf(view.html), cspOf(panel.html));
    assert.ok(!view.html.includes('Pointer Networks'), 'paper data must reach the webview by message, not inside the HTML');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('previews the picker’s highlighted paper as the live preview', async () => {
    await vscode.commands.executeCommand('paperLookup.papersView.focus');
    const search = vscode.commands.executeCommand('paperLookup.search', 'graph mamba');
    try {
      await waitFor('the view to show Graph Mamba', () => extension.papersView()?.paperId === 'graph-mamba-towards-learning-on-graphs-with-state-space-models');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await search;
    }
  });

  it('shows the paper whose citation key the cursor rests on', async () => {
    await vscode.commands.executeCommand('paperLookup.papersView.focus');
    const text = 'Long sequences [@guEfficientlyModelingLong2021] and pointers.';
    const document = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
    const editor = await vscode.window.showTextDocument(document);
    const onKey = document.positionAt(text.indexOf('guEfficiently') + 3);
    editor.selection = new vscode.Selection(onKey, onKey);
    await waitFor('the view to show the cited paper', () => extension.papersView()?.paperId === S4);
  });
});
