// `npm run test:e2e`: the side view, the live preview and the abstract panel, driven in the real VS Code
// workbench the way a person uses them (palette, keyboard, clicks), once each in a light, a dark and a
// high-contrast theme. Each run refreshes the README's screenshots in docs/screenshots/; a failing test leaves a
// screenshot of the moment it failed in test-results/. Prints `N passed, N failed` last and exits
// non-zero when a test failed. Run `npm run build` first (the npm script does).
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { MissingPrerequisite, REPO_ROOT, findChromium } from '../../scripts/code-server-host.mjs';
import { openWorkbench, runTests } from './workbench.mjs';
import { runCitingFlowTests } from './citingFlow.mjs';
import { runCommandLinkTests } from './commandLinks.mjs';
import { runHostileWebviewTests } from './hostileWebview.mjs';

/* global document, getComputedStyle -- the callbacks passed to evaluate() run in the webview page */

const SCREENSHOTS_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');

/**
 * `colorTheme` goes into the user settings; `label` is what the Color Theme picker lists; `file` is the
 * theme's file name where it differs from the label.
 */
const THEMES = [
  { name: 'light', colorTheme: 'Default Light Modern', label: 'Light Modern' },
  { name: 'dark', colorTheme: 'Default Dark Modern', label: 'Dark Modern' },
  { name: 'high-contrast', colorTheme: 'Default High Contrast', label: 'Dark High Contrast', file: 'hc_black' },
];
// notes.md declares no .bib, so the default "ask" would stop each insert at a prompt to create one;
// that prompt is the bibliography feature's, tested in the integration tests.
const SETTINGS = { 'paperLookup.citation.addToBibliography': 'never' };

const VIEW = 'body[data-webview="view"]';
const PANEL = 'body[data-webview="panel"]';
const S4_TITLE = 'Efficiently Modeling Long Sequences with Structured State Spaces';
const UI_TIMEOUT_MS = 30_000;
/** `PAPER_LOOKUP_E2E_GREP='regex'` runs only the tests whose title (with its `[theme]` or `[hostile]`) matches. */
const GREP = process.env.PAPER_LOOKUP_E2E_GREP ? new RegExp(process.env.PAPER_LOOKUP_E2E_GREP) : undefined;

/** Tests run in this order in one workbench per theme: the first opens notes.md and the side view. */
const TESTS = [
  {
    name: 'Search Papers shows the highlighted paper in the side view as the user arrows, and its insert action cites it',
    async run(workbench, theme) {
      const { page } = workbench;
      await workbench.openFile('notes.md');
      await workbench.openActivityBarContainer('Papers');
      const view = await workbench.webviewFrame(VIEW);
      await view.locator('vscode-textfield').waitFor({ timeout: UI_TIMEOUT_MS });
      // The citation goes where the cursor is: at the end of the notes.
      await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
      await page.keyboard.press('Control+End');

      const picker = await workbench.openPicker('Papers: Search Papers…', 'Search Papers');
      // One input event, so one result list: the arrow keys below never race a list still arriving for a shorter prefix.
      await page.keyboard.insertText('stat space modls');
      const highlighted = picker.locator('.monaco-list-row.focused');
      await highlighted.filter({ hasText: /state.space/i }).waitFor({ timeout: UI_TIMEOUT_MS });
      await picker.locator('.monaco-list-row').nth(1).waitFor({ timeout: UI_TIMEOUT_MS });

      /** The highlighted row's title, once the side view shows that paper with its abstract. */
      const viewShowsHighlightedRow = async () => {
        const label = await highlighted.locator('.label-name').first().innerText();
        await view.locator('#paper-title', { hasText: label }).waitFor({ timeout: UI_TIMEOUT_MS });
        assert.notEqual((await view.locator('.abstract p').innerText()).trim(), '', `no abstract shown for ${label}`);
        return label;
      };
      const first = await viewShowsHighlightedRow();
      await page.keyboard.press('ArrowDown');
      await highlighted.filter({ hasNotText: first }).waitFor({ timeout: UI_TIMEOUT_MS });
      await viewShowsHighlightedRow();
      await page.keyboard.press('ArrowUp');
      await highlighted.filter({ hasText: first }).waitFor({ timeout: UI_TIMEOUT_MS });
      await viewShowsHighlightedRow();
      await workbench.screenshot(path.join(SCREENSHOTS_DIR, `picker-${theme.name}.png`));

      const key = await view.locator('code.key').innerText();
      await picker.locator('.monaco-list-row.focused .action-label[aria-label="Insert Citation and Keep Picking (Alt+I)"]').click();
      await waitUntil(`[@${key}] in notes.md`, async () => (await workbench.editorText()).includes(`[@${key}]`));
      // The same from the keyboard, with real key presses: the next paper joins the citation, the picker stays open.
      await picker.locator('.quick-input-box input').focus();
      await page.keyboard.press('ArrowDown');
      await highlighted.filter({ hasNotText: first }).waitFor({ timeout: UI_TIMEOUT_MS });
      await viewShowsHighlightedRow();
      const nextKey = await view.locator('code.key').innerText();
      await page.keyboard.press('Alt+KeyI');
      await waitUntil(`[@${key}; @${nextKey}] in notes.md`, async () => (await workbench.editorText()).includes(`[@${key}; @${nextKey}]`));
      assert.ok(await picker.locator('.quick-input-title', { hasText: 'Search Papers' }).isVisible(), 'the picker stays open');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'The side view searches, opens a result from the keyboard, lists related papers and opens one; `c` cites the active result',
    async run(workbench, theme) {
      const { page } = workbench;
      const view = await workbench.webviewFrame(VIEW);
      // Found by role and accessible name, as a screen reader finds them.
      const searchField = view.getByRole('searchbox', { name: 'Search papers by title, author or words from the abstract' });
      await searchField.click();
      await page.keyboard.type('graph mamba');
      const result = view.getByRole('listbox', { name: 'Papers' }).getByRole('option', { name: /^Graph Mamba/ });
      await result.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.match(await result.locator('.item-title mark').first().innerText(), /graph|mamba/i, 'the match is highlighted');

      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await view.locator('#paper-title', { hasText: 'Graph Mamba' }).waitFor({ timeout: UI_TIMEOUT_MS });
      const graphMambaKey = await view.locator('code.key').innerText();
      const related = view.getByRole('button', { name: /^Open related paper: / });
      await related.nth(4).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await related.count(), 5);
      const relatedTitles = await related.locator('.item-title').allInnerTexts();
      assert.ok(relatedTitles.includes(S4_TITLE), `related papers of Graph Mamba: ${relatedTitles.join('; ')}`);
      // The screenshot shows the result list with the actions and related papers under the abstract.
      await view.locator('.related').scrollIntoViewIfNeeded();
      await workbench.screenshot(path.join(SCREENSHOTS_DIR, `view-${theme.name}.png`));

      await related.first().click();
      await view.locator('#paper-title', { hasText: relatedTitles[0] }).waitFor({ timeout: UI_TIMEOUT_MS });

      // Back in the list, `c` inserts the active result's citation into the editor the user came from.
      await searchField.click();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('c');
      await waitUntil(`@${graphMambaKey} in notes.md`, async () => (await workbench.editorText()).includes(`@${graphMambaKey}`));
    },
  },
  {
    name: 'Show Abstract opens the panel with the same reader: abstract, actions and related papers',
    async run(workbench, theme) {
      const { page } = workbench;
      await workbench.findInPicker('Papers: Show Abstract', 'Show Abstract', 'pointer netwroks', 'Pointer Networks');
      await page.keyboard.press('Enter');

      const panel = await workbench.webviewFrame(PANEL);
      await panel.locator('#paper-title', { hasText: 'Pointer Networks' }).waitFor({ timeout: UI_TIMEOUT_MS });
      await panel.locator('.related .paper-link').nth(4).waitFor({ timeout: UI_TIMEOUT_MS });
      const actions = await panel.getByRole('group', { name: 'Actions for this paper' }).locator('vscode-button').allInnerTexts();
      assert.deepEqual(actions.map((label) => label.trim()), ['Insert Citation', 'Add to Bibliography', 'Copy Key', 'Copy BibTeX', 'Copy Reference', 'Save to Reading List']);
      // Under the title, the formatted reference in the default style (APA), as text; it comes after the paper.
      const reference = 'Vinyals, O., Fortunato, M., & Jaitly, N. (2015). Pointer Networks. NIPS 2015. https://arxiv.org/abs/1506.03134';
      await panel.locator('header .reference', { hasText: reference }).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal((await panel.locator('header .reference').innerText()).trim(), reference);
      await page.locator('.tabs-container .tab', { hasText: 'Pointer Networks' }).waitFor({ timeout: UI_TIMEOUT_MS });
      await workbench.screenshot(path.join(SCREENSHOTS_DIR, `panel-${theme.name}.png`));
    },
  },
  {
    name: 'The side view keeps its search and its paper when hidden and shown again, and the view and the panel after a window reload',
    async run(workbench) {
      const { page } = workbench;
      let view = await workbench.webviewFrame(VIEW);
      const query = await view.locator('vscode-textfield input').inputValue();
      const title = await view.locator('#paper-title').innerText();
      assert.notEqual(query, '', 'the earlier tests leave a query in the view');
      /** Whether a (re)loaded view shows the same query and paper; its page is new, so it is looked up afresh. */
      const viewRestored = async () => {
        view = await workbench.webviewFrame(VIEW);
        const shown = await view.locator('#paper-title').innerText({ timeout: 1_000 }).catch(() => undefined);
        return shown === title && (await view.locator('vscode-textfield input').inputValue()) === query;
      };

      // The view's page is discarded while hidden (no retained context) and rebuilt from its saved state.
      await workbench.openActivityBarContainer('Explorer');
      await waitUntil('the side view to be discarded', async () => !(await workbench.webviewFrame(VIEW, { timeout: 0 }).catch(() => undefined)));
      await workbench.openActivityBarContainer('Papers');
      await waitUntil(`the side view to show “${title}” for “${query}” again`, viewRestored);
      await view.locator('.option').first().waitFor({ timeout: UI_TIMEOUT_MS });

      // The view and the panel opened by the test before are saved with their query and paper; wait for the
      // browser to write that down.
      await workbench.waitForSavedState(['paperLookup.papersView', query]);
      await workbench.waitForSavedState(['paperLookup.abstract', 'pointer-networks']);
      await page.reload();
      await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT_MS });
      await waitUntil(`the side view to show “${title}” for “${query}” after the reload`, viewRestored, 2 * UI_TIMEOUT_MS);
      const panel = await workbench.webviewFrame(PANEL, { hasText: 'Pointer Networks' });
      await panel.locator('#paper-title', { hasText: 'Pointer Networks' }).waitFor({ timeout: UI_TIMEOUT_MS });
    },
  },
  {
    name: 'An abstract with math shows it typeset by KaTeX with its own fonts, and LaTeX escapes as their characters',
    async run(workbench, theme) {
      const { page } = workbench;
      // The reader is the same page in the side view and the panel: here it is the side view's.
      const { view } = await workbench.searchSideView('structured state spaces');
      await view.getByRole('option', { name: new RegExp(`^${S4_TITLE}`) }).first().waitFor({ timeout: UI_TIMEOUT_MS });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await view.locator('#paper-title', { hasText: S4_TITLE }).waitFor({ timeout: UI_TIMEOUT_MS });
      await view.locator('.abstract p .katex').first().waitFor({ timeout: UI_TIMEOUT_MS });
      const shown = await view.evaluate(async () => {
        await document.fonts.ready;
        const abstract = document.querySelector('.abstract p');
        const prose = abstract.cloneNode(true);
        for (const math of prose.querySelectorAll('.math')) math.remove();
        return {
          // KaTeX keeps each formula's TeX in its MathML, for screen readers.
          formulas: [...abstract.querySelectorAll('.katex annotation')].map((annotation) => annotation.textContent),
          errors: abstract.querySelectorAll('.katex-error, .math-error').length,
          prose: prose.textContent,
          fonts: [...new Set([...document.fonts].filter((font) => font.status === 'loaded').map((font) => font.family.replace(/"/g, '')))],
        };
      });
      assert.deepEqual(shown.formulas, ["x'(t) = Ax(t) + Bu(t), y(t) = Cx(t) + Du(t)", 'A', 'A', '\\times']);
      assert.equal(shown.errors, 0);
      assert.match(shown.prose, /including \(i\) 91% accuracy/);
      assert.doesNotMatch(shown.prose, /\\|\$/, 'no LaTeX source is left in the text');
      assert.ok(shown.fonts.includes('KaTeX_Main') && shown.fonts.includes('KaTeX_Math'), `fonts loaded: ${shown.fonts.join(', ')}`);
      await view.locator('.abstract').scrollIntoViewIfNeeded();
      await workbench.screenshot(path.join(SCREENSHOTS_DIR, `math-${theme.name}.png`));
    },
  },
  {
    name: 'A query nothing matches says so in the picker, whose row opens the indexes setting, and in the side view; a partial result names the word it lacks in both',
    async run(workbench, theme) {
      const { page } = workbench;
      const picker = await workbench.openPicker('Papers: Search Papers…', 'Search Papers');
      // A paper with only part of the query is listed, its row naming the word it lacks.
      await page.keyboard.insertText('graph mamba zzqx');
      // Waited for by its text: until the query is searched, the picker may still list recent papers, Graph Mamba among them.
      const partialRow = picker.locator('.monaco-list-row', { hasText: /^Graph Mamba/ }).filter({ has: page.locator('.label-description', { hasText: /not matched: zzqx$/ }) }).first();
      await partialRow.waitFor({ timeout: UI_TIMEOUT_MS });
      await page.keyboard.press('Control+KeyA');
      await page.keyboard.insertText('zzqx wqvv');
      const noMatch = picker.locator('.monaco-list-row', { hasText: "No papers match 'zzqx wqvv'" });
      await noMatch.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.match(await noMatch.innerText(), /Check the spelling, or add index files/);
      assert.equal(await picker.locator('.monaco-list-row').count(), 1, 'one row: the message');
      await workbench.screenshot(path.join(SCREENSHOTS_DIR, `picker-no-match-${theme.name}.png`));
      await page.keyboard.press('Enter');
      await page.locator('.settings-editor .setting-item-contents', { hasText: 'Indexes' }).first().waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await picker.locator('.quick-input-title', { hasText: 'Search Papers' }).isVisible(), false, 'the picker closed');
      // Closed again, so that it cannot take the focus back from the side view when it is done rendering.
      await page.keyboard.press('Control+KeyW');
      await page.locator('.settings-editor').waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });

      const { view } = await workbench.searchSideView('zzqx wqvv');
      await view.locator('.no-match', { hasText: 'No papers match “zzqx wqvv”.' }).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.ok(await view.getByText('Check the spelling, or add index files').isVisible(), 'the hint is shown');
      await workbench.screenshot(path.join(SCREENSHOTS_DIR, `view-no-match-${theme.name}.png`));

      await page.keyboard.press('Control+KeyA');
      await page.keyboard.insertText('graph mamba zzqx');
      const partial = view.getByRole('option', { name: /^Graph Mamba.*not matched: zzqx$/ });
      await partial.waitFor({ timeout: UI_TIMEOUT_MS });
      assert.equal(await partial.locator('.item-unmatched').innerText(), 'not matched: zzqx');
    },
  },
  {
    name: 'The highlighted words of the selected side-view row are readable: contrast of at least 4.5:1 with the row, list focused or not',
    async run(workbench) {
      const { page } = workbench;
      const { view, searchField } = await workbench.searchSideView('graph mamba');
      await view.getByRole('option', { name: /^Graph Mamba/ }).first().waitFor({ timeout: UI_TIMEOUT_MS });
      // ↓ enters the list: its first row is the selected one, with the list focused (the selection colours). A key
      // pressed while the field is still taking the focus can be lost, and the workbench can take the focus back
      // for a moment (the Settings editor the previous test opened focuses its own field when it is ready): then
      // the field is clicked and ↓ pressed again.
      const selectedMark = view.locator('.results:focus .option.active mark').first();
      let ratios = [];
      for (let attempt = 1; attempt <= 3 && ratios.length === 0; attempt++) {
        if (attempt > 1) await searchField.click();
        await page.keyboard.press('ArrowDown');
        if (await selectedMark.waitFor({ timeout: 5_000 }).then(() => true, () => false)) ratios = await measureSelectedMarks(view, '.results:focus .option.active mark');
      }
      const focus = await view.evaluate(() => `${document.activeElement?.className ?? 'nothing'} focused, page ${document.hasFocus() ? 'has' : 'lacks'} focus`);
      assert.ok(ratios.length > 0, `no highlighted word on the selected row (${focus})`);
      for (const { text, ratio } of ratios) assert.ok(ratio >= 4.5, `"${text}" has a contrast of ${ratio.toFixed(2)}:1 on the selected row`);
      // Escape goes back to the field: the row stays selected, in the colours of a list without the focus.
      await page.keyboard.press('Escape');
      await view.locator('.results:not(:focus) .option.active mark').first().waitFor({ timeout: UI_TIMEOUT_MS });
      const unfocused = await measureSelectedMarks(view, '.results:not(:focus) .option.active mark');
      for (const { text, ratio } of unfocused) assert.ok(ratio >= 4.5, `"${text}" has a contrast of ${ratio.toFixed(2)}:1 on the selected row of the unfocused list`);
    },
  },
];

/** The contrast of each highlighted word `selector` finds (on a selected row) with the colour behind it. */
function measureSelectedMarks(view, selector) {
  return view.evaluate((selector) => {
    const rgba = (color) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]) => {
      const [R, G, B] = [r, g, b].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    /** The colour behind an element: the first ancestor's opaque background, blended over by translucent ones. */
    const background = (element) => {
      const layers = [];
      for (let node = element; node; node = node.parentElement) {
        const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
        if (a > 0) layers.push([r, g, b, a]);
        if (a >= 1) break;
      }
      let [r, g, b] = [255, 255, 255];
      for (const [lr, lg, lb, la] of layers.reverse()) [r, g, b] = [lr * la + r * (1 - la), lg * la + g * (1 - la), lb * la + b * (1 - la)];
      return [r, g, b];
    };
    return [...document.querySelectorAll(selector)].map((mark) => {
      const [l1, l2] = [luminance(rgba(getComputedStyle(mark).color)), luminance(background(mark))].sort((a, b) => b - a);
      return { text: mark.textContent, ratio: (l1 + 0.05) / (l2 + 0.05) };
    });
  }, selector);
}

/** Polls `check` until it resolves true; fails naming `what` after the timeout. */
async function waitUntil(what, check, timeoutMs = UI_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runTheme(theme, results) {
  const title = (test) => `[${theme.name}] ${test.name}`;
  if (GREP && !TESTS.some((test) => GREP.test(title(test)))) return;
  let workbench;
  try {
    workbench = await openWorkbench({ settings: { ...SETTINGS, 'workbench.colorTheme': theme.colorTheme } });
    await workbench.setColorTheme(theme.label, theme.file);
  } catch (error) {
    await workbench?.close();
    for (const test of TESTS) results.push({ title: title(test), error: `the workbench did not open: ${error.stack ?? error}` });
    return;
  }
  try {
    const tests = TESTS.map((test) => ({ name: test.name, body: () => test.run(workbench, theme) }));
    await runTests(workbench, tests, { prefix: `[${theme.name}]`, screenshotStem: theme.name, results, grep: GREP });
  } finally {
    await workbench.close();
  }
}

try {
  findChromium();
} catch (error) {
  if (!(error instanceof MissingPrerequisite)) throw error;
  console.error(error.message);
  console.log('0 passed, 0 failed');
  process.exit(1);
}

const results = [];
try {
  for (const theme of THEMES) await runTheme(theme, results);
  await runHostileWebviewTests(results, GREP);
  await runCitingFlowTests(results, GREP);
  // Their titles read "[command links, Restricted Mode] …" and "[command links, trusted workspace] …".
  for (const restricted of [true, false]) {
    if (!GREP || GREP.test(`[command links, ${restricted ? 'Restricted Mode' : 'trusted workspace'}]`)) await runCommandLinkTests(results, { restricted });
  }
} catch (error) {
  results.push({ title: 'e2e runner', error: error.stack ?? String(error) });
}
const failures = results.filter((result) => result.error);
failures.forEach((failure, index) => console.log(`\n${index + 1}) ${failure.title}\n${failure.error.replace(/^/gm, '    ')}`));
if (failures.length === 0) console.log(`\nScreenshots: ${path.relative(REPO_ROOT, SCREENSHOTS_DIR)}/{picker,view,panel,math,picker-no-match,view-no-match}-{light,dark,high-contrast}.png`);
console.log(`${results.length - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length === 0 && results.length > 0 ? 0 : 1);
