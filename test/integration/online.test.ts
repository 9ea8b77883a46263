/**
 * Online lookups in the real extension host, against a local server on 127.0.0.1 that replays arXiv's and
 * Hugging Face's documented responses (test/fixtures/online/): the service URLs are settings, pointed at it.
 * A pasted arXiv link in Search Papers becomes the first row, Enter opens its abstract, Insert Citation cites it
 * and writes a .bib entry that pdflatex + bibtex compile.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startReplayServer, type ReplayServer } from '../fixtures/online/replayServer';
import { api, outputChannelText, runPickerCommand, setSetting, writeProject } from './helpers';

/** The fixtures, beside the sources (the tests run from out/test/integration). */
const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'online');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

const PASTED_LINK = 'https://arxiv.org/abs/hep-ex/0307015v1';
const PAPER_ID = 'arxiv:hep-ex/0307015';
const KEY = 'collaborationMultiElectronProduction2003';
const URL_SETTINGS = ['online.arxivUrl', 'online.crossrefUrl', 'online.dataciteUrl', 'online.huggingFaceUrl'];

async function diskText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

describe('Online lookups', function () {
  this.timeout(60_000);
  let server: ReplayServer;

  before(async function () {
    if (!vscode.workspace.isTrusted) this.skip();
    server = await startReplayServer({
      '/arxiv/query?id_list=hep-ex%2F0307015v1&max_results=1': { body: fixture('arxiv-hep-ex-0307015.xml'), headers: { 'Content-Type': 'application/atom+xml' } },
      '/hf/api/daily_papers': { body: fixture('hf-daily-papers.json'), headers: { 'Content-Type': 'application/json' } },
    });
    const service = { 'online.arxivUrl': 'arxiv', 'online.crossrefUrl': 'crossref', 'online.dataciteUrl': 'datacite', 'online.huggingFaceUrl': 'hf' } as Record<string, string>;
    for (const name of URL_SETTINGS) await setSetting(name, `${server.url}/${service[name]}`);
  });

  after(async () => {
    if (!server) return;
    // The stored sources go, so that the tests after these load only their own index files.
    const stored = (await (await api()).catalog()).sources.filter((source) => source.name === 'Online lookups' || source.name === 'Trending');
    for (const source of stored) rmSync(source.location, { force: true });
    for (const name of URL_SETTINGS) await setSetting(name, undefined);
    await setSetting('citation.addToBibliography', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await server.close();
    const sources = (await (await api()).catalog()).sources.map((source) => source.name);
    assert.ok(!sources.includes('Online lookups') && !sources.includes('Trending'), sources.join(', '));
  });

  it('a pasted arXiv link in Search Papers is looked up and listed first; Enter opens its abstract', async () => {
    const extension = await api();
    await runPickerCommand('paperLookup.search', PASTED_LINK);
    assert.equal(extension.abstractPanel()?.paperId, PAPER_ID);
    const paper = (await extension.catalog()).get(PAPER_ID);
    assert.ok(paper, 'the looked-up paper is loaded');
    assert.equal(paper.title, 'Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA');
    assert.match(paper.source, /Online lookups/);
    const request = server.requests.find((entry) => entry.path.startsWith('/arxiv/'));
    assert.ok(request, 'the lookup went to the arXiv URL setting');
    assert.match(String(request.headers['user-agent']), /^paper-lookup-vscode\/\d+\.\d+\.\d+ /);
    // Kept: the Sources view lists the source, and the paper is found offline by its words.
    const catalog = await extension.catalog();
    assert.ok(catalog.sources.some((source) => source.name === 'Online lookups' && source.paperCount >= 1));
    assert.equal(catalog.search('multi-electron production HERA', 5)[0]?.paper.id, PAPER_ID);
  });

  it('Insert Citation on the pasted link cites the paper and adds a .bib entry that pdflatex and bibtex compile', async () => {
    await setSetting('citation.addToBibliography', 'always');
    const files = await writeProject('online-project', {
      'main.tex': '\\documentclass{article}\n\\begin{document}\nElectrons CURSOR.\n\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n',
      'refs.bib': '',
    });
    const document = await vscode.workspace.openTextDocument(files['main.tex']);
    const editor = await vscode.window.showTextDocument(document);
    const at = document.positionAt(document.getText().indexOf('CURSOR'));
    await editor.edit((edit) => edit.delete(new vscode.Range(at, at.translate(0, 'CURSOR'.length))));
    editor.selection = new vscode.Selection(at, at);
    assert.equal(await runPickerCommand('paperLookup.insertCitation', { query: PASTED_LINK }), true);
    assert.match(editor.document.getText(), new RegExp(`Electrons \\\\cite\\{${KEY}\\}\\.`));
    await editor.document.save();
    const bib = await diskText(files['refs.bib']);
    assert.match(bib, new RegExp(`^@\\w+\\{${KEY},$`, 'm'));
    assert.match(bib, /eprint = \{hep-ex\/0307015\}/);

    const folder = path.dirname(files['main.tex'].fsPath);
    if (spawnSync('pdflatex', ['--version'], { stdio: 'ignore' }).error !== undefined) {
      // CI installs TeX (scripts/ci-debian-packages.txt): there the compile must run.
      assert.ok(!process.env.CI, 'pdflatex is missing on CI');
      return;
    }
    for (const [program, args] of [['pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'main.tex']], ['bibtex', ['main']], ['pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'main.tex']]] as const) {
      const result = spawnSync(program, [...args], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
      assert.equal(result.status, 0, `${program} failed:\n${result.stdout}\n${result.stderr}`);
      if (program === 'bibtex') assert.doesNotMatch(result.stdout, /Warning--|error message/, result.stdout);
    }
    const bbl = readFileSync(path.join(folder, 'main.bbl'), 'utf8');
    // The plain style sets titles in sentence case.
    assert.match(bbl, /Multi-electron production at high transverse momenta in ep collisions\s+at \{HERA\}/);
  });

  it('Refresh Trending Papers loads the daily papers into a Trending source', async () => {
    const extension = await api();
    assert.equal(await vscode.commands.executeCommand('paperLookup.refreshTrending'), 1);
    const catalog = await extension.catalog();
    const paper = catalog.get('arxiv:2509.04664');
    assert.ok(paper, 'the trending paper is loaded');
    assert.equal(paper.title, 'Why Language Models Hallucinate');
    assert.ok(catalog.sources.some((source) => source.name === 'Trending' && source.paperCount === 1));
  });

  it('a DOI neither Crossref nor DataCite knows fails with one line and changes nothing', async () => {
    const before = (await (await api()).catalog()).size;
    assert.equal(await vscode.commands.executeCommand('paperLookup.addPaperByIdentifier', 'doi:10.9999/nothing'), undefined);
    assert.equal((await (await api()).catalog()).size, before);
    assert.deepEqual(server.requests.slice(-2).map((request) => request.path.replace(/\?.*/, '')), ['/crossref/works/10.9999%2Fnothing', '/datacite/dois/10.9999%2Fnothing']);
    const log = await outputChannelText('Paper Lookup', 'neither Crossref nor DataCite');
    assert.match(log, /doi:10\.9999\/nothing: neither Crossref nor DataCite has a record of this DOI\./);
  });
});

describe('Online lookups in Restricted Mode', () => {
  it('in Restricted Mode, a workspace setting cannot redirect lookups to another server', async function () {
    if (vscode.workspace.isTrusted) this.skip();
    try {
      for (const name of [...URL_SETTINGS, 'online.crossrefMailto']) await setSetting(name, 'http://127.0.0.1:9/elsewhere');
      const settings = vscode.workspace.getConfiguration('paperLookup');
      assert.deepEqual(
        [...URL_SETTINGS, 'online.crossrefMailto'].map((name) => settings.get(name)),
        ['https://export.arxiv.org/api', 'https://api.crossref.org', 'https://api.datacite.org', 'https://huggingface.co', ''],
      );
    } finally {
      for (const name of [...URL_SETTINGS, 'online.crossrefMailto']) await setSetting(name, undefined);
    }
  });
});
