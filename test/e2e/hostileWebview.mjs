// Hostile papers in the real workbench: an index whose titles, abstracts, authors and links carry HTML, <script>,
// onerror= handlers, javascript: and command: urls, right-to-left overrides, emoji and a very long title, shown in
// the abstract panel and the side view. Each page must run none of it (no dialog, no global set in any frame),
// create no element a well-behaved paper does not, link only to https: (and clicking a link asks the host, which
// asks the user, instead of navigating the webview), and carry a nonce-only script CSP. Run by test/e2e/run.mjs.
import { strict as assert } from 'node:assert';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openWorkbench, runTests } from './workbench.mjs';

/* global document, window -- the callbacks passed to evaluate() run in the webview page */

const PANEL = 'body[data-webview="panel"]';
const VIEW = 'body[data-webview="view"]';
const UI_TIMEOUT_MS = 30_000;
/** How long to wait for the Show Abstract picker before opening it again, and how often to try. */
const INDEX_FILE = 'hostile-webview.json';
const LINK_TARGET = 'https://example.org/hostile-link-target';

/** Every payload sets `__pwned` in whatever window runs it, and opens a dialog. */
const run = (where) => `window.__pwned='${where}';top.__pwned='${where}';alert('${where}')`;

/** Each paper's abstract starts with a made-up word, so the search finds exactly that paper. */
const HOSTILE_PAPERS = [
  {
    id: 'hostile-script',
    title: `<script>${run('title')}</script>`,
    abstract: `xqzscript <img src=x onerror="${run('abstract')}"> <script>${run('abstract script')}</script>`,
    authors: [`<svg onload="${run('author')}"></svg>`, `"><iframe src="javascript:${run('iframe')}"></iframe>`],
    venue: '</textarea><style>body{display:none}</style>',
    year: 2024,
    url: `javascript:${run('url')}`,
    arxivId: `javascript:${run('arxiv')}`,
    doi: `10.1000/"><img src=x onerror="${run('doi')}">`,
  },
  {
    id: 'hostile-command',
    title: 'Command Link <a href="command:workbench.action.terminal.new">open a terminal</a>',
    abstract: 'xqzcommand <a href="command:workbench.action.terminal.new">click</a>',
    url: 'command:workbench.action.terminal.new',
  },
  {
    id: 'hostile-direction',
    title: '\u202eexe.live\u202c \u05e9\u05dc\u05d5\u05dd \u0639\u0627\u0644\u0645 😀👩‍👩‍👧‍👦 Z\u0351\u036ba\u0310l\u0357g\u0344o',
    abstract: 'xqzdirection \u2067isolated\u2069 \u202ereversed\u202c text',
    authors: ['\u05d3\u05d5\u05d3 \u05dc\u05d5\u05d9', '\u0645\u062d\u0645\u062f \u0639\u0644\u064a'],
  },
  // Math goes to KaTeX: with trust off its HTML-making commands (\href, \url, \htmlId, \htmlClass, \htmlStyle,
  // \htmlData, \includegraphics) make nothing, and runaway macros and sizes are cut off. Its title is typeset,
  // so it is found by the words before the math (`find`).
  {
    id: 'hostile-math',
    find: 'Hostile Math',
    title: String.raw`Hostile Math $\href{javascript:${run('href')}}{x}$ and \(\url{javascript:${run('url')}}\)`,
    abstract: String.raw`xqzmath $\htmlId{pwned}{y}$ $\htmlClass{pwned}{y}$ $\htmlStyle{background:url(https://example.org/x.png)}{z}$ `
      + String.raw`$\htmlData{pwned=1}{w}$ \[\includegraphics{https://example.org/x.png}\] $\def\a{\a\a}\a$ $\rule{99999em}{99999em}$ `
      + String.raw`$$\href{command:workbench.action.terminal.new}{open}$$ <script>${run('abstract math')}</script>`,
    authors: [String.raw`$\href{javascript:${run('author math')}}{Eve}$`],
  },
  { id: 'hostile-long', title: `Very Long Title ${'Word '.repeat(600)}End`.trim(), abstract: 'xqzlong' },
  { id: 'hostile-link', title: 'Hostile Link Target', abstract: 'xqzlink', url: LINK_TARGET },
];

/** A paper without a title: the index has one error, which the notification must name with its position. */
const UNTITLED = { id: 'no-title', abstract: 'xqzuntitled' };

export async function runHostileWebviewTests(results, grep) {
  const tests = [];
  // With a grep (run.mjs), the suite opens its workbench only if the grep names it ("hostile"); then it runs
  // the tests whose titles, "[hostile] …", match.
  if (grep && !grep.source.includes('hostile')) return;
  let workbench;
  const dialogs = [];
  try {
    workbench = await openWorkbench({ settings: { 'paperLookup.indexes': [INDEX_FILE], 'paperLookup.citation.addToBibliography': 'never' } });
    // Written before any command asks for papers: they load lazily, on first use.
    const papers = HOSTILE_PAPERS.map(({ find: _find, ...paper }) => paper);
    await writeFile(path.join(workbench.workspaceFolder, INDEX_FILE), JSON.stringify({ version: 1, papers: [...papers, UNTITLED] }, null, 2));
    workbench.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss().catch(() => undefined);
    });
  } catch (error) {
    await workbench?.close();
    results.push({ title: '[hostile] the workbench did not open', error: error.stack ?? String(error) });
    return;
  }

  const test = (name, body) => tests.push({ name, body });

  test('the index error is one notification naming the file, line and column', async () => {
    const { page } = workbench;
    await workbench.openFile('notes.md');
    await workbench.runCommand('Papers: Reload Paper Indexes');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: INDEX_FILE });
    await toast.first().waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await toast.first().innerText(), new RegExp(`${INDEX_FILE.replace('.', '\\.')}\\D+\\d+\\D+\\d+: Paper ${HOSTILE_PAPERS.length + 1}: missing or empty "title"`));
  });

  test('the side view lists and shows every hostile paper as text, with the same guarantees', async () => {
    const { page } = workbench;
    await workbench.openActivityBarContainer('Papers');
    const view = await workbench.webviewFrame(VIEW);
    const searchField = view.getByRole('searchbox');
    const open = async (query, title) => {
      await searchField.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(query);
      // The results for this query, not the recent papers the empty view lists.
      await view.locator('.option').first().filter({ hasText: shownAs(title).slice(0, 24) }).waitFor({ timeout: UI_TIMEOUT_MS });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await waitForTitle(view, title);
    };
    await open('pointer networks', 'Pointer Networks');
    const allowedTags = await tagsOf(view);
    for (const paper of HOSTILE_PAPERS) {
      await open(paper.abstract.split(' ')[0], paper.find ?? paper.title);
      const listed = await view.locator('.option .item-title').first().evaluate((element) => element.textContent);
      if (paper.find) assert.ok(listed.startsWith(paper.find), listed);
      else assert.equal(listed, shownAs(paper.title), 'the result list shows the title as text, bidirectional controls made inert');
      await assertRenderedSafely(workbench, view, paper, allowedTags, dialogs);
    }
  });

  test('the abstract panel shows every hostile paper as text: no script runs, no foreign element, https links only, nonce CSP', async () => {
    const allowedTags = await tagsOf(await showInPanel(workbench, 'vinyals', 'Pointer Networks'));
    for (const paper of HOSTILE_PAPERS) {
      const panel = await showInPanel(workbench, paper.abstract.split(' ')[0], paper.find ?? paper.title);
      await assertRenderedSafely(workbench, panel, paper, allowedTags, dialogs);
    }
  });

  test('clicking a link in the panel asks the host to open that https: URL; the webview does not navigate', async () => {
    const { page } = workbench;
    const panel = await showInPanel(workbench, 'xqzlink', 'Hostile Link Target');
    const pageUrl = panel.url();
    const popups = [];
    page.context().on('page', (popup) => popups.push(popup));
    await panel.locator(`nav.links a[href="${LINK_TARGET}"]`).click();
    // VS Code asks before opening a website; that dialog names the URL the host was asked to open.
    const confirm = page.locator('.monaco-dialog-box', { hasText: 'example.org' });
    await confirm.waitFor({ timeout: UI_TIMEOUT_MS });
    assert.match(await confirm.innerText(), /https:\/\/example\.org\/hostile-link-target/);
    await page.keyboard.press('Escape');
    assert.equal(panel.url(), pageUrl, 'the webview page did not navigate');
    assert.deepEqual(popups.map((popup) => popup.url()), [], 'nothing opened before the user agreed');
  });

  test('Insert Citation from the panel into an editor that has been closed says so and changes nothing', async () => {
    const { page } = workbench;
    const notesFile = path.join(workbench.workspaceFolder, 'notes.md');
    const before = await readFile(notesFile, 'utf8');
    await workbench.openActivityBarContainer('Explorer');
    await workbench.openFile('notes.md');
    const panel = await showInPanel(workbench, 'xqzscript', HOSTILE_PAPERS[0].title);
    // Closed in every editor group it is open in.
    const notesTabs = page.locator('.tabs-container .tab[data-resource-name="notes.md"]');
    while ((await notesTabs.count()) > 0) await notesTabs.first().click({ button: 'middle' });
    await panel.locator('vscode-button[data-action="insertCitation"]').click();
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'the citation was not inserted' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await readFile(notesFile, 'utf8'), before);
  });

  try {
    await runTests(workbench, tests, { prefix: '[hostile]', screenshotStem: 'hostile', results, grep });
  } finally {
    await workbench.close();
  }
}

/**
 * Shows the paper the query finds first in the panel through Show Abstract, and returns the panel's frame once it
 * shows it. Tried a second time when the panel does not: on a loaded machine the picker can close before it takes
 * the keys typed; what this suite checks is how a hostile paper renders once shown.
 */
async function showInPanel(workbench, query, title) {
  const shown = await showInPanelOnce(workbench, query, title);
  if (shown) return shown;
  const again = await showInPanelOnce(workbench, query, title);
  if (again) return again;
  throw new Error(`the panel does not show ${JSON.stringify(title.slice(0, 60))}`);
}

async function showInPanelOnce(workbench, query, title) {
  const { page } = workbench;
  const picker = await workbench.openPicker('Papers: Show Abstract', 'Show Abstract');
  await page.keyboard.insertText(query);
  // The row for this query, not one still listed for an earlier state of the picker. The picker shows titles
  // without their bidi controls (src/shared/untrustedText.ts).
  const shownTitle = title.replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
  const row = picker.locator('.monaco-list-row.focused', { hasText: shownTitle.slice(0, 24) });
  await row.waitFor({ timeout: UI_TIMEOUT_MS });
  await workbench.acceptPickerRow(row);
  // The first panel of a session can take a minute to appear (the webview service worker starts).
  for (const deadline = Date.now() + 2 * UI_TIMEOUT_MS; ; ) {
    await page.waitForTimeout(500);
    const panel = await workbench.webviewFrame(PANEL, { timeout: 0, hasText: shownAs(title).slice(0, 24) }).catch(() => undefined);
    if (panel && (await hasTitle(panel, title))) return panel;
    if (Date.now() > deadline) return undefined;
  }
}

/** How the webviews show text: each bidirectional control made a zero-width space (src/shared/untrustedText.ts `inertBidi`). */
const shownAs = (text) => text.replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '\u200b');

/** Whether the reader shows `title`, or a title starting with `title` when that is a hostile math paper's `find`. */
async function hasTitle(frame, title) {
  const shown = await frame.locator('#paper-title').evaluate((element) => element.textContent).catch(() => undefined);
  return shown === shownAs(title) || (HOSTILE_PAPERS.some((paper) => paper.find === title) && shown?.startsWith(title) === true);
}

async function waitForTitle(frame, title) {
  for (const deadline = Date.now() + UI_TIMEOUT_MS; !(await hasTitle(frame, title)); ) {
    if (Date.now() > deadline) throw new Error(`the reader does not show ${JSON.stringify(title.slice(0, 60))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The tag names of the elements in the frame's document: `page` outside typeset math, `math` inside it (KaTeX's
 * own elements, MathML as `mathml:name`).
 */
async function elementsOf(frame) {
  return frame.evaluate(() => {
    const page = new Set();
    const math = new Set();
    for (const element of document.querySelectorAll('*')) {
      const name = element.namespaceURI === 'http://www.w3.org/1998/Math/MathML' ? `mathml:${element.localName}` : element.localName;
      (element.closest('.katex') ? math : page).add(name);
    }
    return { page: [...page].sort(), math: [...math].sort() };
  });
}

/** The tag names of every element outside typeset math. */
async function tagsOf(frame) {
  return (await elementsOf(frame)).page;
}

/** What KaTeX makes of math: spans, MathML for screen readers, and SVG for stretchy symbols. */
const isKatexTag = (tag) => tag.startsWith('mathml:') || ['span', 'svg', 'path', 'line'].includes(tag);

async function assertRenderedSafely(workbench, frame, paper, allowedTags, dialogs) {
  const shown = await frame.evaluate(() => ({
    title: document.querySelector('#paper-title')?.textContent,
    abstract: document.querySelector('.abstract p')?.textContent,
    authors: document.querySelector('.authors')?.textContent,
    hrefs: [...document.querySelectorAll('[href]')].filter((element) => element.localName !== 'link').map((element) => element.getAttribute('href')),
    // Besides ours, VS Code injects one inline script into every webview page: the one defining acquireVsCodeApi.
    scripts: [...document.scripts]
      .filter((script) => !(script.src === '' && script.textContent.includes('acquireVsCodeApi')))
      .map((script) => ({ src: script.getAttribute('src'), nonce: script.nonce !== '' })),
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
  }));
  if (paper.find) {
    // Math is typeset, inert: what its commands would have made is nowhere, and the rest is text.
    const made = await frame.evaluate(() => ({
      math: document.querySelectorAll('.abstract .katex, #paper-title .katex, .authors .katex').length,
      pwned: document.querySelectorAll('#pwned, .pwned, [data-pwned], img, a:not(nav.links a)').length,
      urls: [...document.querySelectorAll('[style]')].map((element) => element.getAttribute('style')).filter((style) => /url\(/.test(style)),
    }));
    assert.ok(made.math >= 6, `typeset formulas: ${made.math}`);
    assert.equal(made.pwned, 0, 'elements, ids, classes or data made by math commands');
    assert.deepEqual(made.urls, [], 'styles set by math commands');
    assert.ok(shown.abstract.includes(`<script>${run('abstract math')}</script>`), 'the text beside the math is shown as text');
  } else {
    assert.equal(shown.title, shownAs(paper.title), 'the title is shown as text');
    assert.equal(shown.abstract, shownAs(paper.abstract), 'the abstract is shown as text');
    if (paper.authors) assert.equal(shown.authors, paper.authors.map(shownAs).join(', '), 'the authors are shown as text');
  }

  const elements = await elementsOf(frame);
  assert.deepEqual(elements.page.filter((tag) => !allowedTags.includes(tag)), [], 'elements a plain paper does not have');
  assert.deepEqual(elements.math.filter((tag) => !isKatexTag(tag)), [], 'elements in typeset math that KaTeX does not make');
  assert.equal(shown.scripts.length, 1, `only our script: ${JSON.stringify(shown.scripts)}`);
  assert.ok(shown.scripts[0].src.endsWith('/dist/webview.js') && shown.scripts[0].nonce, JSON.stringify(shown.scripts));

  for (const href of shown.hrefs) assert.equal(new URL(href).protocol, 'https:', `link ${href}`);
  if (paper.url?.startsWith('https:')) assert.ok(shown.hrefs.includes(paper.url), `the https url is linked: ${shown.hrefs.join(' ')}`);

  const scriptSources = /(?:^|;)\s*script-src\s+([^;]*)/.exec(shown.csp ?? '')?.[1].trim().split(/\s+/);
  assert.ok(scriptSources, `no script-src in ${shown.csp}`);
  assert.ok(scriptSources.every((source) => /^'nonce-[0-9a-f]{32}'$/.test(source)), `script-src ${scriptSources.join(' ')}`);
  assert.doesNotMatch(shown.csp, /unsafe-inline|unsafe-eval/);

  // Payloads would have set __pwned in their own window and the top one, and opened a dialog.
  for (const candidate of workbench.page.frames()) {
    const pwned = await candidate.evaluate(() => window.__pwned).catch(() => undefined);
    assert.equal(pwned, undefined, `a payload ran in ${candidate.url()}`);
  }
  assert.deepEqual(dialogs, [], 'a payload opened a dialog');
}
