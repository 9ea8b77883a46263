/**
 * Where Insert Citation may write, in the real extension host: .bib files inside the workspace folder are written;
 * one outside it (by path or behind a symlink) is written only after a modal question naming its real path, and
 * never in Restricted Mode; a file that is no .bib, or a name the file system cannot take, is refused in one line.
 * Also: one Insert Citation is one undo step, and Alt+I pressed quickly on three rows cites all three in order.
 *
 * The modal question is answered by standing in for `vscode.window.showWarningMessage` for the test's duration:
 * the tests run as part of the extension under development, so they share its `vscode` API object. Nothing in the
 * extension knows about it.
 *
 * The "in Restricted Mode" tests need a host whose workspace is not trusted:
 * `node test/integration/run-code-server.mjs --restricted` (npm run test:integration:restricted) runs them; in a
 * trusted host they are skipped, and the trusted ones are skipped in the restricted host.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, runAnsweringNotification, setSetting, writeProject } from './helpers';

interface Shown {
  readonly message: string;
  readonly modal: boolean;
  readonly detail?: string;
}

/**
 * Records every warning and error message shown while it is installed; modal warnings are answered with what
 * `answer` returns for them instead of being shown (a modal dialog cannot be clicked from here).
 */
function recordMessages(answer: (shown: Shown, items: readonly string[]) => string | undefined = () => undefined): { readonly shown: Shown[]; restore(): void } {
  const window = vscode.window as { showWarningMessage: unknown; showErrorMessage: unknown };
  const originals = { showWarningMessage: window.showWarningMessage, showErrorMessage: window.showErrorMessage };
  const shown: Shown[] = [];
  const stand = (name: keyof typeof originals) => (message: string, ...rest: unknown[]): Thenable<unknown> => {
    const options = typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0]) ? (rest[0] as vscode.MessageOptions) : undefined;
    const items = rest.slice(options ? 1 : 0).filter((item): item is string => typeof item === 'string');
    const record = { message, modal: options?.modal === true, detail: options?.detail };
    shown.push(record);
    if (record.modal) return Promise.resolve(name === 'showWarningMessage' ? answer(record, items) : undefined);
    return (originals[name] as (...args: unknown[]) => Thenable<unknown>).call(vscode.window, message, ...rest);
  };
  window.showWarningMessage = stand('showWarningMessage');
  window.showErrorMessage = stand('showErrorMessage');
  return {
    shown,
    restore() {
      window.showWarningMessage = originals.showWarningMessage;
      window.showErrorMessage = originals.showErrorMessage;
    },
  };
}

async function openWithCursorAtEnd(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const end = editor.document.positionAt(editor.document.getText().length);
  editor.selection = new vscode.Selection(end, end);
  return editor;
}

const cite = (paperId: string): Thenable<boolean> => vscode.commands.executeCommand<boolean>('paperLookup.insertCitation', { paperId });

/** A folder beside the workspace folder (outside it), made fresh. */
function outsideFolder(name: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  const outside = path.join(path.dirname(folder.uri.fsPath), name);
  rmSync(outside, { recursive: true, force: true });
  mkdirSync(outside);
  return realpathSync(outside);
}

const SHARED_BIB = '@misc{shared2020,\n  title = {Shared entry},\n  year = {2020}\n}\n';

describe('Write targets', function () {
  this.timeout(60_000);
  let messages: ReturnType<typeof recordMessages> | undefined;

  afterEach(async () => {
    messages?.restore();
    messages = undefined;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const setting of ['bibliographyFile', 'citation.addToBibliography']) await setSetting(setting, undefined);
  });

  describe('in a trusted workspace', function () {
    before(function () {
      if (!vscode.workspace.isTrusted) this.skip();
    });
    beforeEach(() => setSetting('citation.addToBibliography', 'always'));

    it('bibliographyFile behind a symlink that leaves the folder: asks with the real path, writes nothing on No, appends on Yes', async () => {
      const outside = outsideFolder('write-targets-outside');
      const real = path.join(outside, 'shared.bib');
      writeFileSync(real, SHARED_BIB);
      const files = await writeProject('write-targets-1', { 'notes.md': 'Pointers ' });
      const link = path.join(path.dirname(files['notes.md'].fsPath), 'linked.bib');
      symlinkSync(real, link);
      await setSetting('bibliographyFile', path.relative(vscode.workspace.workspaceFolders![0].uri.fsPath, link));

      let answerYes = false;
      messages = recordMessages((_shown, items) => (answerYes ? items[0] : undefined));
      const editor = await openWithCursorAtEnd(files['notes.md']);
      assert.equal(await cite('pointer-networks'), true);
      const questions = messages.shown.filter((shown) => shown.modal);
      assert.equal(questions.length, 1, JSON.stringify(messages.shown));
      assert.ok(questions[0].message.includes(real), questions[0].message);
      assert.equal(readFileSync(real, 'utf8'), SHARED_BIB, 'No must write nothing');
      assert.equal(editor.document.getText(), 'Pointers [@vinyalsPointerNetworks2015]', 'the citation still goes in');

      answerYes = true;
      assert.equal(await cite('pointer-networks'), true);
      assert.equal(messages.shown.filter((shown) => shown.modal).length, 2);
      assert.match(readFileSync(real, 'utf8'), /^@\w+\{vinyalsPointerNetworks2015,$/m);
      // Agreed once for the session: the next paper goes there without a question.
      assert.equal(await cite('efficiently-modeling-long-sequences-with-structured-state-spaces'), true);
      assert.equal(messages.shown.filter((shown) => shown.modal).length, 2);
    });

    it('a document that declares a .bib outside the workspace by .. asks too', async () => {
      const outside = outsideFolder('write-targets-dotdot');
      writeFileSync(path.join(outside, 'refs.bib'), '');
      const files = await writeProject('write-targets-2', { 'notes.md': '---\nbibliography: ../../write-targets-dotdot/refs.bib\n---\nPointers ' });
      messages = recordMessages();
      await openWithCursorAtEnd(files['notes.md']);
      assert.equal(await cite('pointer-networks'), true);
      const questions = messages.shown.filter((shown) => shown.modal);
      assert.equal(questions.length, 1, JSON.stringify(messages.shown));
      assert.ok(questions[0].message.includes(path.join(outside, 'refs.bib')), questions[0].message);
      assert.equal(readFileSync(path.join(outside, 'refs.bib'), 'utf8'), '');
    });

    it('a target that is no .bib (an rc file) is refused in one message naming it, and not written', async () => {
      const outside = outsideFolder('write-targets-rc');
      const rc = path.join(outside, '.bashrc');
      writeFileSync(rc, 'export PATH\n');
      const files = await writeProject('write-targets-3', { 'paper.tex': '\\documentclass{article}\n\\begin{document}\nPointers \n\\end{document}\n' });
      await setSetting('bibliographyFile', rc);
      messages = recordMessages(() => assert.fail('no question for a file that is never written'));
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(files['paper.tex']));
      editor.selection = new vscode.Selection(2, 9, 2, 9);
      assert.equal(await cite('pointer-networks'), true);
      assert.equal(readFileSync(rc, 'utf8'), 'export PATH\n');
      const refusals = messages.shown.filter((shown) => shown.message.includes(rc));
      assert.equal(refusals.length, 1, JSON.stringify(messages.shown));
      assert.equal(refusals[0].modal, false);
      assert.match(editor.document.getText(), /Pointers \\cite\{vinyalsPointerNetworks2015\}/);
    });

    it('a declared bibliography name over 255 bytes gives one short line, no modal error, and nothing is written', async () => {
      const name = `${'x'.repeat(300)}.bib`;
      const files = await writeProject('write-targets-4', { 'notes.md': `---\nbibliography: ${name}\n---\nPointers ` });
      messages = recordMessages(() => assert.fail('no question for a name that cannot be used'));
      const editor = await openWithCursorAtEnd(files['notes.md']);
      assert.equal(await cite('pointer-networks'), true);
      assert.equal(messages.shown.length, 1, JSON.stringify(messages.shown));
      assert.equal(messages.shown[0].modal, false);
      assert.doesNotMatch(messages.shown[0].message, /\n/);
      assert.ok(messages.shown[0].message.length < 200, messages.shown[0].message);
      assert.ok(editor.document.getText().endsWith('Pointers [@vinyalsPointerNetworks2015]'));
      const folder = path.dirname(files['notes.md'].fsPath);
      assert.deepEqual((await vscode.workspace.fs.readDirectory(vscode.Uri.file(folder))).map(([entry]) => entry), ['notes.md']);
    });

    it('one Insert Citation that also declares references.bib is one undo step', async () => {
      const original = 'Pointer networks are old.\n';
      const files = await writeProject('write-targets-5', { 'notes.md': original });
      const editor = await openWithCursorAtEnd(files['notes.md']);
      assert.equal(await runAnsweringNotification('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
      assert.equal(editor.document.getText(), `---\nbibliography: references.bib\n---\n\n${original}[@vinyalsPointerNetworks2015]`);
      await vscode.commands.executeCommand('undo');
      assert.equal(editor.document.getText(), original);
    });

    it('Alt+I pressed quickly on three rows cites all three, in the order of the rows, and adds all three to the .bib', async () => {
      // Each insert asks whether to add its paper to refs.bib: the questions come one at a time, in the order of the rows.
      await setSetting('citation.addToBibliography', 'ask');
      const extension = await api();
      const catalog = await extension.catalog();
      // The live preview shows the highlighted row in the open abstract panel: that is how the rows are read here.
      await vscode.commands.executeCommand('paperLookup.showAbstract', 'efficiently-modeling-long-sequences-with-structured-state-spaces');
      const files = await writeProject('write-targets-8', { 'notes.md': '---\nbibliography: refs.bib\n---\nNetworks: ', 'refs.bib': '' });
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(files['notes.md']), vscode.ViewColumn.One);
      editor.selection = new vscode.Selection(3, 10, 3, 10);
      const highlighted = async (differentFrom?: string): Promise<string> => {
        for (let attempt = 0; attempt < 100; attempt++) {
          const shown = extension.abstractPanel()?.paperId;
          if (shown && shown !== differentFrom && shown !== 'efficiently-modeling-long-sequences-with-structured-state-spaces') return shown;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return assert.fail('the live preview did not follow the picker');
      };
      const command = vscode.commands.executeCommand<boolean>('paperLookup.insertCitation', { query: 'networks' });
      const rows = [await highlighted()];
      for (let row = 1; row < 3; row++) {
        await vscode.commands.executeCommand('quickInput.next');
        rows.push(await highlighted(rows[row - 1]));
      }
      await vscode.commands.executeCommand('quickInput.previous');
      await vscode.commands.executeCommand('quickInput.previous');
      assert.equal(await highlighted(rows[2]), rows[0]);

      // Three rows in quick succession: no waiting for one insert before the next press.
      await vscode.commands.executeCommand('paperLookup.picker.insertAndContinue');
      await vscode.commands.executeCommand('quickInput.next');
      await vscode.commands.executeCommand('paperLookup.picker.insertAndContinue');
      await vscode.commands.executeCommand('quickInput.next');
      await vscode.commands.executeCommand('paperLookup.picker.insertAndContinue');
      const keys = (): string[] => [...editor.document.getText().matchAll(/@(\w+)/g)].map((match) => match[1]);
      const bibKeys = async (): Promise<string[]> =>
        [...new TextDecoder().decode(await vscode.workspace.fs.readFile(files['refs.bib'])).matchAll(/^@\w+\{(\w+),$/gm)].map((match) => match[1]);
      // Answers "Add" to the newest question, as a user clicking it would, until all three are cited and added.
      for (let attempt = 0; attempt < 150 && (keys().length < 3 || (await bibKeys()).length < 3); attempt++) {
        await vscode.commands.executeCommand('notification.acceptPrimaryAction');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await command;
      const expected = rows.map((id) => catalog.get(id)?.key);
      assert.equal(editor.document.getText(), `---\nbibliography: refs.bib\n---\nNetworks: [@${expected.join('; @')}]`);
      assert.deepEqual(await bibKeys(), expected);
    });
  });

  describe('in Restricted Mode', function () {
    before(function () {
      if (vscode.workspace.isTrusted) this.skip();
    });

    it('a .bib outside the workspace, declared by a document or behind a symlink, is never written, and the message says why', async () => {
      const outside = outsideFolder('write-targets-untrusted');
      const real = path.join(outside, 'shared.bib');
      writeFileSync(real, SHARED_BIB);
      const files = await writeProject('write-targets-6', {
        'paper.tex': '\\documentclass{article}\n\\addbibresource{../../write-targets-untrusted/shared.bib}\n\\begin{document}\nPointers \n\\end{document}\n',
        'linked.md': '---\nbibliography: linked.bib\n---\nPointers ',
      });
      symlinkSync(real, path.join(path.dirname(files['linked.md'].fsPath), 'linked.bib'));
      messages = recordMessages(() => assert.fail('Restricted Mode must not even ask'));
      const tex = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(files['paper.tex']));
      tex.selection = new vscode.Selection(3, 9, 3, 9);
      assert.equal(await cite('pointer-networks'), true);
      await openWithCursorAtEnd(files['linked.md']);
      assert.equal(await cite('pointer-networks'), true);
      assert.equal(readFileSync(real, 'utf8'), SHARED_BIB);
      const refusals = messages.shown.filter((shown) => shown.message.includes(real));
      assert.equal(refusals.length, 2, JSON.stringify(messages.shown));
      for (const refusal of refusals) {
        assert.equal(refusal.modal, false);
        assert.match(refusal.message, /not trusted/);
      }
    });

    it('paperLookup.bibliographyFile from workspace settings pointing outside is not used', async () => {
      const outside = outsideFolder('write-targets-untrusted-setting');
      const real = path.join(outside, 'shared.bib');
      writeFileSync(real, SHARED_BIB);
      await setSetting('bibliographyFile', real);
      const files = await writeProject('write-targets-7', { 'notes.md': 'Pointers ' });
      messages = recordMessages(() => assert.fail('Restricted Mode must not even ask'));
      await openWithCursorAtEnd(files['notes.md']);
      // Whatever is offered instead (references.bib beside the document) is answered yes.
      assert.equal(await runAnsweringNotification('paperLookup.insertCitation', { paperId: 'pointer-networks' }), true);
      assert.equal(readFileSync(real, 'utf8'), SHARED_BIB);
      assert.ok(existsSync(path.join(path.dirname(files['notes.md'].fsPath), 'references.bib')), 'references.bib beside the document is offered instead');
    });
  });
});
