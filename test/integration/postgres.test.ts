/**
 * A shared catalog on PostgreSQL in the real extension host: a throwaway cluster (scripts/postgres-cluster.mjs,
 * run as a program: the host cannot import it) holds papers no local index has; with its URL in
 * paperLookup.indexes they are found as the picker finds them, cited into a .bib like any paper, and a server that
 * stops leaves the local search working.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clientConfig } from '../../src/postgres/connection';
import { loadFiles } from '../../src/postgres/loader';
import { ensureSchema } from '../../src/postgres/schema';
import { connect } from '../../src/postgres/search';
import { api, setSetting, writeProject } from './helpers';

const root = path.join(__dirname, '..', '..', '..');
const clusterScript = path.join(root, 'scripts', 'postgres-cluster.mjs');

interface ClusterInfo {
  readonly url: string;
  readonly dataDir: string;
}

/** Runs the cluster script with the Node that runs this host; its output, or undefined when PostgreSQL is missing. */
function clusterCommand(...args: string[]): string | undefined {
  const result = spawnSync(process.execPath, [clusterScript, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (result.status !== 0) {
    if (/initdb|ENOENT/.test(result.stderr) && !process.env.CI) return undefined;
    assert.fail(`postgres-cluster.mjs ${args.join(' ')} failed: ${result.stderr}`);
  }
  return result.stdout;
}

describe('Shared catalog on PostgreSQL', function () {
  this.timeout(120_000);
  let cluster: ClusterInfo | undefined;

  before(async function () {
    const started = clusterCommand('start', '--database', 'papers');
    if (started === undefined) this.skip();
    cluster = JSON.parse(started) as ClusterInfo;
    const client = await connect(clientConfig(cluster.url));
    try {
      await ensureSchema(client);
      await loadFiles(client, [path.join(root, 'test', 'fixtures', 'postgres', 'sql-injection.jsonl')]);
    } finally {
      await client.end();
    }
    await setSetting('citation.addToBibliography', 'always');
    await setSetting('indexes', [cluster.url]);
  });

  after(async () => {
    await setSetting('indexes', undefined);
    await setSetting('citation.addToBibliography', undefined);
    if (cluster) clusterCommand('stop', cluster.dataDir);
  });

  it('finds server papers as you type and cites one into the document\'s .bib', async () => {
    const extension = await api();
    assert.equal((await extension.catalog()).get('2401.00004'), undefined, 'the paper is only on the server');
    const hits = await extension.sharedCatalogSearch('ostergard garcia', 10);
    assert.equal(hits?.[0]?.paper.title, 'Accents folded: Østergaard, García and the Straße to Gödel');
    const { 'notes.md': notes, 'refs.bib': refs } = await writeProject('pg-project', {
      'notes.md': '---\nbibliography: refs.bib\n---\n\nFolding matters.\n',
      'refs.bib': '',
    });
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(notes));
    editor.selection = new vscode.Selection(new vscode.Position(4, 15), new vscode.Position(4, 15));
    assert.equal(await vscode.commands.executeCommand('paperLookup.insertCitation', { paperId: '2401.00004' }), true);
    assert.match(editor.document.getText(), /Folding matters\[@ostergaardAccentsFoldedOstergaard2024\]/);
    const bib = (await vscode.workspace.openTextDocument(refs)).getText();
    assert.match(bib, /@misc\{ostergaardAccentsFoldedOstergaard2024,/);
    assert.match(bib, /eprint = \{2401\.00004\}/);
  });

  it('offers server papers in citation completion, and accepting one adds its entry to the .bib', async () => {
    const { 'draft.md': draft, 'refs.bib': refs } = await writeProject('pg-completion', {
      'draft.md': '---\nbibliography: refs.bib\n---\n\nAs shown [@ostergard',
      'refs.bib': '',
    });
    const document = await vscode.workspace.openTextDocument(draft);
    await vscode.window.showTextDocument(document);
    const position = document.positionAt(document.getText().length);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    const item = list.items.find((candidate) => candidate.insertText === 'ostergaardAccentsFoldedOstergaard2024');
    assert.ok(item, `no server paper among ${list.items.map((candidate) => String(candidate.insertText)).join(', ') || 'no items'}`);
    assert.ok(item.command);
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    assert.match((await vscode.workspace.openTextDocument(refs)).getText(), /@misc\{ostergaardAccentsFoldedOstergaard2024,[^]*eprint = \{2401\.00004\}/);
  });

  it('keeps the local search working when the server stops mid-session', async () => {
    assert.ok(cluster);
    const extension = await api();
    const dataDir = cluster.dataDir;
    // The cluster script stops a server and removes its directory; a stopped server is all this test needs.
    clusterCommand('stop', dataDir);
    cluster = undefined;
    assert.deepEqual(await extension.sharedCatalogSearch('pointer networks', 10), []);
    assert.equal((await extension.catalog()).search('pointer networks', 1)[0]?.paper.title, 'Pointer Networks');
  });
});
