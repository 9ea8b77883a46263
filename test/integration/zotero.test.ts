/**
 * The Zotero library in the real extension host: user settings point at a Zotero data directory (built from Zotero's
 * own schema, test/fixtures/zotero/), the offer to use it is answered, and then search finds its papers, Insert
 * Citation uses the Better BibTeX key, Open PDF opens the stored PDF and the reader shows its buttons.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeZoteroDataDirectory } from '../fixtures/zotero/buildZoteroDatabase';
import { fixtureBetterBibtexKeys, fixtureLibrary } from '../fixtures/zotero/library';
import { api, runAnsweringNotification, runPickerCommand } from './helpers';

async function setUserSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('paperLookup').update(name, value, vscode.ConfigurationTarget.Global);
}

describe('Zotero library', function () {
  this.timeout(60_000);
  let dataDirectory: string;

  before(async () => {
    dataDirectory = mkdtempSync(path.join(tmpdir(), 'paper-lookup-zotero-host-'));
    await writeZoteroDataDirectory(dataDirectory, fixtureLibrary(41), fixtureBetterBibtexKeys);
  });

  after(async () => {
    await setUserSetting('zotero.enabled', undefined);
    await setUserSetting('zotero.dataDirectory', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dataDirectory, { recursive: true, force: true });
  });

  it('offers the library found in the data directory, and loads it with the user keys once accepted', async () => {
    const extension = await api();
    await setUserSetting('zotero.dataDirectory', dataDirectory);
    const accepted = await runAnsweringNotification<boolean | undefined>('paperLookup.useZoteroLibrary');
    assert.equal(accepted, true);
    assert.equal(vscode.workspace.getConfiguration('paperLookup').inspect('zotero.enabled')?.globalValue, true);
    let catalog = await extension.catalog();
    for (let attempt = 0; attempt < 50 && !catalog.getByKey('lecun2015deep'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      catalog = await extension.catalog();
    }
    const deep = catalog.getByKey('lecun2015deep');
    assert.equal(deep?.title, 'Deep learning');
    assert.equal(deep?.source, 'Zotero: My Library');
    assert.equal(catalog.getByKey('hochreiter1997long')?.source, 'Zotero: Lab Group');
    assert.equal(catalog.search('representations multiple levels abstraction lecun', 1)[0]?.paper.key, 'lecun2015deep');
  });

  it('Insert Citation cites a Zotero paper under its Better BibTeX key', async () => {
    const document = await vscode.workspace.openTextDocument({ content: 'As shown by ', language: 'markdown' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(document.positionAt(12), document.positionAt(12));
    assert.equal(await runPickerCommand<boolean>('paperLookup.insertCitation', { query: 'deep learning lecun hinton' }), true);
    assert.equal(editor.document.getText(), 'As shown by [@lecun2015deep]');
  });

  it('Open PDF opens the stored attachment, and Show Abstract shows the Zotero paper', async () => {
    const extension = await api();
    const attention = (await extension.catalog()).getByKey('vaswani2017attention');
    assert.ok(attention);
    const opened = await vscode.commands.executeCommand<{ file: string; openedIn: string } | undefined>('paperLookup.openPdf', attention.id);
    assert.equal(opened?.file, path.join(dataDirectory, 'storage', 'PDFVASW1', 'Vaswani et al. - 2017 - Attention is All you Need.pdf'));
    await vscode.commands.executeCommand('paperLookup.showAbstract', attention.id);
    let panel = extension.abstractPanel();
    for (let attempt = 0; attempt < 50 && panel?.paperId !== attention.id; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      panel = extension.abstractPanel();
    }
    assert.equal(panel?.paperId, attention.id);
  });
});
