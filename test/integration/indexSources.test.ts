/**
 * The user's own indexes in the real extension host: globs, BibTeX files, and reloading when a file changes.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { PaperLookupApi } from '../../src/extension';

const encoder = new TextEncoder();

async function api(): Promise<PaperLookupApi> {
  const exports = await vscode.extensions.getExtension<PaperLookupApi>('paper-lookup.paper-lookup')?.activate();
  assert.ok(exports, 'the extension did not activate');
  return exports;
}

function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host must open the fixture workspace');
  return vscode.Uri.joinPath(folder.uri, name);
}

const index = (title: string): string => JSON.stringify({ version: 1, name: `Index with ${title}`, papers: [{ id: title.toLowerCase().replace(/\W+/g, '-'), title, abstract: 'x' }] });

/** Waits until the library has reloaded and `check` holds, or fails after a few seconds. */
async function eventually(extension: PaperLookupApi, check: (titles: string[]) => boolean): Promise<string[]> {
  let titles: string[] = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    titles = [...(await extension.catalog())].map((paper) => paper.title);
    if (check(titles)) return titles;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`condition not met; titles: ${titles.slice(-5).join(' | ')}`);
}

describe('Index sources', function () {
  this.timeout(30_000);

  afterEach(async () => {
    await vscode.workspace.getConfiguration('paperLookup').update('indexes', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('loads every file a glob matches, and .bib files as indexes', async () => {
    const extension = await api();
    await vscode.workspace.fs.writeFile(workspaceFile('globbed/a.json'), encoder.encode(index('Glob Paper Alpha')));
    await vscode.workspace.fs.writeFile(workspaceFile('globbed/b.json'), encoder.encode(index('Glob Paper Beta')));
    await vscode.workspace.fs.writeFile(
      workspaceFile('library.bib'),
      encoder.encode('@article{smith2020bib,\n  title = {A Paper From A Bib File},\n  author = {Smith, Ann},\n  year = {2020},\n  abstract = {Loaded from BibTeX.}\n}\n'),
    );
    await vscode.workspace.getConfiguration('paperLookup').update('indexes', ['globbed/*.json', 'library.bib'], vscode.ConfigurationTarget.Workspace);
    const titles = await eventually(extension, (loaded) => loaded.includes('A Paper From A Bib File'));
    assert.ok(titles.includes('Glob Paper Alpha') && titles.includes('Glob Paper Beta'), titles.slice(-5).join(' | '));
    const catalog = await extension.catalog();
    const fromBib = catalog.search('loaded from bibtex', 1)[0]?.paper;
    assert.equal(fromBib?.title, 'A Paper From A Bib File');
    assert.equal(fromBib?.source, 'library.bib');
    assert.deepEqual(fromBib?.authors, ['Ann Smith']);
  });

  it('reloads when an index file changes on disk', async () => {
    const extension = await api();
    const file = workspaceFile('watched-index.json');
    await vscode.workspace.fs.writeFile(file, encoder.encode(index('Before The Change')));
    await vscode.workspace.getConfiguration('paperLookup').update('indexes', ['watched-index.json'], vscode.ConfigurationTarget.Workspace);
    await eventually(extension, (titles) => titles.includes('Before The Change'));
    await vscode.workspace.fs.writeFile(file, encoder.encode(index('After The Change')));
    const titles = await eventually(extension, (loaded) => loaded.includes('After The Change'));
    assert.ok(!titles.includes('Before The Change'));
  });

  it('an index file deleted while the papers load: the other index still loads, and a problem names the missing file', async () => {
    const extension = await api();
    const kept = workspaceFile('kept-index.json');
    const deleted = workspaceFile('deleted-index.jsonl');
    await vscode.workspace.fs.writeFile(kept, encoder.encode(index('The Index That Stays')));
    // Big enough that the deletion lands while it is being read (or just after: then the watcher's reload finds it gone).
    const line = (i: number): string => JSON.stringify({ id: `2401.${String(i).padStart(5, '0')}`, title: `Streamed Paper ${i}`, abstract: 'words '.repeat(40), authors: 'A. Author', update_date: '2024-01-02' });
    await vscode.workspace.fs.writeFile(deleted, encoder.encode(Array.from({ length: 20_000 }, (_, i) => line(i)).join('\n')));
    await vscode.workspace.getConfiguration('paperLookup').update('indexes', ['deleted-index.jsonl', 'kept-index.json'], vscode.ConfigurationTarget.Workspace);
    const loading = extension.catalog();
    await vscode.workspace.fs.delete(deleted);
    await loading;
    const titles = await eventually(extension, (loaded) => loaded.includes('The Index That Stays') && !loaded.includes('Streamed Paper 0'));
    assert.ok(titles.includes('The Index That Stays'));
    const catalog = await extension.catalog();
    const missing = catalog.problems.find((problem) => problem.file.endsWith('deleted-index.jsonl'));
    assert.ok(missing, `a problem names the deleted file; problems: ${JSON.stringify(catalog.problems.map((problem) => problem.message))}`);
    assert.match(missing.message, /not found/i);
    assert.ok(catalog.sources.some((source) => source.location.endsWith('kept-index.json') && source.paperCount === 1), 'the other index is a source with its paper');
  });

  it('puts index-file problems in the Problems panel at their line, and clears them when the file is fixed', async () => {
    const extension = await api();
    const file = workspaceFile('problems-index.bib');
    await vscode.workspace.fs.writeFile(
      file,
      encoder.encode('@article{good2021,\n  title = {A Good Entry},\n  year = {2021}\n}\n\n@article{untitled2022,\n  year = {2022}\n}\n'),
    );
    await vscode.workspace.getConfiguration('paperLookup').update('indexes', ['problems-index.bib'], vscode.ConfigurationTarget.Workspace);
    await eventually(extension, (titles) => titles.includes('A Good Entry'));
    const diagnostics = await eventuallyDiagnostics(file, (found) => found.length > 0);
    assert.deepEqual(diagnostics.map((d) => [d.severity, d.range.start.line, d.source]), [[vscode.DiagnosticSeverity.Error, 5, 'Paper Lookup']]);
    assert.match(diagnostics[0].message, /untitled2022.*no title/);
    // Each source says how long reading it took: small indexes are read by the extension host, never cached.
    const sources = (await extension.catalog()).sources;
    assert.deepEqual(
      sources.map((source) => [source.name, source.reading?.in]),
      [
        ['Bundled papers', 'host'],
        ['problems-index.bib', 'host'],
      ],
    );
    // The command opens the Sources view instead of failing or only showing a log.
    await vscode.commands.executeCommand('paperLookup.showIndexStatus');
    await vscode.workspace.fs.writeFile(file, encoder.encode('@article{good2021,\n  title = {A Good Entry},\n  year = {2021}\n}\n'));
    assert.deepEqual(await eventuallyDiagnostics(file, (found) => found.length === 0), []);
  });
});

async function eventuallyDiagnostics(uri: vscode.Uri, check: (found: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = vscode.languages.getDiagnostics(uri);
    if (check(found)) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`diagnostics not as expected: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message))}`);
}
