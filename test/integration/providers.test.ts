/**
 * Completion and hover on citation keys in the real VS Code extension host, asked for the way the editor asks:
 * through `vscode.executeCompletionItemProvider` and `vscode.executeHoverProvider`.
 */
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { CitationCompletedArgs } from '../../src/ui/citationProviders';
import type { AddToBibliographyArgs } from '../../src/ui/commands';
import { api, setSetting, withoutMarker, writeProject } from './helpers';

const EXTENSION_ID = 'paper-lookup.paper-lookup';
const POINTER_NETWORKS_KEY = 'vinyalsPointerNetworks2015';

/** A paper's .bib entry under a key of the user's own, recognisable as Pointer Networks by its arXiv id. */
const POINTER_NETWORKS_BIB = '@article{vinyals2015pointer,\n  title = {Pointer Networks},\n  author = {Vinyals, Oriol},\n  eprint = {1506.03134},\n  archivePrefix = {arXiv},\n  year = {2015}\n}\n';

/** Another paper, in the user's .bib under the key we make for Pointer Networks. */
const OTHER_PAPER_UNDER_POINTER_NETWORKS_KEY = '@article{vinyalsPointerNetworks2015,\n  title = {Pointer Sentinel Mixture Models},\n  author = {Merity, Stephen},\n  year = {2016}\n}\n';

let project = 0;

/**
 * Writes `name` (its `$$CURSOR$$` marker removed) and the other files to a fresh folder of the workspace, opens
 * `name`, and returns it with the position of the marker.
 */
async function openAtMarker(name: string, marked: string, otherFiles: Record<string, string> = {}): Promise<{ document: vscode.TextDocument; position: vscode.Position }> {
  const { text, offset } = withoutMarker(marked);
  const files = await writeProject(`providers-${++project}`, { ...otherFiles, [name]: text });
  const document = await vscode.workspace.openTextDocument(files[name]);
  await vscode.window.showTextDocument(document);
  return { document, position: document.positionAt(offset) };
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

/** Our completion items (citation keys are the only Reference items) where the marker is. */
async function keyCompletions(name: string, marked: string, otherFiles?: Record<string, string>, triggerCharacter?: string): Promise<vscode.CompletionItem[]> {
  const { document, position } = await openAtMarker(name, marked, otherFiles);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position, triggerCharacter);
  return list.items.filter((item) => item.kind === vscode.CompletionItemKind.Reference);
}

function itemFor(items: readonly vscode.CompletionItem[], key: string): vscode.CompletionItem {
  const item = items.find((candidate) => labelOf(candidate) === key);
  assert.ok(item, `no completion ${key} among ${items.map(labelOf).join(', ') || 'no items'}`);
  return item;
}

/** What accepting `item` runs with: every item of ours cites its paper through `paperLookup.citationCompleted`. */
function citationCompletedArgs(item: vscode.CompletionItem): CitationCompletedArgs {
  assert.equal(item.command?.command, 'paperLookup.citationCompleted');
  const [args] = item.command.arguments ?? [];
  return args as CitationCompletedArgs;
}

/** Runs what VS Code runs when the user accepts `item`. */
function acceptCompletion(item: vscode.CompletionItem): Thenable<unknown> {
  assert.ok(item.command, 'the item has no command');
  return vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
}

/** The hovers' Markdown where the marker is, backslash escapes removed so it reads as the text shown. */
async function hoverAt(name: string, marked: string, otherFiles?: Record<string, string>): Promise<{ hovers: vscode.Hover[]; text: string }> {
  const { document, position } = await openAtMarker(name, marked, otherFiles);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  const markdown = hovers.flatMap((hover) => hover.contents).map((content) => (typeof content === 'string' ? content : content.value)).join('\n\n');
  return { hovers, text: markdown.replace(/\\(.)/g, '$1') };
}

describe('Citation completion and hover', function () {
  this.timeout(30_000);

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  beforeEach(async () => {
    await setSetting('citation.addToBibliography', 'never');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSetting('citation.addToBibliography', undefined);
  });

  it('completes our papers after \\cite{ in LaTeX, with title, authors and abstract', async () => {
    const items = await keyCompletions('main.tex', 'As shown in \\cite{$$CURSOR$$}.\n', {}, '{');
    const item = itemFor(items, POINTER_NETWORKS_KEY);
    assert.equal(item.detail, 'Pointer Networks');
    assert.ok(item.documentation instanceof vscode.MarkdownString);
    assert.match(item.documentation.value, /Oriol Vinyals/);
    assert.match(item.documentation.value, /We introduce a new neural architecture/);
    assert.equal(citationCompletedArgs(item).addToBibliography, undefined, 'nothing to add with paperLookup.citation.addToBibliography = never');
    assert.ok(items.length > 10 && items.length <= 50, `${items.length} items`);
  });

  it('completes after a comma inside a LaTeX citation', async () => {
    const items = await keyCompletions('main.tex', 'See \\citep[p.~3]{other,$$CURSOR$$}.\n', {}, ',');
    itemFor(items, POINTER_NETWORKS_KEY);
  });

  it('completes our papers after [@ in Markdown', async () => {
    const items = await keyCompletions('notes.md', 'Pointers are handy [@$$CURSOR$$].\n', {}, '@');
    itemFor(items, POINTER_NETWORKS_KEY);
  });

  it('finds the intended paper from a misspelt word and replaces what was typed', async () => {
    const markdown = await keyCompletions('notes.md', 'Pointers [@poiner$$CURSOR$$].\n');
    const pointer = itemFor(markdown, POINTER_NETWORKS_KEY);
    assert.equal(pointer.filterText, 'poiner');
    const range = pointer.range instanceof vscode.Range ? pointer.range : pointer.range?.replacing;
    assert.deepEqual([range?.start.character, range?.end.character], [11, 17]);

    const latex = await keyCompletions('main.tex', 'Models \\cite{stichable$$CURSOR$$}.\n');
    itemFor(latex, 'panStitchableNeuralNetworks2023');
  });

  it('accepting an item makes its paper the most recent one (offered first when the search is empty)', async () => {
    const item = itemFor(await keyCompletions('notes.md', 'Stitching [@stichable$$CURSOR$$].\n'), 'panStitchableNeuralNetworks2023');
    await acceptCompletion(item);
    assert.equal((await api()).readingList().recent[0], 'stitchable-neural-networks');
  });

  it('with nothing typed, offers the papers this document cites first, then the recent ones', async () => {
    const stitchable = itemFor(await keyCompletions('notes.md', 'Stitching [@stichable$$CURSOR$$].\n'), 'panStitchableNeuralNetworks2023');
    await acceptCompletion(stitchable);
    const items = await keyCompletions('notes.md', `Earlier [@${POINTER_NETWORKS_KEY}] and later [@$$CURSOR$$].\n`, {}, '@');
    assert.deepEqual(items.slice(0, 2).map(labelOf), [POINTER_NETWORKS_KEY, 'panStitchableNeuralNetworks2023']);
  });

  it('completes from the start of a key', async () => {
    const items = await keyCompletions('notes.md', 'See [@vinyalsPoi$$CURSOR$$].\n');
    assert.equal(labelOf(items[0]), POINTER_NETWORKS_KEY);
  });

  it('offers nothing inside an email address or outside a citation', async () => {
    assert.deepEqual(await keyCompletions('notes.md', 'mail a@$$CURSOR$$b\n', {}, '@'), []);
    assert.deepEqual(await keyCompletions('notes.md', 'mail a@b$$CURSOR$$\n'), []);
    assert.deepEqual(await keyCompletions('main.tex', 'Pointers {$$CURSOR$$}\n', {}, '{'), []);
  });

  it('offers a paper the .bib already has under the .bib’s key, and adds nothing when accepted', async () => {
    await setSetting('citation.addToBibliography', 'always');
    const items = await keyCompletions('main.tex', '\\addbibresource{refs.bib}\nSee \\cite{poiner$$CURSOR$$}.\n', { 'refs.bib': POINTER_NETWORKS_BIB });
    const item = itemFor(items, 'vinyals2015pointer');
    assert.equal(item.detail, 'Pointer Networks');
    assert.equal(citationCompletedArgs(item).addToBibliography, undefined);
    assert.ok(!items.some((candidate) => labelOf(candidate) === POINTER_NETWORKS_KEY));
  });

  it('accepting an item adds the paper to the bibliography when the setting says so', async () => {
    await setSetting('citation.addToBibliography', 'always');
    const { document, position } = await openAtMarker('main.tex', '\\addbibresource{refs.bib}\nSee \\cite{poiner$$CURSOR$$}.\n', { 'refs.bib': '' });
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    const item = itemFor(list.items, POINTER_NETWORKS_KEY);
    const args: AddToBibliographyArgs = { paperId: 'pointer-networks', documentUri: document.uri.toString(), mode: 'always', key: POINTER_NETWORKS_KEY };
    assert.deepEqual(citationCompletedArgs(item).addToBibliography, args);

    assert.equal(await acceptCompletion(item), POINTER_NETWORKS_KEY);
    const bib = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(document.uri, '..', 'refs.bib')));
    assert.match(bib, /^@\w+\{vinyalsPointerNetworks2015,$/m);
  });

  it('offers the key a paper is added under when the .bib uses its key for another paper, and adds it under that key', async () => {
    await setSetting('citation.addToBibliography', 'always');
    const { document, position } = await openAtMarker('main.tex', '\\addbibresource{refs.bib}\nSee \\cite{poiner$$CURSOR$$}.\n', { 'refs.bib': OTHER_PAPER_UNDER_POINTER_NETWORKS_KEY });
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
    const item = itemFor(list.items, `${POINTER_NETWORKS_KEY}a`);
    assert.equal(item.detail, 'Pointer Networks');
    assert.ok(!list.items.some((candidate) => labelOf(candidate) === POINTER_NETWORKS_KEY));

    assert.equal(await acceptCompletion(item), `${POINTER_NETWORKS_KEY}a`);
    const bib = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(document.uri, '..', 'refs.bib')));
    assert.match(bib, /^@\w+\{vinyalsPointerNetworks2015a,$/m);
  });

  it('hover on a key in \\cite{…} shows our paper with links to its abstract and to add it', async () => {
    const { hovers, text } = await hoverAt('main.tex', `See \\cite{other,vinyals$$CURSOR$$PointerNetworks2015}.\n`);
    assert.equal(hovers.length, 1, text);
    assert.match(text, /\*\*Pointer Networks\*\*/);
    assert.match(text, /Oriol Vinyals, Meire Fortunato, Navdeep Jaitly/);
    assert.match(text, /2015 · NIPS 2015/);
    assert.match(text, /\[Open abstract\]\(command:paperLookup\.showAbstract\?/);
    assert.match(text, /\[Add to bibliography\]\(command:paperLookup\.addToBibliography\?/);
    const range = hovers[0].range;
    assert.deepEqual([range?.start.character, range?.end.character], [16, 42]);
    const [markdown] = hovers[0].contents;
    assert.ok(markdown instanceof vscode.MarkdownString);
    assert.deepEqual(markdown.isTrusted, { enabledCommands: ['paperLookup.showAbstract', 'paperLookup.addToBibliography'] });
  });

  it('hover on a key in [@…] shows our paper', async () => {
    const { text } = await hoverAt('notes.md', `Pointers [see @vinyalsPointer$$CURSOR$$Networks2015, p. 3].\n`);
    assert.match(text, /Pointer Networks/);
  });

  it('hover on a bare in-text @key in Markdown shows our paper, but not on an e-mail address', async () => {
    const { hovers, text } = await hoverAt('notes.md', 'As @vinyalsPointer$$CURSOR$$Networks2015 shows, pointers help.\n');
    assert.equal(hovers.length, 1, text);
    assert.match(text, /\*\*Pointer Networks\*\*/);
    const range = hovers[0].range;
    assert.deepEqual([range?.start.character, range?.end.character], [4, 30]);
    assert.deepEqual((await hoverAt('notes.md', 'Write to ann@vinyalsPointer$$CURSOR$$Networks2015.org\n')).hovers, []);
  });

  it('hover on a key the .bib holds for another paper shows the .bib’s paper, not ours', async () => {
    const { text } = await hoverAt('main.tex', '\\addbibresource{refs.bib}\nSee \\cite{vinyals$$CURSOR$$PointerNetworks2015}.\n', { 'refs.bib': OTHER_PAPER_UNDER_POINTER_NETWORKS_KEY });
    assert.match(text, /\*\*Pointer Sentinel Mixture Models\*\*/);
    assert.doesNotMatch(text, /We introduce a new neural architecture/);
  });

  it('hover on a key only the document’s .bib has shows what the .bib says', async () => {
    const bib = '@misc{mine2020,\n  title = {My own entry},\n  author = {Doe, Jane},\n  year = {2020}\n}\n';
    const { hovers, text } = await hoverAt('main.tex', '\\addbibresource{refs.bib}\nSee \\cite{mine$$CURSOR$$2020}.\n', { 'refs.bib': bib });
    assert.equal(hovers.length, 1, text);
    assert.match(text, /\*\*My own entry\*\*/);
    assert.match(text, /Jane Doe/);
    assert.match(text, /2020/);
    assert.match(text, /from refs\.bib/);
    assert.doesNotMatch(text, /command:/);
  });

  it('hover on a .bib key of one of our papers shows our paper and says the .bib has it', async () => {
    const { text } = await hoverAt('main.tex', '\\addbibresource{refs.bib}\nSee \\cite{vinyals$$CURSOR$$2015pointer}.\n', { 'refs.bib': POINTER_NETWORKS_BIB });
    assert.match(text, /We introduce a new neural architecture/);
    assert.match(text, /in refs\.bib as vinyals2015pointer/);
    assert.doesNotMatch(text, /command:paperLookup\.addToBibliography/);
  });

  it('no hover on an unknown key', async () => {
    const { hovers } = await hoverAt('main.tex', 'See \\cite{nobody$$CURSOR$$Knows2099}.\n');
    assert.deepEqual(hovers, []);
  });
});
