// The citing flow as a person meets it, in the real workbench, with the default settings (the .bib questions are
// asked): the abstract panel as a tab over the document in the same editor group still inserts into that document,
// and the references.bib it offers gets the entry; a completion whose question about the .bib is dismissed leaves a
// problem whose quick fix (Ctrl+.) adds the entry; focusing the Papers view (the Focus command, its icon) puts the
// cursor in its search field; "Show Loaded Indexes and Problems" opens the Sources view, where a broken index's
// problem opens the file at its line, and the status bar shows the error the notification reports; the hover shows the
// formatted reference. Screenshots of the quick fix, the hover and the Sources view go to docs/screenshots/. Run by
// test/e2e/run.mjs.
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/code-server-host.mjs';
import { openWorkbench, runTests } from './workbench.mjs';

/* global document -- the callbacks passed to evaluate() run in the page */

const UI_TIMEOUT_MS = 30_000;
const SCREENSHOTS_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');
const PANEL = 'body[data-webview="panel"]';
const VIEW = 'body[data-webview="view"]';
const POINTER_NETWORKS_KEY = 'vinyalsPointerNetworks2015';
const CITING = 'citing.md';
const S4_TITLE = 'Efficiently Modeling Long Sequences with Structured State Spaces';
const S4_KEY = 'guEfficientlyModelingLong2021';
const BROKEN_INDEX = 'broken-index.json';
/** An index whose second paper has no title, on line 6: an error there, the first paper still loads. */
const BROKEN_INDEX_TEXT = `{
  "version": 1,
  "name": "Broken lab index",
  "papers": [
    { "id": "a-good-paper", "title": "A Good Paper", "abstract": "It loads." },
    { "id": "no-title", "abstract": "This entry has no title." }
  ]
}
`;

/** A notification toast holding `text`. */
const toast = (page, text) => page.locator('.notifications-toasts .notification-toast', { hasText: text });

async function waitUntil(what, check, timeoutMs = UI_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function runCitingFlowTests(results, grep) {
  const prefix = '[citing flow]';
  const tests = [];
  const test = (name, body) => tests.push({ name, body });
  /** Set once the tests' workbench is open. */
  let workbench;
  let page;

  test('the abstract panel as a tab over the document in the same group inserts the citation into that document, and the entry into the references.bib it offers', async () => {
    await workbench.openFile('notes.md');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await workbench.findInPicker('Papers: Show Abstract', 'Show Abstract', 'pointer netwroks', 'Pointer Networks');
    await page.keyboard.press('Enter');
    let panel = await workbench.webviewFrame(PANEL);
    await panel.locator('#paper-title', { hasText: 'Pointer Networks' }).waitFor({ timeout: UI_TIMEOUT_MS });
    // The panel opens beside the document; moved into the document's group, it hides the document behind it.
    await workbench.runCommand('View: Move Editor into Previous Group');
    await waitUntil('one editor group holding both tabs', async () => (await page.locator('.editor-group-container').count()) === 1);
    assert.equal(await page.locator('.tabs-container .tab.active', { hasText: 'Pointer Networks' }).count(), 1, 'the panel is the active tab');
    panel = await workbench.webviewFrame(PANEL);
    await panel.getByRole('group', { name: 'Actions for this paper' }).locator('vscode-button', { hasText: 'Insert Citation' }).click();
    // notes.md declares no bibliography: the references.bib beside it is offered, and accepted.
    await toast(page, 'notes.md declares no bibliography').locator('.monaco-button', { hasText: 'Create references.bib' }).click({ timeout: UI_TIMEOUT_MS });
    const bibFile = path.join(workbench.workspaceFolder, 'references.bib');
    await waitUntil(`${POINTER_NETWORKS_KEY} in references.bib`, async () => (await readFile(bibFile, 'utf8').catch(() => '')).includes(`{${POINTER_NETWORKS_KEY},`));
    await page.locator('.tabs-container .tab', { hasText: 'notes.md' }).click();
    await waitUntil(`[@${POINTER_NETWORKS_KEY}] in notes.md`, async () => (await workbench.editorText()).includes(`[@${POINTER_NETWORKS_KEY}]`));
    assert.match(await workbench.editorText(), /^---\s*bibliography: references\.bib\s*---/, 'notes.md declares references.bib');
    assert.equal(await page.locator('.notifications-toasts .notification-toast', { hasText: /could not be edited|could not add/ }).count(), 0, 'no failure message');
  });

  test('a completion whose question about the .bib is dismissed leaves a problem whose quick fix, from the keyboard, adds its entry', async () => {
    await workbench.openFile(CITING);
    const bibFile = path.join(workbench.workspaceFolder, 'refs.bib');
    // `[@` opens the completion; the words typed after it search the papers.
    await page.locator('.editor-group-container.active .view-line', { hasText: 'Pointer networks' }).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' [@pointer');
    await page.locator('.suggest-widget .monaco-list-row.focused', { hasText: POINTER_NETWORKS_KEY }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    await waitUntil(`[@${POINTER_NETWORKS_KEY} in ${CITING}`, async () => (await workbench.editorText()).includes(`[@${POINTER_NETWORKS_KEY}`));
    // The question whether to add it to refs.bib; Escape sends it to the notification centre unanswered, as a toast
    // that hides itself does.
    const question = toast(page, 'Add “Pointer Networks” to refs.bib?');
    await question.waitFor({ timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    assert.ok(!(await readFile(bibFile, 'utf8')).includes(POINTER_NETWORKS_KEY), 'refs.bib does not have the entry yet');

    const squiggle = page.locator('.editor-group-container.active .squiggly-warning').first();
    await squiggle.waitFor({ timeout: UI_TIMEOUT_MS });
    // The cursor onto the key, then Ctrl+. opens the quick fixes.
    await page.locator('.editor-group-container.active .view-line', { hasText: POINTER_NETWORKS_KEY }).click();
    await page.keyboard.press('Home');
    for (let i = 0; i < 'Pointer networks [@'.length + 2; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Control+Period');
    const fixes = page.locator('.action-widget', { hasText: `Add "${POINTER_NETWORKS_KEY}" to refs.bib` });
    await fixes.waitFor({ timeout: UI_TIMEOUT_MS });
    await workbench.screenshot(path.join(SCREENSHOTS_DIR, 'quick-fix-missing-entry-dark.png'));
    // The quick fix is the one offered and highlighted: Enter applies it.
    await page.keyboard.press('Enter');
    await waitUntil(`${POINTER_NETWORKS_KEY} in refs.bib`, async () => (await readFile(bibFile, 'utf8')).includes(`{${POINTER_NETWORKS_KEY},`));
    await waitUntil('the problem to go', async () => (await page.locator('.editor-group-container.active .squiggly-warning').count()) === 0);
  });

  test('the hover on a cited key shows its formatted reference under the title', async () => {
    await workbench.openFile(CITING);
    await page.locator('.editor-group-container.active .view-line', { hasText: POINTER_NETWORKS_KEY }).click();
    await page.keyboard.press('Home');
    for (let i = 0; i < 'Pointer networks [@'.length + 2; i++) await page.keyboard.press('ArrowRight');
    await workbench.runCommand('Show or Focus Hover');
    const hover = page.locator('.monaco-hover', { hasText: 'Vinyals, O., Fortunato, M., & Jaitly, N. (2015). Pointer Networks. NIPS 2015.' });
    await hover.waitFor({ timeout: UI_TIMEOUT_MS });
    await workbench.screenshot(path.join(SCREENSHOTS_DIR, 'hover-formatted-reference-dark.png'));
    await page.keyboard.press('Escape');
  });

  test('Focus on Papers View and the Papers icon put the cursor in the search field, so typing searches at once', async () => {
    await workbench.runCommand('Papers: Focus on Papers View');
    let view = await workbench.webviewFrame(VIEW);
    await view.locator('vscode-textfield').waitFor({ timeout: UI_TIMEOUT_MS });
    await waitUntil('the search field to have the focus', () => view.evaluate(() => document.hasFocus() && document.activeElement?.tagName === 'VSCODE-TEXTFIELD'));
    await page.keyboard.type('graph mamba');
    await view.getByRole('option', { name: /^Graph Mamba/ }).waitFor({ timeout: UI_TIMEOUT_MS });

    // Away to the Explorer and back by the icon: the view is built again, and the cursor is in its field again.
    await workbench.openActivityBarContainer('Explorer');
    await waitUntil('the side view to be hidden', async () => !(await workbench.webviewFrame(VIEW, { timeout: 0 }).catch(() => undefined)));
    await workbench.openActivityBarContainer('Papers');
    view = await workbench.webviewFrame(VIEW);
    await view.locator('vscode-textfield').waitFor({ timeout: UI_TIMEOUT_MS });
    await waitUntil('the search field to have the focus after the icon', () => view.evaluate(() => document.hasFocus() && document.activeElement?.tagName === 'VSCODE-TEXTFIELD'));
    await page.keyboard.press('Control+KeyA');
    await page.keyboard.type('pointer networks');
    await view.getByRole('option', { name: /^Pointer Networks/ }).waitFor({ timeout: UI_TIMEOUT_MS });
  });

  test('the side view\'s result list, dragged by its corner, grows, and the reader under it keeps room', async () => {
    const { view } = await workbench.searchSideView('pointer networks');
    // Opened by a click: Enter would open the active row, which the list keeps from the test before when that paper is
    // listed again.
    await view.getByRole('option', { name: /^Pointer Networks/ }).click({ timeout: UI_TIMEOUT_MS });
    await view.locator('#paper-title', { hasText: 'Pointer Networks' }).waitFor({ timeout: UI_TIMEOUT_MS });
    const results = view.locator('.results');
    const pane = await view.locator('main').boundingBox();
    const before = await results.boundingBox();
    // 45% of the pane, and its bottom padding.
    assert.ok(before.height <= 0.45 * pane.height + 5, `by itself the list takes at most 45% of the pane: ${before.height} of ${pane.height}`);
    // The resize handle is the list's bottom right corner.
    await page.mouse.move(before.x + before.width - 3, before.y + before.height - 3);
    await page.mouse.down();
    await page.mouse.move(before.x + before.width - 3, before.y + before.height + 150, { steps: 5 });
    await page.mouse.up();
    const after = await results.boundingBox();
    assert.ok(after.height > before.height + 100, `the list grew from ${before.height} to ${after.height}`);
    const reader = await view.locator('.reader-pane').boundingBox();
    assert.ok(reader.height >= 79, `the reader keeps room: ${reader.height}px`);
    assert.ok(await view.locator('#paper-title', { hasText: 'Pointer Networks' }).isVisible(), 'the reader still shows its paper');
  });

  test('a broken index is an error in the notification and the status bar alike; Show Loaded Indexes and Problems opens the Sources view, whose problem opens the file at its line', async () => {
    // The index listed in the workspace settings, as a user adds one.
    const settingsFile = path.join(workbench.workspaceFolder, '.vscode', 'settings.json');
    const settings = await readFile(settingsFile, 'utf8');
    await writeFile(settingsFile, `{\n  "files.eol": "\\n",\n  "paperLookup.indexes": ["${BROKEN_INDEX}"]\n}\n`);
    try {
      const notification = toast(page, `${BROKEN_INDEX} line 6, column 5`);
      await notification.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await notification.locator('.codicon-error').count(), 1, 'the notification is an error');
      const status = page.locator('.statusbar-item', { has: page.locator('.codicon-book') });
      await status.locator('.codicon-error').waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await status.locator('.codicon-warning').count(), 0, 'the status bar shows the error, not a warning');

      await workbench.runCommand('Papers: Show Loaded Indexes and Problems');
      // Each source's row says how long reading it took (small indexes are read in the host, never cached): "38 ms", "1.2 s".
      const readTime = String.raw`(\d+ ms|\d+\.\d s)`;
      const bundled = page.getByRole('treeitem', { name: new RegExp(`^Bundled papers, 46 papers · ${readTime}`) });
      await bundled.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.match(await bundled.innerText(), new RegExp(`46 papers · ${readTime}`), 'the time is on the row, not only for screen readers');
      const broken = page.getByRole('treeitem', { name: new RegExp(`^(Broken lab index|broken-index\\.json), 1 paper · ${readTime} · 1 problem`) });
      await broken.waitFor({ timeout: UI_TIMEOUT_MS });
      const problem = page.getByRole('treeitem', { name: /Paper 2: missing or empty "title"/ });
      await problem.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.match(await problem.innerText(), /line 6, column 5/);
      await workbench.screenshot(path.join(SCREENSHOTS_DIR, 'sources-view-dark.png'));

      await problem.click();
      await page.locator('.tabs-container .tab.active', { hasText: BROKEN_INDEX }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.locator('.statusbar-item', { hasText: 'Ln 6, Col 5' }).waitFor({ timeout: UI_TIMEOUT_MS });
    } finally {
      await writeFile(settingsFile, settings);
      await workbench.runCommand('Notifications: Clear All Notifications');
    }
  });

  test('Enter pressed as soon as the typed words\' row is highlighted cites that paper, not the one in its place before', async () => {
    // VS Code names the accepted row by its place in the rows the window shows; an Enter before the rows for the last
    // keystroke arrive named a place in the previous rows, and another paper was cited (src/ui/paperPicker.ts). A paper
    // no earlier test used, so that its place in the rows before (recent papers first) is not its place after.
    // Open since the quick fix test, behind the Sources view's side bar.
    await page.locator('.tabs-container .tab', { hasText: CITING }).first().click();
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await workbench.findInPicker('Papers: Insert Citation…', 'Insert Citation', 'structured state spaces', S4_TITLE);
    await page.keyboard.press('Enter');
    await toast(page, `Add “${S4_TITLE}” to refs.bib?`).locator('.monaco-button', { hasText: 'Not Now' }).click({ timeout: UI_TIMEOUT_MS });
    await waitUntil('a second citation in the document', async () => (await workbench.editorText()).split('[@').length === 3);
    const text = await workbench.editorText();
    assert.ok(text.includes(`[@${S4_KEY}]`), `the paper cited is the highlighted one: ${text}`);
  });

  test('completion with nothing typed after [@ lists the papers the document cites first, in its order, then the recent ones', async () => {
    // citing.md cites Pointer Networks, then S4, which was cited last and so is the most recent paper.
    await page.locator('.tabs-container .tab', { hasText: CITING }).first().click();
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('[@');
    const row = (index) => page.locator(`.suggest-widget .monaco-list-row[data-index="${index}"]`);
    await row(0).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.deepEqual([await row(0).getAttribute('aria-label'), await row(1).getAttribute('aria-label')].map((label) => label?.split(',')[0]), [POINTER_NETWORKS_KEY, S4_KEY]);
    await page.keyboard.press('Escape');
  });

  const chosen = tests.filter(({ name }) => !grep || grep.test(`${prefix} ${name}`));
  if (chosen.length === 0) return;
  try {
    workbench = await openWorkbench();
    page = workbench.page;
    await workbench.setColorTheme('Dark Modern');
    await writeFile(path.join(workbench.workspaceFolder, CITING), '---\nbibliography: refs.bib\n---\n\nPointer networks\n');
    await writeFile(path.join(workbench.workspaceFolder, BROKEN_INDEX), BROKEN_INDEX_TEXT);
    await writeFile(path.join(workbench.workspaceFolder, 'refs.bib'), '@misc{placeholder2020,\n  title = {A Paper Already There},\n  year = {2020}\n}\n');
  } catch (error) {
    await workbench?.close();
    results.push({ title: `${prefix} the workbench did not open`, error: error.stack ?? String(error) });
    return;
  }
  try {
    await runTests(workbench, chosen, { prefix, screenshotStem: 'citing-flow', results });
  } finally {
    await workbench.close();
  }
}
