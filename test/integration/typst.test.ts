/**
 * Typst documents in the real VS Code extension host: `.typ` files are Typst documents (also with no Typst extension
 * installed), Insert Citation writes `@key` and puts the entry into the bibliography the document declares — a .bib,
 * or Hayagriva YAML for a `.yml` — or offers references.bib and declares it; completion after `@` and in
 * `#cite(<`, hover, and the unknown-key diagnostics.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { quickFix, runAnsweringNotification, setSetting, withoutMarker, writeProject } from './helpers';

const POINTER_NETWORKS_KEY = 'vinyalsPointerNetworks2015';
const SECOND_PAPER = 'equivariant-polynomials-for-graph-neural-networks';

let project = 0;

/** Writes the files to a fresh folder, opens `main.typ` with the cursor at its marker, and returns the editor and the files. */
async function openTypst(marked: string, otherFiles: Record<string, string> = {}): Promise<{ editor: vscode.TextEditor; files: Record<string, vscode.Uri> }> {
  const { text, offset } = withoutMarker(marked);
  const files = await writeProject(`typst-${++project}`, { ...otherFiles, 'main.typ': text });
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(files['main.typ']));
  const position = editor.document.positionAt(offset);
  editor.selection = new vscode.Selection(position, position);
  return { editor, files };
}

async function diskText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/**
 * The hover text at the cursor, escapes removed, asked again (for up to 10 s) until it matches `awaited`: the first
 * hover of a fresh host waits for the papers to load.
 */
async function hoverText(editor: vscode.TextEditor, awaited: RegExp): Promise<string> {
  let text = '';
  for (let attempt = 0; attempt < 50 && !awaited.test(text); attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, editor.selection.active);
    text = hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n').replace(/\\(.)/g, '$1');
  }
  return text;
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

describe('Typst', function () {
  this.timeout(30_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSetting('citation.addToBibliography', undefined);
  });

  it('a .typ file is a Typst document', async () => {
    const { editor } = await openTypst('Text$$CURSOR$$\n');
    assert.equal(editor.document.languageId, 'typst');
  });

  it('Insert Citation writes @key and adds the entry to the .bib the document declares', async () => {
    await setSetting('citation.addToBibliography', 'always');
    const { editor, files } = await openTypst('Pointers $$CURSOR$$ are handy.\n\n#bibliography("refs.bib")\n', { 'refs.bib': '' });
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(editor.document.getText(), `Pointers @${POINTER_NETWORKS_KEY} are handy.\n\n#bibliography("refs.bib")\n`);
    assert.match(await diskText(files['refs.bib']), new RegExp(`^@\\w+\\{${POINTER_NETWORKS_KEY},$`, 'm'));

    // With the cursor right after that citation, the next paper joins it as a citation of its own: `@a @b`.
    const after = editor.document.positionAt(editor.document.getText().indexOf(' are handy'));
    editor.selection = new vscode.Selection(after, after);
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: SECOND_PAPER }), true);
    assert.match(editor.document.getText(), new RegExp(`^Pointers @${POINTER_NETWORKS_KEY} @\\w+ are handy\\.`));

    // Where the text after the cursor would run on into `@key`, the citation is `#cite(<key>)`.
    const beforeHandy = editor.document.positionAt(editor.document.getText().indexOf('handy'));
    editor.selection = new vscode.Selection(beforeHandy, beforeHandy);
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.match(editor.document.getText(), new RegExp(`are #cite\\(<${POINTER_NETWORKS_KEY}>\\)handy\\.`));
    const bib = await diskText(files['refs.bib']);
    assert.equal(bib.match(/^@\w+\{/gm)?.length, 2, `${editor.document.getText()}\n---\n${bib}`);
  });

  it('Insert Citation writes Hayagriva YAML into the .yml the document declares in an array', async () => {
    await setSetting('citation.addToBibliography', 'always');
    const { editor, files } = await openTypst('Pointers $$CURSOR$$.\n\n#bibliography(("refs.yml", "other.bib"))\n', {
      'refs.yml': 'knuth:\n  type: book\n  title: The TeXbook\n',
      'other.bib': '',
    });
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(editor.document.getText(), `Pointers @${POINTER_NETWORKS_KEY}.\n\n#bibliography(("refs.yml", "other.bib"))\n`);
    const yml = await diskText(files['refs.yml']);
    assert.ok(yml.startsWith('knuth:\n  type: book\n  title: The TeXbook\n\n'), yml);
    assert.match(yml, new RegExp(`^${POINTER_NETWORKS_KEY}:\\n  type: \\w+\\n  title: "Pointer Networks"\\n  author: \\["Vinyals, Oriol"`, 'm'));
    assert.equal(await diskText(files['other.bib']), '');
  });

  it('a document that declares no bibliography is offered references.bib, declared at its end', async () => {
    const { editor, files } = await openTypst('= Notes\nPointers $$CURSOR$$ are handy.\n');
    assert.equal(await runAnsweringNotification('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(editor.document.getText(), `= Notes\nPointers @${POINTER_NETWORKS_KEY} are handy.\n\n#bibliography("references.bib")\n`);
    const references = vscode.Uri.joinPath(files['main.typ'], '..', 'references.bib');
    assert.match(await diskText(references), new RegExp(`^@\\w+\\{${POINTER_NETWORKS_KEY},$`, 'm'));
  });

  it('completes keys after @ and in #cite(<, and hovers a cited key', async () => {
    for (const [marked, trigger] of [['See @poiner$$CURSOR$$ here.', undefined], ['See #cite(<$$CURSOR$$', '<'], ['See @$$CURSOR$$', '@']] as const) {
      const { editor } = await openTypst(`${marked}\n`);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, editor.selection.active, trigger);
      const keys = list.items.filter((item) => item.kind === vscode.CompletionItemKind.Reference).map(labelOf);
      assert.ok(marked.includes('poiner') ? keys[0] === POINTER_NETWORKS_KEY : keys.length > 0, `${marked}: ${keys.join(', ')}`);
    }
    const { editor } = await openTypst(`As @${POINTER_NETWORKS_KEY.slice(0, 4)}$$CURSOR$$${POINTER_NETWORKS_KEY.slice(4)} shows.\n`);
    assert.match(await hoverText(editor, /Pointer Networks/), /Pointer Networks/);
  });

  it('warns about a cited key that is in neither the bibliography nor the papers, not about cross-references', async () => {
    const { editor } = await openTypst(
      '#set heading(numbering: "1.")\n= Intro <intro>\nSee @intro, @knuth, @nosuchkey2099 and #cite(<alsomissing>)$$CURSOR$$.\n#bibliography("refs.yml")\n',
      { 'refs.yml': 'knuth:\n  type: book\n  title: The TeXbook\n' },
    );
    const uri = editor.document.uri;
    let found: vscode.Diagnostic[] = [];
    for (let attempt = 0; attempt < 75 && found.length < 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Paper Lookup');
    }
    assert.deepEqual(found.map((diagnostic) => [diagnostic.code, editor.document.getText(diagnostic.range)]), [
      ['unknown-key', 'nosuchkey2099'],
      ['unknown-key', 'alsomissing'],
    ]);
    assert.match(found[0].message, /refs\.yml/);
  });

  it('a key of ours missing from the .yml is a warning whose quick fix adds its Hayagriva entry', async () => {
    const { editor, files } = await openTypst(`As @${POINTER_NETWORKS_KEY}$$CURSOR$$ and @knuth show.\n#bibliography("refs.yml")\n`, {
      'refs.yml': 'knuth:\n  type: book\n  title: The TeXbook\n',
    });
    const uri = editor.document.uri;
    const warnings = async (count: number): Promise<vscode.Diagnostic[]> => {
      let found: vscode.Diagnostic[] = [];
      for (let attempt = 0; attempt < 75; attempt++) {
        found = vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Paper Lookup');
        if (found.length === count) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(found.length, count, JSON.stringify(found.map((diagnostic) => diagnostic.message)));
      return found;
    };
    const [missing] = await warnings(1);
    assert.equal(missing.code, 'missing-entry');
    assert.equal(editor.document.getText(missing.range), POINTER_NETWORKS_KEY);
    const fix = await quickFix(uri, missing.range, `Add "${POINTER_NETWORKS_KEY}" to refs.yml`);
    await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.match(await diskText(files['refs.yml']), new RegExp(`^${POINTER_NETWORKS_KEY}:\\n  type: `, 'm'));
    await warnings(0);
  });

  it('hovers a key of any declared bibliography, naming the file it is in', async () => {
    const { editor } = await openTypst('As @knu$$CURSOR$$th shows.\n#bibliography(("refs.bib", "more.yml"))\n', {
      'refs.bib': '',
      'more.yml': 'knuth:\n  type: book\n  title: The TeXbook\n  author: Knuth, Donald E.\n  date: 1984\n',
    });
    const text = await hoverText(editor, /from more\.yml/);
    assert.match(text, /The TeXbook/);
    assert.match(text, /Donald E\. Knuth/);
  });
});
