/**
 * Files that would hang or exhaust the extension host, in the real host: an index that is a FIFO and one that is
 * a symlink to /dev/zero, listed beside a good index file, and a document's bibliography holding an abstract of
 * 300,000 characters, which the BibTeX parser would take half a minute on.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import * as vscode from 'vscode';
import { api, setSetting, workspaceFile, writeProject } from './helpers';

const goodIndex = JSON.stringify({ version: 1, name: 'Good', papers: [{ id: 'beside-the-pipe', title: 'A Paper Beside The Pipe', abstract: 'Loaded.' }] });

describe('Files that are not regular files, or too slow to parse', function () {
  this.timeout(60_000);
  const made: string[] = [];

  after(async () => {
    await setSetting('indexes', undefined);
    for (const file of made) rmSync(file, { force: true });
  });

  it('loads the good index and the bundled papers beside a FIFO and a /dev/zero link, names both, and the host keeps reading files', async () => {
    const extension = await api();
    const { 'good.json': good } = await writeProject('unreadable', { 'good.json': goodIndex });
    const pipe = workspaceFile('unreadable/pipe.json').fsPath;
    const zero = workspaceFile('unreadable/zero.json').fsPath;
    made.push(pipe, zero);
    execFileSync('mkfifo', [pipe]);
    symlinkSync('/dev/zero', zero);
    await setSetting('indexes', ['unreadable/pipe.json', 'unreadable/zero.json', 'unreadable/good.json']);
    // Each reload once left a thread of the shared I/O pool waiting on the FIFO; four and no file could be read.
    for (let reload = 0; reload < 5; reload++) await vscode.commands.executeCommand('paperLookup.reloadIndexes');
    const catalog = await extension.catalog();
    assert.ok(catalog.get('beside-the-pipe'), 'the good index file loaded');
    assert.ok(catalog.size > 40, 'the bundled papers loaded');
    assert.deepEqual(
      catalog.problems.map((problem) => `${problem.file}: ${problem.message}`),
      [`${pipe}: pipe.json is a FIFO (named pipe), not a regular file; not read.`, `${zero}: zero.json is a character device, not a regular file; not read.`],
    );
    // The host still reads files: the I/O pool is free.
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(good)), goodIndex);
  });

  it('hovers a key of a bibliography that holds a 300,000-character abstract, showing the other entries', async () => {
    await api();
    const huge = `@article{huge,\n  title = {Huge},\n  abstract = {${'word '.repeat(60_000)}}\n}\n`;
    const small = '@misc{smallEntry,\n  title = {A Small Entry Beside A Huge One},\n  year = {2021}\n}\n';
    const text = '---\nbibliography: refs.bib\n---\nAs [@smallEntry] shows.\n';
    const files = await writeProject('huge-bib', { 'refs.bib': huge + small, 'notes.md': text });
    const document = await vscode.workspace.openTextDocument(files['notes.md']);
    await vscode.window.showTextDocument(document);
    const position = document.positionAt(text.indexOf('smallEntry') + 2);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    const shown = hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n').replace(/\\(.)/g, '$1');
    assert.match(shown, /A Small Entry Beside A Huge One/);
  });
});
