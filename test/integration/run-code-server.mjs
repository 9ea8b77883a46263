// `npm run test:integration`: runs the integration tests inside a real VS Code 1.100 without
// downloading VS Code. code-server (from npm, cached in .vscode-test/) serves the workbench, headless
// chromium opens it with the extension under development and the compiled test entry in the URL's
// `payload`, and the test entry writes its results to a file that this script reports.
// Set PAPER_LOOKUP_TEST_GREP to run only the tests whose full title matches. With --restricted, the
// workspace opens untrusted (Restricted Mode) and only tests titled "in Restricted Mode" run.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  CODE_SERVER_VERSION,
  REPO_ROOT,
  MissingPrerequisite,
  createSession,
  findChromium,
  installCodeServer,
  launchChromium,
  startCodeServer,
} from '../../scripts/code-server-host.mjs';
import { reportResults, waitForResults, writeTestOptions } from './results.mjs';

const EXTENSION_TESTS_PATH = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
const TESTS_TIMEOUT_MS = 5 * 60_000;
/** Browser errors kept for the report when the tests never finish. */
const BROWSER_ERROR_LINES = 30;

let session;
let host;
let browser;

async function cleanUp() {
  await browser?.close().catch(() => undefined);
  await host?.stop();
  await session?.remove();
}

async function runTests() {
  if (!existsSync(EXTENSION_TESTS_PATH)) {
    console.error(`${path.relative(REPO_ROOT, EXTENSION_TESTS_PATH)} is missing: run \`npm run build\` first.`);
    console.log('0 passed, 0 failed');
    return 1;
  }
  findChromium();
  const restricted = process.argv.includes('--restricted');
  await installCodeServer();
  session = await createSession({ restricted });
  const resultsFile = await writeTestOptions(session, restricted ? { grep: 'in Restricted Mode' } : {});
  host = await startCodeServer(session);
  browser = await launchChromium();
  const page = await browser.newPage();
  const browserErrors = [];
  page.on('pageerror', (error) => browserErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(`console: ${message.text()}`);
  });

  const started = Date.now();
  console.log(`Running integration tests in VS Code (code-server ${CODE_SERVER_VERSION}) at ${host.origin}`);
  await page.goto(host.workbenchUrl({ extensionTestsPath: EXTENSION_TESTS_PATH }));
  const finished = await waitForResults(resultsFile, TESTS_TIMEOUT_MS, () => !host.isRunning());
  if (!finished) {
    const reason = host.isRunning() ? `did not finish within ${TESTS_TIMEOUT_MS / 1000} s` : 'stopped: code-server exited';
    console.error(`The integration tests ${reason}.`);
    console.error(await host.logTail());
    if (browserErrors.length > 0) console.error(`--- browser errors ---\n${browserErrors.slice(-BROWSER_ERROR_LINES).join('\n')}`);
  } else {
    console.log(`Tests finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return reportResults(resultsFile);
}

let exitCode;
try {
  exitCode = await runTests();
} catch (error) {
  console.error(error instanceof MissingPrerequisite ? error.message : (error.stack ?? error));
  console.log('0 passed, 0 failed');
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
