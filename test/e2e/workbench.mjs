// Drives the real VS Code workbench the way a person does: through the keyboard, the command
// palette and what is on screen. code-server serves VS Code with the extension under development
// loaded and a fresh copy of test/fixtures/workspace open; headless chromium shows it.
// Build first (`npm run build`): the workbench loads dist/extension.js.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createSession, installCodeServer, launchChromium, REPO_ROOT, startCodeServer } from '../../scripts/code-server-host.mjs';

/** The workbench loads a few megabytes of scripts and starts the extension host: slow on 2 cores. */
const WORKBENCH_TIMEOUT_MS = 90_000;
const UI_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 60_000;
const PALETTE_RETRY_MS = 3_000;
const PICKER_OPEN_MS = 10_000;
const PICKER_ATTEMPTS = 3;
/** The first webview of a session waits for the webview service worker to register: many seconds on 2 cores. */
const WEBVIEW_TIMEOUT_MS = 60_000;
/** The side view's webview, as the page in its frame marks itself. */
const SIDE_VIEW = 'body[data-webview="view"]';

/**
 * Starts code-server, opens its workbench in chromium, and resolves once the workbench is shown.
 * `settings` are added to the session's user settings (a colour theme, say); `restricted` opens the
 * workspace untrusted, in Restricted Mode.
 */
export async function openWorkbench({ viewport = { width: 1280, height: 800 }, settings = {}, restricted = false } = {}) {
  await installCodeServer();
  const session = await createSession({ settings, restricted });
  let host;
  let browser;
  try {
    host = await startCodeServer(session);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport });
    await page.goto(host.workbenchUrl());
    await page.locator('.monaco-workbench').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
    // Keyboard shortcuts reach the workbench only after a click into it; the status bar's middle is empty.
    await page.locator('.monaco-workbench .part.statusbar').click();
    return new Workbench(page, session, async () => {
      await browser.close().catch(() => undefined);
      await host.stop();
      await session.remove();
    });
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await host?.stop();
    await session.remove();
    throw error;
  }
}

export class Workbench {
  #close;

  constructor(page, session, close) {
    /** The Playwright page showing the workbench, for anything the methods below do not cover. */
    this.page = page;
    /** The copy of test/fixtures/workspace that is open; changes to it are discarded on close. */
    this.workspaceFolder = session.workspaceFolder;
    this.#close = close;
  }

  /** Opens a workspace file by clicking through the Explorer, and resolves once its editor tab shows. */
  async openFile(relativePath) {
    const explorer = this.page.locator('.explorer-folders-view');
    // Folders expand on click; the last click opens the file.
    for (const name of relativePath.split('/')) {
      await explorer.getByRole('treeitem', { name, exact: true }).click({ timeout: UI_TIMEOUT_MS });
    }
    await this.page.locator('.tabs-container .tab', { hasText: path.basename(relativePath) }).first().waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /**
   * Runs a command from the palette: F1, type its title as shown there, Enter. Until the extension
   * host has registered the extension's contributions the palette does not list its commands, so
   * this closes the palette and tries again until the command shows up.
   */
  async runCommand(title) {
    const palette = this.quickInput();
    const deadline = Date.now() + COMMAND_TIMEOUT_MS;
    for (;;) {
      await this.page.keyboard.press('F1');
      await palette.locator('input').waitFor({ timeout: UI_TIMEOUT_MS });
      await this.page.keyboard.type(title);
      try {
        await palette.locator('.monaco-list-row.focused', { hasText: title }).waitFor({ timeout: PALETTE_RETRY_MS });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
    await this.page.keyboard.press('Enter');
  }

  /**
   * Opens an activity-bar container by clicking its icon. Extension containers appear once the extension
   * host has registered the extension's contributions, so this waits for the icon first.
   */
  async openActivityBarContainer(title) {
    await this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).click({ timeout: COMMAND_TIMEOUT_MS });
  }

  /**
   * The Playwright frame of an extension's webview whose page satisfies `selector` (for example
   * `body[data-webview="view"]`): VS Code nests each webview's page in an inner iframe, and reloads it
   * whenever the webview is shown again, so this looks the frame up afresh each time. `hasText`: only a page
   * holding that text.
   */
  async webviewFrame(selector, { timeout = WEBVIEW_TIMEOUT_MS, hasText } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const frame of this.page.frames()) {
        // A frame can detach while it is asked; it is then not the one. With `hasText`, a page of another webview
        // of the same kind (a panel being replaced, say) is not the one either.
        if (await frame.locator(selector, hasText === undefined ? {} : { hasText }).count().catch(() => 0)) return frame;
      }
      if (Date.now() > deadline) throw new Error(`No webview frame has ${selector} after ${timeout / 1000} s`);
      await this.page.waitForTimeout(250);
    }
  }

  /**
   * Resolves once the workbench has written an item (key and value) holding every one of `fragments` to
   * its IndexedDB storage. VS Code in a browser writes its state (open editors, a webview's `setState`) a moment after it
   * changes, when idle, and on unload only as far as the closing page allows; reloading before that write
   * loses the state — a browser limit the desktop app does not share. Tests wait for the write before reloading.
   */
  async waitForSavedState(fragments, { timeout = WEBVIEW_TIMEOUT_MS } = {}) {
    const deadline = Date.now() + timeout;
    while (!(await this.page.evaluate(savedStateHolds, fragments))) {
      if (Date.now() > deadline) throw new Error(`The workbench did not save state holding ${fragments.join(', ')} within ${timeout / 1000} s`);
      await this.page.waitForTimeout(250);
    }
  }

  /**
   * Presses Enter on the picker's highlighted `row`. An Enter pressed while the picker is still settling can be
   * lost; it is never pressed twice, since a second Enter as the picker closes goes to whatever takes the focus
   * next (the abstract panel, whose focused related paper it would open): if the picker is still open after a
   * while, the row is clicked instead — only while the picker is still shown, since a click after it closed lands
   * on whatever was behind it (a related paper in the abstract panel).
   */
  async acceptPickerRow(row) {
    await this.page.keyboard.press('Enter');
    const closed = await this.quickInput().waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS }).then(() => true, () => false);
    if (!closed && (await this.quickInput().isVisible())) await row.click({ timeout: 2_000 });
  }

  /**
   * Runs the palette command `command` that opens one of our pickers, and waits until it is shown, its title holding
   * `pickerTitle`; returns it. A webview that finishes loading late (a panel, the side view's reader) takes the
   * focus, and a picker closes when it loses the focus: then the command is run again, up to `PICKER_ATTEMPTS` times.
   */
  async openPicker(command, pickerTitle) {
    const picker = this.quickInput();
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(command);
      try {
        await picker.locator('.quick-input-title', { hasText: pickerTitle }).waitFor({ timeout: PICKER_OPEN_MS });
        return picker;
      } catch (error) {
        if (attempt === PICKER_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Opens the picker of the palette command `command` (`openPicker`), types `query` and waits until the highlighted
   * row holds `rowText`; returns the picker and that row.
   */
  async findInPicker(command, pickerTitle, query, rowText) {
    const picker = await this.openPicker(command, pickerTitle);
    await this.page.keyboard.insertText(query);
    const row = picker.locator('.monaco-list-row.focused', { hasText: rowText });
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    return { picker, row };
  }

  /**
   * Types `query` into the side view's search field, opening the Papers side bar first if the view is not shown,
   * and returns the view's frame and its search field (found by role and accessible name, as a screen reader finds it).
   */
  async searchSideView(query) {
    let view = await this.webviewFrame(SIDE_VIEW, { timeout: 2_000 }).catch(() => undefined);
    if (!view) {
      await this.openActivityBarContainer('Papers');
      view = await this.webviewFrame(SIDE_VIEW);
    }
    const searchField = view.getByRole('searchbox', { name: 'Search papers by title, author or words from the abstract' });
    await searchField.click();
    await this.page.keyboard.press('Control+KeyA');
    await this.page.keyboard.insertText(query);
    return { view, searchField };
  }

  /** The text of the active editor's visible lines, with the editor's non-breaking spaces made plain. */
  async editorText() {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines');
    return (await lines.innerText({ timeout: UI_TIMEOUT_MS })).replace(/\u00a0/g, ' ');
  }

  /**
   * Switches the colour theme through the Color Theme picker (Ctrl+K Ctrl+T), by the label it lists
   * ("Dark Modern"), and resolves once the workbench has loaded it. Setting `workbench.colorTheme` in the
   * session's user settings is not enough here: at startup this workbench falls back to the first theme
   * of the preferred type (Light+, Abyss) instead of the configured built-in one. Until the built-in
   * extensions are registered the picker lists no themes, so this closes it and tries again meanwhile.
   */
  async setColorTheme(label, themeFile = label.toLowerCase().replace(/\s+/g, '_')) {
    const picker = this.quickInput();
    const deadline = Date.now() + COMMAND_TIMEOUT_MS;
    for (;;) {
      await this.page.keyboard.press('Control+K');
      await this.page.keyboard.press('Control+T');
      await picker.locator('input').waitFor({ timeout: UI_TIMEOUT_MS });
      await this.page.keyboard.type(label);
      try {
        await picker.locator('.monaco-list-row.focused', { hasText: label }).waitFor({ timeout: PALETTE_RETRY_MS });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
    await this.page.keyboard.press('Enter');
    // Built-in themes mark the workbench with their file name: "Dark Modern" → themes-dark_modern-json,
    // "Dark High Contrast" → themes-hc_black-json (its file name is not its label; pass `themeFile`).
    const themeClass = `vscode-theme-defaults-themes-${themeFile}-json`;
    await this.page.locator(`.monaco-workbench.${themeClass}`).waitFor({ timeout: UI_TIMEOUT_MS });
  }

  /** The quick input widget: the command palette, Quick Open, or an extension's picker. */
  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  async screenshot(file) {
    await mkdir(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
  }

  async close() {
    await this.#close();
  }
}

/* global indexedDB -- savedStateHolds runs in the page, where it is defined */

/** Runs in the page: whether one item (key and value) in VS Code's IndexedDB state stores contains every fragment. */
async function savedStateHolds(fragments) {
  const request = (req) => new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  for (const { name } of await indexedDB.databases()) {
    if (!name?.startsWith('vscode-web-state-db-')) continue;
    const db = await request(indexedDB.open(name));
    try {
      if (!db.objectStoreNames.contains('ItemTable')) continue;
      const store = db.transaction('ItemTable', 'readonly').objectStore('ItemTable');
      const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
      const items = keys.map((key, index) => `${key}\n${values[index]}`);
      if (items.some((item) => fragments.every((fragment) => item.includes(fragment)))) return true;
    } finally {
      db.close();
    }
  }
  return false;
}

/**
 * Runs `tests` one after another in `workbench`, each titled `${prefix} ${name}` (skipped unless `grep` matches),
 * printing ✔ or ✘ as each ends and adding its result to `results`. A failure saves a screenshot,
 * test-results/e2e-${screenshotStem}-N.png, and presses Escape: later tests build on the workbench's state (an open
 * file, the side view), so the run presses on to collect what still works.
 */
export async function runTests(workbench, tests, { prefix, screenshotStem, results, grep }) {
  for (const [index, { name, body }] of tests.entries()) {
    const title = `${prefix} ${name}`;
    if (grep && !grep.test(title)) continue;
    const started = Date.now();
    try {
      await body();
      results.push({ title, durationMs: Date.now() - started });
      console.log(`  ✔ ${title} (${Date.now() - started} ms)`);
    } catch (error) {
      const screenshot = path.join(REPO_ROOT, 'test-results', `e2e-${screenshotStem}-${index + 1}.png`);
      await workbench.screenshot(screenshot).catch(() => undefined);
      results.push({ title, error: `${error.stack ?? error}\n(screenshot: ${path.relative(REPO_ROOT, screenshot)})` });
      console.log(`  ✘ ${title}`);
      await workbench.page.keyboard.press('Escape').catch(() => undefined);
    }
  }
}
