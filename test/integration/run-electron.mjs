// `npm run test:electron`: the same integration tests in desktop VS Code, for machines that can
// reach Microsoft's update servers (@vscode/test-electron downloads VS Code into .vscode-test/).
// Where only the npm registry is reachable, use `npm run test:integration` (code-server) instead.
// Set PAPER_LOOKUP_TEST_GREP to run only the tests whose full title matches.
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { REPO_ROOT, createSession } from '../../scripts/code-server-host.mjs';
import { reportResults, writeTestOptions } from './results.mjs';

/** The VS Code the extension is typed against (@types/vscode ~1.100.0) and code-server carries. */
const VSCODE_VERSION = '1.100.3';
const EXTENSION_TESTS_PATH = path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');

async function main() {
  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode(VSCODE_VERSION);
  } catch (error) {
    console.error(`Could not download VS Code ${VSCODE_VERSION} (${error.message}).`);
    console.error('@vscode/test-electron needs update.code.visualstudio.com; without it, run `npm run test:integration`.');
    console.log('0 passed, 0 failed');
    return 1;
  }

  const session = await createSession();
  try {
    const resultsFile = await writeTestOptions(session);
    try {
      await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath: REPO_ROOT,
        extensionTestsPath: EXTENSION_TESTS_PATH,
        launchArgs: [
          session.workspaceFolder,
          '--disable-extensions',
          // The session's fresh profile, with the same settings code-server runs get.
          `--user-data-dir=${session.userDataDir}`,
          `--extensions-dir=${session.extensionsDir}`,
        ],
      });
    } catch (error) {
      // A failing test makes VS Code exit non-zero; the results file says which.
      console.error(error.message);
    }
    return await reportResults(resultsFile);
  } finally {
    await session.remove();
  }
}

process.exit(await main());
