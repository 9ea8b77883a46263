/**
 * The user's own .bib as the source of truth, in the real extension host: a workspace whose references.bib is both
 * an index file (in `paperLookup.indexes`) and the bibliography its LaTeX and Markdown documents declare. Citing
 * its papers writes the file's own keys and leaves the file exactly as it was.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { api, setSetting, writeProject } from './helpers';

const REFERENCES = [
  '@string{cj = "The Computer Journal"}',
  '',
  '@book{knuth1984,',
  '  title = {The {\\TeX}book},',
  '  author = {Knuth, Donald E.},',
  '  publisher = {Addison-Wesley},',
  '  year = 1984,',
  '}',
  '',
  '@article{Knuth:LP,',
  '  title = {Literate Programming},',
  '  author = {Knuth, Donald E.},',
  '  journal = cj,',
  '  year = {1984},',
  '}',
  '',
  '@inproceedings{vinyals2015,',
  '  title = {Pointer Networks},',
  '  author = {Vinyals, Oriol and Fortunato, Meire and Jaitly, Navdeep},',
  '  booktitle = {Advances in Neural Information Processing Systems},',
  '  year = {2015},',
  '}',
  '',
].join('\n');

const LATEX = '\\documentclass{article}\n\\begin{document}\nSee CITE.\n\\bibliographystyle{plain}\n\\bibliography{references}\n\\end{document}\n';
const MARKDOWN = '---\nbibliography: references.bib\n---\n\nSee CITE.\n';

async function diskText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

describe('Own bibliography as index and target', function () {
  this.timeout(60_000);
  let files: Record<string, vscode.Uri>;

  before(async () => {
    files = await writeProject('own-bib', { 'references.bib': REFERENCES, 'paper.tex': LATEX, 'notes.md': MARKDOWN });
    await setSetting('citation.addToBibliography', 'always');
    await setSetting('indexes', ['own-bib/references.bib']);
    const extension = await api();
    for (let attempt = 0; attempt < 150; attempt++) {
      if ((await extension.catalog()).getByKey('knuth1984')) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.fail('references.bib did not load');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSetting('indexes', undefined);
    await setSetting('citation.addToBibliography', undefined);
  });

  it('loads its papers under the file’s keys, the one also bundled included', async () => {
    const catalog = await (await api()).catalog();
    assert.equal(catalog.getByKey('knuth1984')?.title, 'The TeXbook');
    assert.equal(catalog.getByKey('Knuth:LP')?.venue, 'The Computer Journal');
    // Pointer Networks is also a bundled paper: the two copies are one paper, cited under the user's key.
    assert.equal(catalog.get('pointer-networks')?.key, 'vinyals2015');
  });

  it('completes and hovers the file’s keys', async () => {
    const text = '\\documentclass{article}\n\\begin{document}\nSee \\cite{pointer}, \\cite{knuth1984}.\n\\bibliography{references}\n\\end{document}\n';
    const [uri] = Object.values(await writeProject('own-bib', { 'complete.tex': text }));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      uri,
      document.positionAt(text.indexOf('pointer}') + 'pointer'.length),
    );
    const labels = completions.items
      .filter((item) => item.kind === vscode.CompletionItemKind.Reference)
      .map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(labels.includes('vinyals2015'), labels.join(', '));
    assert.ok(!labels.includes('vinyalsPointerNetworks2015'), labels.join(', '));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, document.positionAt(text.indexOf('knuth1984') + 2));
    const shown = hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n');
    assert.match(shown.replace(/\\(.)/g, '$1'), /The TeXbook/);
  });

  for (const [document, citation] of [
    ['paper.tex', (keys: string[]) => keys.map((key) => `\\cite{${key}}`).join('')],
    ['notes.md', (keys: string[]) => keys.map((key) => `[@${key}]`).join('')],
  ] as const) {
    it(`${document}: citing every paper of references.bib uses its keys and appends nothing`, async () => {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(files[document]));
      const at = editor.document.getText().indexOf('CITE');
      await editor.edit((edit) => edit.delete(new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + 'CITE'.length))));
      editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at));
      for (const paperId of ['knuth1984', 'Knuth:LP', 'pointer-networks']) {
        assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId }), true, paperId);
      }
      assert.ok(editor.document.getText().includes(`See ${citation(['knuth1984', 'Knuth:LP', 'vinyals2015'])}.`), editor.document.getText());
      assert.equal(await diskText(files['references.bib']), REFERENCES);
      const open = vscode.workspace.textDocuments.find((opened) => opened.uri.toString() === files['references.bib'].toString());
      assert.ok(!open || open.getText() === REFERENCES, 'nothing was added to an open buffer either');
    });
  }

  it('another document’s .bib gets the entry whole, as written, with the macro it uses expanded', async () => {
    const other = await writeProject('own-bib-other', { 'main.tex': LATEX.replace('references', 'refs').replace('CITE', ''), 'refs.bib': '' });
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(other['main.tex']));
    const at = editor.document.positionAt(editor.document.getText().indexOf('See ') + 'See '.length);
    editor.selection = new vscode.Selection(at, at);
    for (const paperId of ['knuth1984', 'Knuth:LP']) assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId }), true);
    assert.match(editor.document.getText(), /See \\cite\{knuth1984\}\\cite\{Knuth:LP\}\./);
    const expected = REFERENCES.slice(REFERENCES.indexOf('@book'), REFERENCES.indexOf('@inproceedings')).replace('journal = cj,', 'journal = {The Computer Journal},');
    assert.equal(await diskText(other['refs.bib']), expected.trimEnd() + '\n');
  });
});
