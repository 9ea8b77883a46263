// Drives the real VS Code workbench the way a person does: through the keyboard, the command
// palette and what is on screen. code-server serves VS Code with the extension under development
// loaded and a fresh copy of test/fixtures/workspace open; headless chromium shows it.
// Build first (`npm run build`): the workbench loads dist/extension.js.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createSession, installCodeServer, launchChromium, startCodeServer } from '../../scripts/code-server-host.mjs';

/** The workbench loads a few megabytes of scripts and starts the extension host: slow on 2 cores. */
const WORKBENCH_TIMEOUT_MS = 90_000;
const UI_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 60_000;
const PALETTE_RETRY_MS = 3_000;

/** Starts code-server, opens its workbench in chromium, and resolves once the workbench is shown. */
export async function openWorkbench({ viewport = { width: 1280, height: 800 } } = {}) {
  await installCodeServer();
  const session = await createSession();
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
