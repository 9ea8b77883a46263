// Command links in notifications, in the real workbench, once in Restricted Mode (an untrusted workspace) and once
// in a trusted one. VS Code turns `[label](command:…)` in a notification's text into a link that runs the command;
// two of our notifications quote text from files: a duplicate paper id in an index file (the hostile corpus's
// markup-in-text.json) and the bibliography a Markdown document's front matter names, in the question whether to
// add a paper to it. Each must show as text: no link element, and a click where the link text is runs nothing — no
// terminal opens, and the marker file the front matter's command would create does not appear.
// Also where Insert Citation may write: a .bib outside the workspace folder, named by the workspace's settings
// (`paperLookup.bibliographyFile`) or reached through a symlink in the folder, is never written in Restricted Mode
// (nor asked about), and in a trusted workspace only after a modal dialog that names its real path.
// Run by test/e2e/run.mjs; `node test/e2e/commandLinks.mjs` runs it alone (build first).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { copyFile, mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../scripts/code-server-host.mjs';
import { openWorkbench, runTests } from './workbench.mjs';

/* global document, NodeFilter -- the callbacks passed to evaluate() run in the page */

const UI_TIMEOUT_MS = 30_000;
/**
 * How long a click is given to have run a command before we look for its effect. A command link runs its command
 * as the click is handled, and a terminal shows within a second or two even on 2 busy cores; the positive
 * control at the end (a terminal opened from the palette is seen by the same check) keeps the check honest.
 */
const SETTLE_MS = 4_000;
const INDEX_FILE = 'markup-in-text.json';
const DOCUMENT = 'front-matter-link.md';
const MARKER = 'command-link-ran';
/** A .bib beside the workspace folder (outside it), and what it holds before any test: nothing may change it. */
const OUTSIDE_BIB = '@misc{shared2020,\n  title = {Shared entry},\n  year = {2020}\n}\n';
/** A Markdown document that declares no bibliography: Insert Citation goes to `paperLookup.bibliographyFile`. */
const UNDECLARED_DOCUMENT = 'cites-into-setting.md';
/** A Markdown document whose bibliography is `linked.bib`, a symlink in the folder to the .bib outside it. */
const LINKED_DOCUMENT = 'cites-into-link.md';

/** The command link the front matter carries: a terminal running `touch command-link-ran` in the workspace folder. */
function frontMatterDocument() {
  // A name that is still a .bib file name (the link before it), short enough for the file system: we would write to it,
  // so the question to add the paper quotes it.
  const args = encodeURIComponent(JSON.stringify({ config: { executable: '/bin/sh', args: ['-c', `touch ${MARKER}`] } }));
  return [
    '---',
    `bibliography: "[Open details](command:workbench.action.terminal.new?${args}) refs.bib"`,
    '---',
    '',
    'Cited here: ',
    '',
  ].join('\n');
}

export async function runCommandLinkTests(results, { restricted }) {
  const mode = restricted ? 'Restricted Mode' : 'trusted workspace';
  const tests = [];
  let workbench;
  let outsideBib;
  try {
    // User settings: an untrusted workspace's own settings would not be read for the index list.
    workbench = await openWorkbench({ restricted, settings: { 'paperLookup.indexes': [INDEX_FILE], 'paperLookup.citation.addToBibliography': 'ask' } });
    await copyFile(path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', INDEX_FILE), path.join(workbench.workspaceFolder, INDEX_FILE));
    await writeFile(path.join(workbench.workspaceFolder, DOCUMENT), frontMatterDocument());
    outsideBib = await bibOutside(workbench.workspaceFolder);
  } catch (error) {
    await workbench?.close();
    results.push({ title: `[command links, ${mode}] the workbench did not open`, error: error.stack ?? String(error) });
    return;
  }
  const { page } = workbench;
  const test = (name, body) => tests.push({ name, body });

  test(restricted ? 'the workspace is in Restricted Mode' : 'the workspace is trusted', async () => {
    const indicator = page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
    if (restricted) await indicator.first().waitFor({ timeout: UI_TIMEOUT_MS });
    else assert.equal(await indicator.count(), 0, 'Restricted Mode in a trusted workspace');
  });

  test('a duplicate paper id that is a command link shows as text in the error notification, and a click on it runs nothing', async () => {
    await workbench.openFile('notes.md');
    await workbench.runCommand('Papers: Reload Paper Indexes');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'duplicate id' }).first();
    await toast.waitFor({ timeout: UI_TIMEOUT_MS });
    await assertNoLinkIn(page, toast);
    await clickOnText(page, toast, 'Open the index documentation');
    await assertNothingRan(workbench);
    assert.match(await toast.innerText(), /duplicate id "\[Open the index documentation\] \(command: workbench\.action\.terminal\.new/, 'the id is shown, readable');
    await workbench.screenshot(path.join(REPO_ROOT, 'test-results', `e2e-command-links-${restricted ? 'restricted' : 'trusted'}-index.png`));
    await page.keyboard.press('Escape');
  });

  test('a front matter bibliography with a command link shows as text in the question to add the paper, and a click on it runs nothing', async () => {
    await openByQuickOpen(workbench, DOCUMENT);
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+End');
    const { picker } = await workbench.findInPicker('Papers: Insert Citation…', 'Insert Citation', 'pointer networks', 'Pointer Networks');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Open details' }).first();
    // An Enter pressed while the picker is still settling can be lost; pressing it again picks the same row.
    for (const deadline = Date.now() + UI_TIMEOUT_MS; !(await toast.isVisible()); await page.waitForTimeout(500)) {
      if (Date.now() > deadline) throw new Error('no question to add the paper to the front matter bibliography');
      if (await picker.isVisible()) await page.keyboard.press('Enter');
    }
    await assertNoLinkIn(page, toast);
    await clickOnText(page, toast, 'Open details');
    await assertNothingRan(workbench);
    // The workbench drops the `[` that opens the text (it reads `[…] (` as a failed link), and shows the rest as text.
    assert.match(await toast.innerText(), /Open details\] \(command: workbench\.action\.terminal\.new.* refs\.bib/, 'the bibliography is shown, readable');
    await workbench.screenshot(path.join(REPO_ROOT, 'test-results', `e2e-command-links-${restricted ? 'restricted' : 'trusted'}-front-matter.png`));
    // The question's answer does not matter here (a refusal to use such a file would name it just the same): dismiss it.
    await toast.hover();
    await toast.locator('.codicon-notifications-clear').click();
  });

  test('the picker shows $(icon) syntax in a title as written and drops bidi controls, rendering no icon', async () => {
    const picker = workbench.quickInput();
    const rowFor = async (query, hasText) => {
      await workbench.openPicker('Papers: Search Papers…', 'Search Papers');
      await page.keyboard.insertText(query);
      const row = picker.locator('.monaco-list-row.focused', { hasText });
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      return row;
    };
    const icons = await rowFor('loading spin github', '$(warning)');
    // The row shows the title as the reader does, LaTeX decoded (`~` a no-break space, `\\$` a dollar sign), and no icon.
    const shown = (await icons.locator('.label-name').first().innerText()).replace(/\u00a0/g, ' ');
    assert.equal(shown, '$(warning) $(loading spin) $(github) $(already-escaped) $(not an icon)');
    assert.equal(await icons.locator('.label-name .codicon').count(), 0, 'an icon in the title');
    await workbench.screenshot(path.join(REPO_ROOT, 'test-results', `e2e-command-links-${restricted ? 'restricted' : 'trusted'}-picker.png`));
    await page.keyboard.press('Escape');
    const bidi = await rowFor('override isolate', 'Override');
    assert.equal(await bidi.locator('.label-name').first().innerText(), 'refs.bib Override Isolate RTL First LRE RLE LRM ALM');
    await page.keyboard.press('Escape');
  });

  test(`paperLookup.bibliographyFile in the workspace settings naming a .bib outside the folder: ${restricted ? 'not used, nothing asked or written' : 'a modal dialog names its real path, and Cancel writes nothing'}`, async () => {
    if (restricted) {
      // The workspace's setting is not read: the document is offered the references.bib beside it instead.
      await insertCitation(workbench, UNDECLARED_DOCUMENT, toastWith(page, 'declares no bibliography'));
    } else {
      await (await insertCitation(workbench, UNDECLARED_DOCUMENT, toastWith(page, 'shared.bib'))).locator('.monaco-button', { hasText: /^Add$/ }).click();
      await cancelDialogNaming(page, outsideBib);
    }
    await assertUnchanged(workbench, outsideBib);
  });

  test(`a .bib symlink in the folder that leaves it is outside: ${restricted ? 'refused with a message naming its real path, nothing asked or written' : 'a modal dialog names its real path, and Cancel writes nothing'}`, async () => {
    if (restricted) {
      const refusal = await insertCitation(workbench, LINKED_DOCUMENT, toastWith(page, 'not trusted'));
      assert.ok((await refusal.innerText()).includes(outsideBib), await refusal.innerText());
    } else {
      await (await insertCitation(workbench, LINKED_DOCUMENT, toastWith(page, 'linked.bib'))).locator('.monaco-button', { hasText: /^Add$/ }).click();
      await cancelDialogNaming(page, outsideBib);
    }
    await assertUnchanged(workbench, outsideBib);
  });

  test('the check sees a terminal when one does open (from the palette)', async () => {
    await workbench.runCommand('Terminal: Create New Terminal');
    await page.locator('.terminal-wrapper').first().waitFor({ timeout: UI_TIMEOUT_MS });
  });

  try {
    await runTests(workbench, tests, { prefix: `[command links, ${mode}]`, screenshotStem: `command-links-${restricted ? 'restricted' : 'trusted'}`, results });
  } finally {
    await workbench.close();
  }
}

/**
 * Opens a workspace file through Quick Open, which searches the disk: the Explorer may not list a file written
 * after the workbench opened yet.
 */
async function openByQuickOpen(workbench, name) {
  const { page } = workbench;
  await page.keyboard.press('Control+P');
  await workbench.quickInput().locator('input').waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.insertText(name);
  await workbench.quickInput().locator('.monaco-list-row.focused', { hasText: name }).waitFor({ timeout: UI_TIMEOUT_MS });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: name }).first().waitFor({ timeout: UI_TIMEOUT_MS });
}

/**
 * A .bib outside the workspace folder (beside it), named by the workspace's `paperLookup.bibliographyFile` and
 * reached by the symlink `linked.bib` in the folder, and the two documents that cite into it; returns its real path.
 */
async function bibOutside(workspaceFolder) {
  const outside = path.join(path.dirname(workspaceFolder), 'outside');
  await mkdir(outside, { recursive: true });
  const bib = path.join(realpathSync(outside), 'shared.bib');
  await writeFile(bib, OUTSIDE_BIB);
  await symlink(bib, path.join(workspaceFolder, 'linked.bib'));
  const settings = path.join(workspaceFolder, '.vscode', 'settings.json');
  await writeFile(settings, `${JSON.stringify({ ...JSON.parse(readFileSync(settings, 'utf8').replace(/^\s*\/\/.*$/gm, '')), 'paperLookup.bibliographyFile': bib }, null, 2)}\n`);
  await writeFile(path.join(workspaceFolder, UNDECLARED_DOCUMENT), 'Cited here: \n');
  await writeFile(path.join(workspaceFolder, LINKED_DOCUMENT), '---\nbibliography: linked.bib\n---\n\nCited here: \n');
  return bib;
}

function toastWith(page, text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

/** Opens `document`, cites Pointer Networks at its end through the Insert Citation picker, and waits for `shown`. */
async function insertCitation(workbench, document, shown) {
  const { page } = workbench;
  await openByQuickOpen(workbench, document);
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  const { picker } = await workbench.findInPicker('Papers: Insert Citation…', 'Insert Citation', 'pointer networks', 'Pointer Networks');
  // An Enter pressed while the picker is still settling can be lost; pressing it again picks the same row.
  for (const deadline = Date.now() + UI_TIMEOUT_MS; !(await shown.isVisible()); await page.waitForTimeout(500)) {
    if (Date.now() > deadline) throw new Error(`${document}: Insert Citation showed no ${shown}`);
    if (await picker.isVisible()) await page.keyboard.press('Enter');
  }
  return shown;
}

/** The modal dialog asking to write outside the workspace names `realPath`; Escape cancels it. */
async function cancelDialogNaming(page, realPath) {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: UI_TIMEOUT_MS });
  const text = await dialog.locator('.dialog-message-text').innerText();
  assert.ok(text.includes(realPath), `the dialog names ${JSON.stringify(text)}, not the real path ${realPath}`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
}

/** After the citation went in: the .bib outside is as it was, no dialog is open, and the notifications are cleared. */
async function assertUnchanged(workbench, bib) {
  const { page } = workbench;
  await page.waitForTimeout(SETTLE_MS);
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'a dialog is open');
  assert.equal(readFileSync(bib, 'utf8'), OUTSIDE_BIB, 'the .bib outside the workspace was written');
  await workbench.runCommand('Notifications: Clear All Notifications');
}

/** No link in the notification's text, and no `command:` link anywhere in the notification toasts. */
async function assertNoLinkIn(page, toast) {
  assert.equal(await toast.locator('.notification-list-item-message a').count(), 0, 'a link in the notification text');
  assert.equal(await page.locator('.notifications-toasts a[href^="command:" i]').count(), 0, 'a command: link in the notifications');
}

/** Clicks the middle of `text` where it is shown inside `container` (the message text, not the toast's middle). */
async function clickOnText(page, container, text) {
  const point = await container.evaluate((element, wanted) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const index = node.data.indexOf(wanted);
      if (index < 0) continue;
      const range = document.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + wanted.length);
      const rect = range.getClientRects()[0];
      const bounds = element.getBoundingClientRect();
      return rect && { x: rect.x + Math.min(rect.width, 40) / 2, y: rect.y + rect.height / 2, inside: rect.x >= bounds.x && rect.right <= bounds.right + 1 };
    }
    return undefined;
  }, text);
  assert.ok(point, `${JSON.stringify(text)} is not in the notification`);
  assert.ok(point.inside, `${JSON.stringify(text)} is cut off in the notification`);
  await page.mouse.click(point.x, point.y);
}

/** No terminal opened and no marker file appeared after the click. */
async function assertNothingRan(workbench) {
  await workbench.page.waitForTimeout(SETTLE_MS);
  assert.equal(await workbench.page.locator('.terminal-wrapper').count(), 0, 'a terminal opened');
  assert.equal(existsSync(path.join(workbench.workspaceFolder, MARKER)), false, 'the command link ran its shell command');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = [];
  for (const restricted of [true, false]) await runCommandLinkTests(results, { restricted });
  const failures = results.filter((result) => result.error);
  failures.forEach((failure, index) => console.log(`\n${index + 1}) ${failure.title}\n${failure.error.replace(/^/gm, '    ')}`));
  console.log(`${results.length - failures.length} passed, ${failures.length} failed`);
  process.exit(failures.length === 0 && results.length > 0 ? 0 : 1);
}
