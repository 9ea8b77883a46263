/**
 * Citing into a document that declares a bibliography: the citation goes into the text and the entry into
 * the .bib, once, in the buffer if the .bib is open — in the real VS Code extension host.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { runAnsweringNotification, setSetting, writeProject } from './helpers';

/** Opens a document with the cursor at the first `$$CURSOR$$` marker, which is removed. */
async function openAtMarker(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  const offset = document.getText().indexOf('$$CURSOR$$');
  assert.ok(offset >= 0, `${uri.path} has no $$CURSOR$$ marker`);
  const range = new vscode.Range(document.positionAt(offset), document.positionAt(offset + '$$CURSOR$$'.length));
  await editor.edit((edit) => edit.delete(range));
  editor.selection = new vscode.Selection(range.start, range.start);
  return editor;
}

async function cite(paperId: string): Promise<void> {
  assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId }), true);
}

async function diskText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

const entryCount = (bib: string): number => (bib.match(/^@\w+\{/gm) ?? []).length;

const LATEX = '\\documentclass{article}\n\\usepackage{biblatex}\n\\addbibresource{refs.bib}\n\\begin{document}\nPointers $$CURSOR$$are handy.\n\\printbibliography\n\\end{document}\n';

describe('Bibliography', function () {
  this.timeout(30_000);
  let project = 0;
  const nextFolder = (): string => `bib-project-${++project}`;

  beforeEach(async () => {
    await vscode.workspace.getConfiguration('paperLookup').update('citation.addToBibliography', 'always', vscode.ConfigurationTarget.Workspace);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('paperLookup').update('citation.addToBibliography', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a LaTeX file with \\addbibresource{refs.bib} gets \\cite{key} and refs.bib gets one entry', async () => {
    const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': '' });
    const editor = await openAtMarker(files['main.tex']);
    await cite('pointer-networks');
    assert.match(editor.document.getText(), /Pointers \\cite\{vinyalsPointerNetworks2015\}are handy\./);
    const bib = await diskText(files['refs.bib']);
    assert.equal(entryCount(bib), 1, bib);
    assert.match(bib, /^@\w+\{vinyalsPointerNetworks2015,$/m);
    assert.match(bib, /title = \{\{Pointer Networks\}\}|title = \{.*Pointer.*Networks/);
  });

  it('citing the same paper twice adds no duplicate entry', async () => {
    const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': '' });
    const editor = await openAtMarker(files['main.tex']);
    await cite('pointer-networks');
    const end = editor.document.positionAt(editor.document.getText().indexOf('\\printbibliography'));
    editor.selection = new vscode.Selection(end, end);
    await cite('pointer-networks');
    assert.equal((editor.document.getText().match(/\\cite\{vinyalsPointerNetworks2015\}/g) ?? []).length, 2);
    assert.equal(entryCount(await diskText(files['refs.bib'])), 1);
  });

  it('an open refs.bib with unsaved text keeps that text, and the entry goes into its buffer', async () => {
    // VS Code for the Web (code-server) saves a dirty buffer after a second by default: that save would not be ours.
    const fileSettings = vscode.workspace.getConfiguration('files');
    await fileSettings.update('autoSave', 'off', vscode.ConfigurationTarget.Workspace);
    try {
      const existing = '@misc{mine2020,\n  title = {My own entry},\n  year = {2020}\n}\n';
      const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': existing });
      const bibDocument = await vscode.workspace.openTextDocument(files['refs.bib']);
      const bibEditor = await vscode.window.showTextDocument(bibDocument);
      const unsaved = '% notes I have not saved yet\n';
      await bibEditor.edit((edit) => edit.insert(new vscode.Position(0, 0), unsaved));
      assert.ok(bibDocument.isDirty);

      await openAtMarker(files['main.tex']);
      await cite('pointer-networks');

      const buffer = bibDocument.getText();
      assert.ok(buffer.startsWith(unsaved + existing), buffer);
      assert.equal(entryCount(buffer), 2, buffer);
      assert.ok(bibDocument.isDirty, 'the user’s unsaved .bib must not be saved for them');
      assert.equal(await diskText(files['refs.bib']), existing, 'the file on disk is untouched until the user saves');
    } finally {
      await fileSettings.update('autoSave', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('reuses the key the .bib already has for the same paper (by arXiv id) and adds nothing', async () => {
    const existing = '@article{vinyals2015pointer,\n  title = {Pointer Networks},\n  author = {Vinyals, Oriol},\n  eprint = {1506.03134},\n  archivePrefix = {arXiv},\n  year = {2015}\n}\n';
    const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': existing });
    const editor = await openAtMarker(files['main.tex']);
    await cite('pointer-networks');
    assert.match(editor.document.getText(), /\\cite\{vinyals2015pointer\}/);
    assert.equal(await diskText(files['refs.bib']), existing);
  });

  it('cites under a suffixed key, in the text and the .bib alike, when the .bib uses the key for another paper', async () => {
    const other = '@article{vinyalsPointerNetworks2015,\n  title = {Pointer Sentinel Mixture Models},\n  author = {Merity, Stephen},\n  year = {2016}\n}\n';
    const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': other });
    const editor = await openAtMarker(files['main.tex']);
    await cite('pointer-networks');
    assert.match(editor.document.getText(), /Pointers \\cite\{vinyalsPointerNetworks2015a\}are handy\./);
    const bib = await diskText(files['refs.bib']);
    assert.ok(bib.startsWith(other), bib);
    assert.equal(entryCount(bib), 2, bib);
    assert.match(bib, /^@\w+\{vinyalsPointerNetworks2015a,$/m);
    assert.match(bib.slice(other.length), /Pointer Networks/);
  });

  it('"Always Add" is kept in the workspace settings, not the user settings, and the message says where', async () => {
    await setSetting('citation.addToBibliography', 'ask');
    const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': '' });
    await openAtMarker(files['main.tex']);
    const window = vscode.window as { showInformationMessage: unknown };
    const original = window.showInformationMessage;
    const shown: string[] = [];
    // The user clicks "Always Add" on the question; the message that follows is only read.
    window.showInformationMessage = (message: string, ...buttons: string[]) => {
      shown.push(message);
      return Promise.resolve(buttons.includes('Always Add') ? 'Always Add' : undefined);
    };
    try {
      await cite('pointer-networks');
    } finally {
      window.showInformationMessage = original;
    }
    const setting = vscode.workspace.getConfiguration('paperLookup').inspect('citation.addToBibliography');
    assert.equal(setting?.workspaceValue, 'always');
    assert.equal(setting?.globalValue, undefined, 'the user settings are left alone');
    assert.match(shown[1] ?? '', /without asking in this workspace.*workspace settings/);
    assert.equal(entryCount(await diskText(files['refs.bib'])), 1);
  });

  it('a Markdown document that declares no bibliography gets references.bib, declared in new front matter, asked once', async () => {
    const files = await writeProject(nextFolder(), { 'notes.md': 'Pointer networks $$CURSOR$$are old.\n' });
    const editor = await openAtMarker(files['notes.md']);
    assert.equal(await runAnsweringNotification('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(editor.document.getText(), '---\nbibliography: references.bib\n---\n\nPointer networks [@vinyalsPointerNetworks2015]are old.\n');
    const references = vscode.Uri.joinPath(files['notes.md'], '..', 'references.bib');
    assert.equal(entryCount(await diskText(references)), 1);

    // The document declares references.bib now: no question (none is answered here), no second entry.
    const end = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(end, end);
    await cite('pointer-networks');
    assert.equal(editor.document.getText(), '---\nbibliography: references.bib\n---\n\nPointer networks [@vinyalsPointerNetworks2015]are old.\n[@vinyalsPointerNetworks2015]');
    assert.equal(entryCount(await diskText(references)), 1);
  });

  it('a LaTeX document that declares no bibliography gets the references.bib beside it declared before \\end{document}', async () => {
    const existing = '@misc{mine2020,\n  title = {My own entry},\n  year = {2020}\n}\n';
    const files = await writeProject(nextFolder(), {
      'main.tex': '\\documentclass{article}\n\\begin{document}\nPointers $$CURSOR$$are handy.\n\\end{document}\n',
      'references.bib': existing,
    });
    const editor = await openAtMarker(files['main.tex']);
    assert.equal(await runAnsweringNotification('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(
      editor.document.getText(),
      '\\documentclass{article}\n\\begin{document}\nPointers \\cite{vinyalsPointerNetworks2015}are handy.\n\\bibliographystyle{plain}\n\\bibliography{references}\n\\end{document}\n',
    );
    const bib = await diskText(files['references.bib']);
    assert.ok(bib.startsWith(existing), bib);
    assert.equal(entryCount(bib), 2, bib);
  });

  it('a document that declares none cites into the paperLookup.bibliographyFile setting’s .bib, without a question', async () => {
    const folder = nextFolder();
    const files = await writeProject(folder, { 'main.tex': 'Pointers $$CURSOR$$are handy.\n' });
    await setSetting('bibliographyFile', `${folder}/shared/library.bib`);
    try {
      const editor = await openAtMarker(files['main.tex']);
      await cite('pointer-networks');
      assert.equal(editor.document.getText(), 'Pointers \\cite{vinyalsPointerNetworks2015}are handy.\n');
      const bib = await diskText(vscode.Uri.joinPath(files['main.tex'], '..', 'shared', 'library.bib'));
      assert.equal(entryCount(bib), 1, bib);
      assert.match(bib, /^@\w+\{vinyalsPointerNetworks2015,$/m);
    } finally {
      await setSetting('bibliographyFile', undefined);
    }
  });

  it('finds the bibliography of the root file named by % !TEX root', async () => {
    const files = await writeProject(nextFolder(), {
      'main.tex': '\\documentclass{article}\n\\begin{document}\n\\input{chapter}\n\\bibliography{library}\n\\end{document}\n',
      'chapter.tex': '% !TEX root = main.tex\nSee $$CURSOR$$.\n',
    });
    const editor = await openAtMarker(files['chapter.tex']);
    await cite('pointer-networks');
    assert.match(editor.document.getText(), /See \\cite\{vinyalsPointerNetworks2015\}\./);
    const bib = await diskText(vscode.Uri.joinPath(files['main.tex'], '..', 'library.bib'));
    assert.equal(entryCount(bib), 1, bib);
  });

  it('uses the bibliography of the Markdown front matter', async () => {
    const files = await writeProject(nextFolder(), {
      'notes.md': '---\ntitle: Notes\nbibliography: [refs.bib]\n---\n\nPointer networks $$CURSOR$$are old.\n',
      'refs.bib': '',
    });
    const editor = await openAtMarker(files['notes.md']);
    await cite('pointer-networks');
    assert.match(editor.document.getText(), /Pointer networks \[@vinyalsPointerNetworks2015\]are old\./);
    assert.equal(entryCount(await diskText(files['refs.bib'])), 1);
  });

  it('extends the citation the cursor is in: \\cite{a,key} and [@a; @key]', async () => {
    await vscode.workspace.getConfiguration('paperLookup').update('citation.addToBibliography', 'never', vscode.ConfigurationTarget.Workspace);
    const files = await writeProject(nextFolder(), {
      'a.tex': 'As shown \\citep[p.~3]{other$$CURSOR$$} before.\n',
      'b.md': 'As shown [see @other, p. 3$$CURSOR$$] before.\n',
    });
    const latex = await openAtMarker(files['a.tex']);
    await cite('pointer-networks');
    assert.equal(latex.document.getText(), 'As shown \\citep[p.~3]{other,vinyalsPointerNetworks2015} before.\n');
    const markdown = await openAtMarker(files['b.md']);
    await cite('pointer-networks');
    assert.equal(markdown.document.getText(), 'As shown [see @other, p. 3; @vinyalsPointerNetworks2015] before.\n');
  });

  it('gathers papers picked one after another into one citation', async () => {
    await vscode.workspace.getConfiguration('paperLookup').update('citation.addToBibliography', 'never', vscode.ConfigurationTarget.Workspace);
    const files = await writeProject(nextFolder(), { 'a.md': 'Networks $$CURSOR$$here.\n', 'b.tex': 'Networks $$CURSOR$$here.\n' });
    for (const [name, expected] of [
      ['a.md', 'Networks [@vinyalsPointerNetworks2015; @ongLearnableCommutativeMonoids2022]here.\n'],
      ['b.tex', 'Networks \\cite{vinyalsPointerNetworks2015,ongLearnableCommutativeMonoids2022}here.\n'],
    ]) {
      const editor = await openAtMarker(files[name]);
      for (const paperId of ['pointer-networks', 'learnable-commutative-monoids-for-graph-neural-networks']) {
        assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId, joinPrevious: true }), true);
      }
      assert.equal(editor.document.getText(), expected);
    }
  });

  it('writes the configured LaTeX command', async () => {
    await vscode.workspace.getConfiguration('paperLookup').update('citation.latexCommand', 'parencite', vscode.ConfigurationTarget.Workspace);
    try {
      const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': '' });
      const editor = await openAtMarker(files['main.tex']);
      await cite('pointer-networks');
      assert.match(editor.document.getText(), /\\parencite\{vinyalsPointerNetworks2015\}/);
    } finally {
      await vscode.workspace.getConfiguration('paperLookup').update('citation.latexCommand', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('papers gathered with Alt+I go into the document the picker came from while it is a background tab, and after its tab closed, with their entries in its .bib', async () => {
    const files = await writeProject(nextFolder(), { 'main.tex': LATEX, 'refs.bib': '', 'other.md': 'Another document.\n' });
    const editor = await openAtMarker(files['main.tex']);
    const other = await vscode.workspace.openTextDocument(files['other.md']);

    /**
     * Runs Insert Citation from the active editor: Alt+I on the first row (the picker then stays open when the focus
     * leaves it), `meanwhile`, then ↓ and Enter, which the command must report as inserted.
     */
    const gatherAround = async (query: string, meanwhile: () => PromiseLike<unknown>): Promise<void> => {
      const document = vscode.window.activeTextEditor?.document;
      const before = document?.getText();
      const command = vscode.commands.executeCommand<boolean>('paperLookup.insertCitation', { query });
      // What Alt+I runs; it does nothing until the picker lists papers, so retrying is safe.
      for (let attempt = 0; attempt < 100 && document?.getText() === before; attempt++) {
        await vscode.commands.executeCommand('paperLookup.picker.insertAndContinue');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await meanwhile();
      await vscode.commands.executeCommand('workbench.action.focusQuickOpen');
      await vscode.commands.executeCommand('quickInput.next');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await command, true);
    };
    const citedKeys = (text: string): string[] => /\\cite\{([^}]*)\}/.exec(text)?.[1].split(',') ?? [];

    // Another document shown over main.tex in the same editor group: main.tex's editor is hidden, not closed.
    await gatherAround('networks', () => vscode.window.showTextDocument(other, { viewColumn: editor.viewColumn }));
    assert.ok(!vscode.window.visibleTextEditors.includes(editor), 'main.tex was a background tab');
    const keys = citedKeys(editor.document.getText());
    assert.equal(keys.length, 2, editor.document.getText());
    const bib = await diskText(files['refs.bib']);
    for (const key of keys) assert.match(bib, new RegExp(`^@\\w+\\{${key},$`, 'm'));
    assert.equal(other.getText(), 'Another document.\n');

    // main.tex shown again, then its tab closed (saved first: a dirty tab asks) while the picker is open: the
    // document is still open, and is edited.
    const mainTex = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn });
    const selection = mainTex.document.positionAt(mainTex.document.getText().indexOf('\\printbibliography'));
    mainTex.selection = new vscode.Selection(selection, selection);
    await gatherAround('structured state spaces', async () => {
      await mainTex.document.save();
      const tab = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
        .find((candidate) => candidate.input instanceof vscode.TabInputText && candidate.input.uri.toString() === files['main.tex'].toString());
      assert.ok(tab, 'main.tex has a tab');
      await vscode.window.tabGroups.close(tab);
    });
    assert.equal(mainTex.document.isClosed, false);
    assert.ok(!vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === files['main.tex'].toString())), 'main.tex has no tab');
    const gathered = /\\cite\{guEfficientlyModelingLong2021,(\w+)\}\\printbibliography/.exec(mainTex.document.getText());
    assert.ok(gathered, mainTex.document.getText());
    const after = await diskText(files['refs.bib']);
    for (const key of ['guEfficientlyModelingLong2021', gathered[1]]) assert.match(after, new RegExp(`^@\\w+\\{${key},$`, 'm'));
  });

  it('Add to Bibliography adds the entry without touching the document', async () => {
    const files = await writeProject(nextFolder(), { 'main.tex': LATEX.replace('$$CURSOR$$', ''), 'refs.bib': '' });
    const document = await vscode.workspace.openTextDocument(files['main.tex']);
    await vscode.window.showTextDocument(document);
    const before = document.getText();
    const key = await vscode.commands.executeCommand('paperLookup.addToBibliography', { paperId: 'pointer-networks' });
    assert.equal(key, 'vinyalsPointerNetworks2015');
    assert.equal(document.getText(), before);
    assert.equal(entryCount(await diskText(files['refs.bib'])), 1);
  });
});
