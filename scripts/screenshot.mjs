// Takes the README's search screenshot in the real workbench: notes.md open, "Papers: Search Papers…"
// run from the palette, "state space" typed into its picker. Run `npm run build` first.
// Usage: node scripts/screenshot.mjs
import path from 'node:path';
import { openWorkbench } from '../test/e2e/workbench.mjs';
import { REPO_ROOT } from './code-server-host.mjs';

const OUTPUT = path.join(REPO_ROOT, 'media', 'screenshot-search.png');
const QUERY = 'state space';

const workbench = await openWorkbench();
try {
  await workbench.openFile('notes.md');
  await workbench.runCommand('Papers: Search Papers…');
  // The picker opens once the extension has loaded its papers; keys typed before that go to the editor.
  await workbench.quickInput().locator('.quick-input-title', { hasText: 'Search Papers' }).waitFor({ timeout: 30_000 });
  await workbench.page.keyboard.type(QUERY);
  // The picker's rows update as the query is typed; wait for a match, then for the list to settle.
  await workbench.quickInput().locator('.monaco-list-row', { hasText: /state space/i }).first().waitFor({ timeout: 15_000 });
  await workbench.page.waitForTimeout(500);
  await workbench.screenshot(OUTPUT);
  console.log(`Saved ${path.relative(REPO_ROOT, OUTPUT)}`);
} finally {
  await workbench.close();
}
