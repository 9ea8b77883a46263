// The launcher side of the file exchange with the test entry (test/integration/index.ts, which
// explains why files): options go in beside the opened workspace, results come back from there.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { delay } from '../../scripts/code-server-host.mjs';

const OPTIONS_FILE = 'test-options.json';
const RESULTS_FILE = 'test-results.json';

/** Passes PAPER_LOOKUP_TEST_GREP (else `grep`) on to mocha; returns the path the results will be written to. */
export async function writeTestOptions(session, { grep: defaultGrep } = {}) {
  const grep = process.env.PAPER_LOOKUP_TEST_GREP || defaultGrep;
  if (grep) {
    console.log(`Only running tests matching /${grep}/ (PAPER_LOOKUP_TEST_GREP)`);
    await writeFile(path.join(session.dir, OPTIONS_FILE), `${JSON.stringify({ grep })}\n`);
  }
  return path.join(session.dir, RESULTS_FILE);
}

/** Resolves true once the results file exists, false after timeoutMs or as soon as `stopWaiting()` returns a reason. */
export async function waitForResults(resultsFile, timeoutMs, stopWaiting = () => undefined) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopWaiting()) {
    if (existsSync(resultsFile)) return true;
    await delay(500);
  }
  return existsSync(resultsFile);
}

/**
 * Prints one line per test, then the failures, then `N passed, N failed` as the last line.
 * Returns the process exit code: non-zero when the file is missing, a test failed, or none ran.
 */
export async function reportResults(resultsFile) {
  let results;
  try {
    results = JSON.parse(await readFile(resultsFile, 'utf8'));
  } catch (error) {
    console.error(`No test results in ${resultsFile}: ${error.message}`);
    console.log('0 passed, 0 failed');
    return 1;
  }
  const marks = { passed: '✔', failed: '✘', pending: '-' };
  for (const test of results.tests) {
    const duration = test.durationMs === undefined ? '' : ` (${test.durationMs} ms)`;
    console.log(`  ${marks[test.state]} ${test.title}${duration}`);
  }
  const failures = results.tests.filter((test) => test.state === 'failed');
  failures.forEach((test, index) => console.log(`\n${index + 1}) ${test.title}\n${indent(test.error)}`));
  if (results.error) console.log(`\nThe tests could not run:\n${indent(results.error)}`);
  if (results.pending > 0) console.log(`\n${results.pending} pending`);
  if (results.passed + results.failed === 0 && !results.error) console.log('\nNo tests ran.');
  console.log(`${results.passed} passed, ${results.failed} failed`);
  return results.failed === 0 && results.passed > 0 && !results.error ? 0 : 1;
}

function indent(text) {
  return text.replace(/^/gm, '    ');
}
