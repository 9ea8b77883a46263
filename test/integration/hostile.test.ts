/**
 * The hostile corpus (test/fixtures/hostile: JSON, JSON Lines and BibTeX) loaded into the real extension host at
 * once, and index reloads racing searches. The parsers' verdicts on each file are the unit tests'; here the
 * extension must read every file in its format, stay up, keep the bundled papers, load the good entries and report
 * every problem with its file, line and column, in the catalog and in the Output channel.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseBibIndexText } from '../../src/sources/bibSource';
import { PaperCatalog, type PublicCatalog } from '../../src/catalog/catalog';
import type { IndexSource } from '../../src/sources/paperSource';
import { parseArxivJsonl } from '../../src/sources/jsonlSource';
import { isCslJsonText, parseCslJsonText } from '../../src/sources/cslJson';
import { formatProblem, isHttpsLink, parseIndexText, type ParsedIndex } from '../../src/sources/parseIndex';
import { api, outputChannelText, setSetting, workspaceFile } from './helpers';

const EXTENSION_ID = 'paper-lookup.paper-lookup';
const HOSTILE_FOLDER = 'hostile-indexes';
/** In the corpus, a folder named like an index file. */
const DIRECTORY_CASE = 'directory-not-a-file.json';

/** The corpus in the repository, beside the extension under test. */
function corpusDir(): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the test host`);
  return path.join(extension.extensionUri.fsPath, 'test', 'fixtures', 'hostile');
}

/** What the pure parser for the file's format makes of it: the oracle for what the extension must load. */
async function parseLikeTheExtension(file: string, text: string): Promise<ParsedIndex> {
  if (/\.jsonl$/.test(file)) {
    return parseArxivJsonl((async function* () {
      yield text;
    })(), file);
  }
  return /\.bib$/.test(file) ? parseBibIndexText(text, file) : isCslJsonText(text) ? parseCslJsonText(text, file) : parseIndexText(text, file);
}

/** Polls the catalog until `check` holds (index reloads are debounced and asynchronous). */
async function catalogWhen(check: (catalog: PublicCatalog) => boolean, what: string): Promise<PublicCatalog> {
  const extension = await api();
  for (let attempt = 0; attempt < 150; attempt++) {
    const catalog = await extension.catalog();
    if (check(catalog)) return catalog;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Hostile index files in the extension host', function () {
  this.timeout(180_000);

  after(async () => {
    await setSetting('indexes', undefined);
  });

  it('loads every hostile file in its format beside the bundled papers, and reports each problem as file:line:column', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const names = readdirSync(corpusDir()).filter((name) => /\.(json|jsonl|bib)$/.test(name) && name !== DIRECTORY_CASE).sort();
    assert.ok(names.some((name) => name.endsWith('.jsonl')) && names.some((name) => name.endsWith('.bib')));
    // Copied byte for byte into the workspace, and the folder case made there too.
    for (const name of names) {
      await vscode.workspace.fs.writeFile(workspaceFile(`${HOSTILE_FOLDER}/${name}`), readFileSync(path.join(corpusDir(), name)));
    }
    await vscode.workspace.fs.createDirectory(workspaceFile(`${HOSTILE_FOLDER}/${DIRECTORY_CASE}`));
    const entries = [...names, DIRECTORY_CASE].map((name) => `${HOSTILE_FOLDER}/${name}`);

    // What the extension must end up with: the bundled papers, then every file's good entries, merged as the catalog merges.
    const bundledFile = path.join(extension!.extensionUri.fsPath, 'data', 'papers.json');
    const bundled = parseIndexText(readFileSync(bundledFile, 'utf8'), bundledFile);
    const sources: IndexSource[] = [{ name: 'Bundled papers', location: bundledFile, papers: bundled.papers, problems: bundled.problems }];
    for (const name of names) {
      const location = workspaceFile(`${HOSTILE_FOLDER}/${name}`).fsPath;
      const parsed = await parseLikeTheExtension(location, readFileSync(path.join(corpusDir(), name), 'utf8'));
      sources.push({ name: parsed.name ?? name, location, papers: parsed.papers, problems: parsed.problems });
    }
    const folder = workspaceFile(`${HOSTILE_FOLDER}/${DIRECTORY_CASE}`).fsPath;
    const folderProblem = { severity: 'error', file: folder, line: 1, column: 1, message: 'Expected an index file but found a directory.' } as const;
    sources.push({ name: DIRECTORY_CASE, location: folder, papers: [], problems: [folderProblem] });
    const expected = new PaperCatalog(sources);

    await setSetting('indexes', entries);
    const catalog = await catalogWhen((loaded) => loaded.problems.some((problem) => problem.file.endsWith(DIRECTORY_CASE)), 'the hostile indexes to load');

    assert.ok(extension?.isActive, 'the extension is still active');
    assert.equal([...catalog].filter((paper) => paper.source.split(' + ').includes('Bundled papers')).length, 46, 'the bundled papers are all there');
    assert.equal(catalog.search('pointer networks', 1)[0]?.paper.id, 'pointer-networks', 'and searchable');
    assert.deepEqual(
      [...catalog].map((paper) => `${paper.title} [${paper.source}] ${paper.key}`),
      [...expected].map((paper) => `${paper.title} [${paper.source}] ${paper.key}`),
      'every good entry of every file loads, in order',
    );
    for (const paper of catalog) if (paper.url !== undefined) assert.ok(isHttpsLink(paper.url), `${paper.title}: url ${paper.url}`);
    const found = (query: string): string[] => catalog.search(query, 5).map((hit) => hit.paper.title);
    assert.ok(found('after the unbalanced entry').includes('After The Unbalanced Entry'), 'a good .bib entry after a broken one is searchable');
    assert.ok(found('after the broken line').includes('After The Broken Line'), 'a good JSON Lines record after a broken one is searchable');

    // Every problem of every file (and the folder), each naming its file, line and column.
    const problemLines = catalog.problems.map(formatProblem);
    assert.deepEqual(problemLines, expected.problems.map(formatProblem));

    // The Output channel has every problem on a line of its own, as file:line:column.
    const text = await outputChannelText('Paper Lookup', formatProblem(folderProblem));
    const lines = new Set(text.split('\n'));
    for (const line of problemLines) assert.ok(lines.has(line), `not in the Output channel: ${line}`);
  });

  it('a reload during searches gives each search the old or the new papers, never a mix and never an error', async () => {
    const extension = await api();
    const file = workspaceFile('reload-race.json');
    const indexOf = (label: string): Uint8Array =>
      new TextEncoder().encode(JSON.stringify({
        version: 1,
        name: `Race ${label}`,
        papers: Array.from({ length: 5 }, (_, i) => ({ id: `race-${label}-${i}`, title: `Racing Reload Probe ${label} ${i}`, abstract: `zebrafinch quokka ${label}` })),
      }));
    await vscode.workspace.fs.writeFile(file, indexOf('old'));
    await setSetting('indexes', ['reload-race.json']);
    await catalogWhen((catalog) => catalog.get('race-old-0') !== undefined, 'the old race index');

    const resultSets: string[][] = [];
    let changing = true;
    const searching = (async () => {
      while (changing) {
        const hits = (await extension.catalog()).search('zebrafinch quokka', 20);
        resultSets.push(hits.map((hit) => hit.paper.id));
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Both ways a reload starts: the file changes on disk (the watcher), and the setting changes.
    for (const label of ['new', 'old', 'new', 'old', 'new']) {
      await vscode.workspace.fs.writeFile(file, indexOf(label));
      await catalogWhen((catalog) => catalog.get(`race-${label}-0`) !== undefined, `the ${label} race index`);
    }
    // The same file by another spelling: a settings change, so a reload, with the same papers.
    await setSetting('indexes', ['./reload-race.json']);
    await vscode.commands.executeCommand('paperLookup.reloadIndexes');
    changing = false;
    await searching;

    const sets = new Set(resultSets.map((ids) => [...ids].sort().join(' ')));
    const whole = (label: string): string => Array.from({ length: 5 }, (_, i) => `race-${label}-${i}`).join(' ');
    assert.ok(resultSets.length > 10, `only ${resultSets.length} searches ran`);
    assert.deepEqual([...sets].filter((set) => set !== whole('old') && set !== whole('new')), [], 'a search saw a mix of the two indexes');
    assert.ok(sets.has(whole('old')) && sets.has(whole('new')), 'searches saw both indexes');
  });
});
