/**
 * Citation diagnostics in the real host: a cited key without a .bib entry is never silent. A key of ours that
 * the document's .bib lacks is a warning whose quick fix adds the entry; a key found nowhere is a warning too.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { api, quickFix, writeProject } from './helpers';

async function diagnosticsOf(uri: vscode.Uri, check: (found: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  for (let attempt = 0; attempt < 75; attempt++) {
    const found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Paper Lookup');
    if (check(found)) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`diagnostics not as expected: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.code, d.message]))}`);
}

describe('Citation diagnostics', function () {
  this.timeout(40_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('warns about a key of ours missing from the .bib and about an unknown key; the quick fix adds the entry', async () => {
    const catalog = await (await api()).catalog();
    const ours = catalog.paperAt(0);
    const files = await writeProject('diagnostics-md', {
      'notes.md': `---\nbibliography: refs.bib\n---\n\nAs shown [@inbib2020; @${ours.key}] and by @nosuchkey2099.\n`,
      'refs.bib': '@misc{inbib2020,\n  title = {Already There},\n  year = {2020}\n}\n',
    });
    const document = await vscode.workspace.openTextDocument(files['notes.md']);
    await vscode.window.showTextDocument(document);
    const found = await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 2);
    assert.deepEqual(found.map((d) => [d.code, document.getText(d.range), d.severity]), [
      ['missing-entry', ours.key, vscode.DiagnosticSeverity.Warning],
      ['unknown-key', 'nosuchkey2099', vscode.DiagnosticSeverity.Warning],
    ]);
    assert.match(found[0].message, /refs\.bib/);

    const fix = await quickFix(document.uri, found[0].range, `Add "${ours.key}" to refs.bib`);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    const bib = new TextDecoder().decode(await vscode.workspace.fs.readFile(files['refs.bib']));
    assert.match(bib, new RegExp(`@\\w+\\{${ours.key},`), bib);
    const after = await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 1);
    assert.equal(after[0].code, 'unknown-key');
  });

  it('shows a cited key with a bidi control in a message without it, which would reorder the message', async () => {
    const files = await writeProject('diagnostics-bidi', {
      'paper.tex': '\\documentclass{article}\n\\begin{document}\nText \\cite{evil\u202Ekey}.\n\\bibliography{lit}\n\\end{document}\n',
      'lit.bib': '',
    });
    const document = await vscode.workspace.openTextDocument(files['paper.tex']);
    await vscode.window.showTextDocument(document);
    const [found] = await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 1);
    assert.equal(found.code, 'unknown-key');
    assert.equal(found.message, 'Unknown citation key "evilkey": it is neither in lit.bib nor among the loaded papers.');
  });

  it('updates when the .bib changes on disk: an entry written there clears the warning, and taking it out brings it back', async () => {
    const catalog = await (await api()).catalog();
    const ours = catalog.paperAt(3);
    const placeholder = '@misc{inbib2020,\n  title = {Already There},\n  year = {2020}\n}\n';
    const files = await writeProject('diagnostics-bib-change', {
      'notes.md': `---\nbibliography: refs.bib\n---\n\nAs shown [@${ours.key}].\n`,
      'refs.bib': placeholder,
    });
    const document = await vscode.workspace.openTextDocument(files['notes.md']);
    await vscode.window.showTextDocument(document);
    const found = await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 1);
    assert.equal(found[0].code, 'missing-entry');
    // Written by another program (a reference manager's export, git): the .bib is not open in the editor.
    const withEntry = `${placeholder}\n@misc{${ours.key},\n  title = {Written Elsewhere},\n  year = {2021}\n}\n`;
    await vscode.workspace.fs.writeFile(files['refs.bib'], new TextEncoder().encode(withEntry));
    await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 0);
    await vscode.workspace.fs.writeFile(files['refs.bib'], new TextEncoder().encode(placeholder));
    const back = await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 1);
    assert.deepEqual([back[0].code, document.getText(back[0].range)], ['missing-entry', ours.key]);
  });

  it('updates as the user types, and "Add all" adds every missing key of ours in LaTeX', async () => {
    const catalog = await (await api()).catalog();
    const [a, b] = [...catalog].slice(1, 3);
    const files = await writeProject('diagnostics-tex', {
      'paper.tex': '\\documentclass{article}\n\\begin{document}\nText.\n\\bibliography{lit}\n\\end{document}\n',
      'lit.bib': '',
    });
    const document = await vscode.workspace.openTextDocument(files['paper.tex']);
    const editor = await vscode.window.showTextDocument(document);
    await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 0);
    await editor.edit((edit) => edit.insert(new vscode.Position(2, 5), ` \\cite{${a.key},${b.key}} % \\cite{commented}`));
    const found = await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 2);
    assert.deepEqual(found.map((d) => document.getText(d.range)), [a.key, b.key]);
    const addAll = await quickFix(document.uri, found[0].range, 'Add all 2 missing citations to lit.bib');
    await vscode.commands.executeCommand(addAll.command.command, ...(addAll.command.arguments ?? []));
    await diagnosticsOf(document.uri, (diagnostics) => diagnostics.length === 0);
    const bib = new TextDecoder().decode(await vscode.workspace.fs.readFile(files['lit.bib']));
    for (const key of [a.key, b.key]) assert.match(bib, new RegExp(`\\{${key},`), bib);
  });
});
