/**
 * Formatted references in the real VS Code extension host: Insert Citation into a Python file writes the reference
 * in the `paperLookup.citation.style` style as a comment, in two bundled styles and in a .csl file of the workspace;
 * a style that cannot be used (missing, or a FIFO) falls back to APA; Copy Formatted Reference copies it; the hover shows it. The
 * "in Restricted Mode" test runs in `npm run test:integration:restricted` only.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as vscode from 'vscode';
import { setSetting, workspaceFile } from './helpers';

const APA = 'Vinyals, O., Fortunato, M., & Jaitly, N. (2015). Pointer Networks. NIPS 2015. https://arxiv.org/abs/1506.03134';
const IEEE = 'O. Vinyals, M. Fortunato, and N. Jaitly, “Pointer Networks,” in NIPS 2015, 2015. [Online]. Available: https://arxiv.org/abs/1506.03134';
const NATURE = 'Vinyals, O., Fortunato, M. & Jaitly, N. Pointer Networks. in NIPS 2015 (2015).';

async function insertIntoPython(text: string): Promise<string> {
  const document = await vscode.workspace.openTextDocument({ content: text, language: 'python' });
  const editor = await vscode.window.showTextDocument(document);
  const end = document.positionAt(text.length);
  editor.selection = new vscode.Selection(end, end);
  assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
  return document.getText();
}

describe('Formatted references (CSL)', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await setSetting('citation.style', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a .py comment gets the reference in the style set: APA, then IEEE', async () => {
    await setSetting('citation.style', 'apa');
    assert.equal(await insertIntoPython('import torch\n'), `import torch\n# ${APA}`);
    await setSetting('citation.style', 'ieee');
    assert.equal(await insertIntoPython('model = Pointer()  # see '), `model = Pointer()  # see ${IEEE}`);
  });

  it('a .csl file named relative to the workspace folder formats it; one that is missing gives APA', async () => {
    const nature = vscode.Uri.joinPath(vscode.extensions.getExtension('paper-lookup.paper-lookup')!.extensionUri, 'media', 'csl', 'nature.csl');
    const copy = workspaceFile('styles/my-nature.csl');
    await vscode.workspace.fs.createDirectory(workspaceFile('styles'));
    await vscode.workspace.fs.copy(nature, copy, { overwrite: true });
    try {
      await setSetting('citation.style', 'styles/my-nature.csl');
      assert.equal(await insertIntoPython('x = 1\n'), `x = 1\n# ${NATURE}`);
      await setSetting('citation.style', 'styles/no-such-style.csl');
      assert.equal(await insertIntoPython('x = 1\n'), `x = 1\n# ${APA}`);
    } finally {
      await vscode.workspace.fs.delete(workspaceFile('styles'), { recursive: true });
    }
  });

  it('a .csl path that is a FIFO is refused at once, and APA is used: the host does not wait for a writer', async () => {
    await vscode.workspace.fs.createDirectory(workspaceFile('styles'));
    const pipe = workspaceFile('styles/pipe.csl').fsPath;
    execFileSync('mkfifo', [pipe]);
    try {
      await setSetting('citation.style', 'styles/pipe.csl');
      assert.equal(await insertIntoPython('x = 1\n'), `x = 1\n# ${APA}`);
    } finally {
      rmSync(pipe, { force: true });
      await vscode.workspace.fs.delete(workspaceFile('styles'), { recursive: true });
    }
  });

  it('plainTemplate, when set, is written instead of the formatted reference', async () => {
    await setSetting('citation.plainTemplate', '${key}: ${title}');
    try {
      assert.equal(await insertIntoPython(''), '# vinyalsPointerNetworks2015: Pointer Networks');
    } finally {
      await setSetting('citation.plainTemplate', undefined);
    }
  });

  it('Copy Formatted Reference copies the reference as plain text', async () => {
    await setSetting('citation.style', 'ieee');
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('paperLookup.copyFormattedReference', 'pointer-networks');
    assert.equal(await vscode.env.clipboard.readText(), IEEE);
  });

  describe('in Restricted Mode', function () {
    before(function () {
      if (vscode.workspace.isTrusted) this.skip();
    });

    it('the workspace settings’ citation style is not used: the reference is in the user’s (the default, APA)', async () => {
      await setSetting('citation.style', 'ieee');
      assert.equal(await insertIntoPython('import torch\n'), `import torch\n# ${APA}`);
    });
  });

  it('the hover on a cited key shows the reference under the title', async () => {
    const document = await vscode.workspace.openTextDocument({ content: 'Pointers [@vinyalsPointerNetworks2015].\n', language: 'markdown' });
    await vscode.window.showTextDocument(document);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(0, 15));
    const markdown = hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n\n');
    const paragraphs = markdown.replace(/\\(.)/g, '$1').split('\n\n');
    assert.deepEqual(paragraphs.slice(0, 2), ['**Pointer Networks**', APA]);
  });
});
