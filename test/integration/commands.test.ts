/**
 * The extension's commands in the real VS Code extension host: the picker is driven through the real
 * QuickPick (accepting its selected item as a user pressing Enter would), edits are read back from the
 * real documents.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { formatProblem } from '../../src/sources/parseIndex';
import { api, outputChannelText, runPickerCommand, setSetting, workspaceFile } from './helpers';

async function openAtEnd(text: string, language: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content: text, language });
  const editor = await vscode.window.showTextDocument(document);
  const end = document.positionAt(text.length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

describe('Papers commands', function () {
  this.timeout(30_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Insert Citation puts [@key] into a Markdown document through the picker', async () => {
    const editor = await openAtEnd('# Notes\n\nPointers are handy ', 'markdown');
    const inserted = await runPickerCommand<boolean>('paperLookup.insertCitation', { query: 'poiner netwroks' });
    assert.equal(inserted, true);
    assert.equal(editor.document.getText(), '# Notes\n\nPointers are handy [@vinyalsPointerNetworks2015]');
  });

  it('Search Papers for words no paper has offers one row, and Enter on it opens the indexes setting', async () => {
    await runPickerCommand('paperLookup.search', 'zzqx wqvv');
    for (let attempt = 0; attempt < 50 && vscode.window.tabGroups.activeTabGroup.activeTab?.label !== 'Settings'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(vscode.window.tabGroups.activeTabGroup.activeTab?.label, 'Settings');
  });

  it('Insert Citation puts \\cite{key} into a LaTeX document through the picker', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('paper.tex'));
    const editor = await vscode.window.showTextDocument(document);
    const anchor = document.getText().indexOf('\\end{document}');
    assert.ok(anchor > 0, 'paper.tex fixture has \\end{document}');
    const position = document.positionAt(anchor);
    editor.selection = new vscode.Selection(position, position);
    // paper.tex declares no .bib: with the default "ask", a prompt to create references.bib would wait for an answer.
    await setSetting('citation.addToBibliography', 'never');
    try {
      const inserted = await runPickerCommand<boolean>('paperLookup.insertCitation', { query: 'structured state spaces' });
      assert.equal(inserted, true);
    } finally {
      await setSetting('citation.addToBibliography', undefined);
    }
    assert.ok(
      document.getText().includes('\\cite{guEfficientlyModelingLong2021}\\end{document}'),
      document.getText(),
    );
  });

  it('inserts at every cursor, replacing selections, as one undoable edit', async () => {
    const editor = await openAtEnd('see X and Y', 'markdown');
    const text = editor.document.getText();
    editor.selections = [
      new vscode.Selection(editor.document.positionAt(text.indexOf('X')), editor.document.positionAt(text.indexOf('X') + 1)),
      new vscode.Selection(editor.document.positionAt(text.length), editor.document.positionAt(text.length)),
    ];
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(editor.document.getText(), 'see [@vinyalsPointerNetworks2015] and Y[@vinyalsPointerNetworks2015]');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), 'see X and Y');
  });

  it('writes the plain reference into a code file as a line comment, unless the cursor is in one', async () => {
    // The formatted reference in the default style, APA (see ./csl.test.ts for the others).
    const reference = 'Vinyals, O., Fortunato, M., & Jaitly, N. (2015). Pointer Networks. NIPS 2015. https://arxiv.org/abs/1506.03134';
    const inComment = await openAtEnd('# ref: ', 'python');
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(inComment.document.getText(), `# ref: ${reference}`);

    const blankLine = await openAtEnd('import torch\n', 'python');
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
    assert.equal(blankLine.document.getText(), `import torch\n# ${reference}`);
  });

  it('writes a paper with markup in its text into HTML as text, and into a plain text file as written', async () => {
    const index = 'markup-title.json';
    const title = '<script>alert(1)</script> & "Quotes"';
    await vscode.workspace.fs.writeFile(workspaceFile(index), new TextEncoder().encode(JSON.stringify({ version: 1, papers: [{ id: 'markup-title', title, abstract: 'x' }] })));
    await setSetting('indexes', [index]);
    try {
      await vscode.commands.executeCommand('paperLookup.reloadIndexes');
      const html = await openAtEnd('<p>See ', 'html');
      assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'markup-title' }), true);
      // The formatted reference (APA: a paper without author and year is "Title. (n.d.)."; straight quotes become “ ”).
      assert.equal(html.document.getText(), '<p>See &lt;script&gt;alert(1)&lt;/script&gt; &amp; “Quotes.” (n.d.).');
      const plain = await openAtEnd('See ', 'plaintext');
      assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'markup-title' }), true);
      assert.equal(plain.document.getText(), 'See <script>alert(1)</script> & “Quotes.” (n.d.).');
    } finally {
      await setSetting('indexes', undefined);
      await vscode.workspace.fs.delete(workspaceFile(index));
    }
  });

  it('Alt+I in the picker inserts the highlighted paper and keeps the picker open; Enter then joins the citation', async () => {
    const editor = await openAtEnd('Networks: ', 'markdown');
    let settled = false;
    const command = Promise.resolve(vscode.commands.executeCommand<boolean>('paperLookup.insertCitation', { query: 'networks' })).finally(() => {
      settled = true;
    });
    // What Alt+I runs; it does nothing until the picker lists papers, so retrying is safe.
    for (let attempt = 0; attempt < 100 && editor.document.getText() === 'Networks: '; attempt++) {
      await vscode.commands.executeCommand('paperLookup.picker.insertAndContinue');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const first = /^Networks: \[@(\w+)\]$/.exec(editor.document.getText())?.[1];
    assert.ok(first, editor.document.getText());

    // The focus leaving the picker (a click in the editor, a question about the .bib) does not close it.
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(settled, false, 'the picker closed');

    await vscode.commands.executeCommand('workbench.action.focusQuickOpen');
    await vscode.commands.executeCommand('quickInput.next');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.equal(await command, true);
    const [, second] = /^Networks: \[@\w+; @(\w+)\]$/.exec(editor.document.getText()) ?? [];
    assert.ok(second && second !== first, editor.document.getText());
  });

  it('with no editor open, Insert Citation changes nothing and reports it', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(vscode.window.activeTextEditor, undefined);
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), false);
  });

  it('a document closed while the picker is open is not edited, and the message says it was closed', async () => {
    const editor = await openAtEnd('Pointers ', 'markdown');
    const command = vscode.commands.executeCommand<boolean>('paperLookup.insertCitation', { query: 'networks' });
    // Alt+I (what it runs does nothing until the picker lists papers): the picker now stays open when the focus leaves it.
    for (let attempt = 0; attempt < 100 && editor.document.getText() === 'Pointers '; attempt++) {
      await vscode.commands.executeCommand('paperLookup.picker.insertAndContinue');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // An untitled document reverted and closed is gone for good (a file's document may outlive its tab).
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    for (let attempt = 0; attempt < 50 && !editor.document.isClosed; attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(editor.document.isClosed, 'the untitled document was closed');
    const window = vscode.window as { showWarningMessage: unknown };
    const original = window.showWarningMessage;
    const warnings: string[] = [];
    window.showWarningMessage = (message: string) => {
      warnings.push(message);
      return Promise.resolve(undefined);
    };
    try {
      await vscode.commands.executeCommand('workbench.action.focusQuickOpen');
      await vscode.commands.executeCommand('quickInput.next');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await command, false);
    } finally {
      window.showWarningMessage = original;
    }
    assert.deepEqual(warnings, ['Paper Lookup: the untitled document has been closed; the citation was not inserted.']);
    assert.ok(!vscode.workspace.textDocuments.some((document) => document.uri.toString() === editor.document.uri.toString()), 'nothing opened it again');
  });

  it('does not edit a read-only document', async () => {
    const scheme = 'paperlookup-readonly';
    const content = new TextEncoder().encode('read only text');
    const provider: vscode.FileSystemProvider = {
      onDidChangeFile: new vscode.EventEmitter<vscode.FileChangeEvent[]>().event,
      watch: () => new vscode.Disposable(() => undefined),
      stat: () => ({ type: vscode.FileType.File, ctime: 0, mtime: 0, size: content.length }),
      readDirectory: () => [],
      createDirectory: () => undefined,
      readFile: () => content,
      writeFile: () => {
        throw vscode.FileSystemError.NoPermissions();
      },
      delete: () => undefined,
      rename: () => undefined,
    };
    const registration = vscode.workspace.registerFileSystemProvider(scheme, provider, { isReadonly: true });
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme, path: '/notes.md' }));
      await vscode.window.showTextDocument(document);
      assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), false);
      assert.equal(document.getText(), 'read only text');
    } finally {
      registration.dispose();
    }
  });
});

describe('Abstract panel', function () {
  this.timeout(30_000);

  it('opens for a paper with a nonce CSP and no inline script permission', async () => {
    const extension = await api();
    await vscode.commands.executeCommand('paperLookup.showAbstract', 'pointer-networks');
    const panel = extension.abstractPanel();
    assert.ok(panel, 'no abstract panel was shown');
    assert.equal(panel.paperId, 'pointer-networks');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(panel.html)?.[1];
    assert.ok(csp, 'the panel HTML has no CSP meta tag');
    assert.match(csp, /default-src 'none'/);
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? '';
    assert.match(scriptSrc, /'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval/);
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)?.[1];
    for (const script of panel.html.match(/<script[^>]*>/g) ?? []) assert.ok(script.includes(`nonce="${nonce}"`), script);
    assert.ok(!panel.html.includes('Pointer Networks'), 'paper data must reach the webview by message, not inside the HTML');
    // Math is typeset with KaTeX's stylesheet and fonts from the extension itself, under the same policy.
    assert.match(panel.html, /<link rel="stylesheet" href="[^"]+\/dist\/katex\/katex\.min\.css">/);
    const sources = (directive: string): string[] => new RegExp(`(?:^|; )${directive} ([^;]+)`).exec(csp)?.[1].split(' ') ?? [];
    for (const directive of ['style-src', 'font-src']) {
      // The webview's own resource origins (cspSource): no inline styles, no scheme or host wildcard.
      assert.deepEqual(sources(directive), sources('img-src'), directive);
      for (const source of sources(directive)) assert.doesNotMatch(source, /^'unsafe-|^\*$|^(?:https?|data|blob):$/, `${directive} ${source}`);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('Index files', function () {
  this.timeout(30_000);

  afterEach(async () => {
    await vscode.workspace.getConfiguration('paperLookup').update('indexes', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a broken index file is reported with its position and the bundled papers stay searchable', async () => {
    const extension = await api();
    const broken = workspaceFile('broken-index.json');
    await vscode.workspace.fs.writeFile(broken, new TextEncoder().encode('{\n  "version": 1,\n  "papers": [\n    { "title": "Ok", "abstract": "" },,\n  ]\n}\n'));
    const reloaded = new Promise<void>((resolve) => {
      const subscription = vscode.workspace.onDidChangeConfiguration(() => {
        subscription.dispose();
        resolve();
      });
    });
    await vscode.workspace.getConfiguration('paperLookup').update('indexes', ['broken-index.json', 'lab-index.json'], vscode.ConfigurationTarget.Workspace);
    await reloaded;
    const catalog = await vscode.commands.executeCommand<unknown>('paperLookup.reloadIndexes').then(() => extension.catalog());
    const error = catalog.problems.find((problem) => problem.file.endsWith('broken-index.json'));
    assert.ok(error, `no problem reported for broken-index.json: ${JSON.stringify(catalog.problems)}`);
    assert.equal(error.severity, 'error');
    assert.deepEqual([error.line, error.column], [4, 39]);
    const problemLine = formatProblem(error);
    assert.match(problemLine, /broken-index\.json:4:39: error: /);
    assert.ok((await outputChannelText('Paper Lookup', problemLine)).includes(problemLine), 'the Output channel names the file and position');
    assert.equal(catalog.search('pointer networks', 1)[0]?.paper.id, 'pointer-networks');
    assert.equal(catalog.search('attention is all you need', 1)[0]?.paper.source, 'Lab reading list');
  });
});
