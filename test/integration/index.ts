/**
 * Integration test entry: VS Code's extension host loads this file and calls `run()`, with the real
 * `vscode` module. Both launchers use it: run-code-server.mjs (through the workbench URL's `payload`)
 * and run-electron.mjs (through @vscode/test-electron).
 *
 * How the launcher and this entry exchange files: neither launcher can hand this process an
 * environment variable or read its stdout (code-server spawns the extension host itself), but both
 * open the workspace at `RUN_DIR/workspace`. So this entry reads `RUN_DIR/test-options.json` (written
 * by the launcher, optional) and writes `RUN_DIR/test-results.json`, RUN_DIR being the parent of the
 * first workspace folder: outside the workspace, so the extension and the tests never see these files.
 * The file names must match test/integration/results.mjs.
 */
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

const OPTIONS_FILE = 'test-options.json';
const RESULTS_FILE = 'test-results.json';

interface TestOptions {
  /** Only run tests whose full title matches this regular expression. */
  readonly grep?: string;
}

interface TestResult {
  readonly title: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs?: number;
  readonly error?: string;
}

interface TestResults {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly tests: readonly TestResult[];
  /** Set when mocha could not run at all (for example a test file failed to load). */
  readonly error?: string;
}

export async function run(): Promise<void> {
  // Stack traces of failures then point into the TypeScript sources.
  process.setSourceMapsEnabled(true);
  const runDir = findRunDir();
  let results: TestResults;
  try {
    results = await runMocha(readOptions(runDir));
  } catch (error) {
    results = { passed: 0, failed: 0, pending: 0, tests: [], error: describeError(error) };
  }
  writeResults(runDir, results);
  if (results.error) throw new Error(results.error);
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
}

function findRunDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The integration tests need the launcher to open the copied sample workspace.');
  return path.dirname(folder.uri.fsPath);
}

function readOptions(runDir: string): TestOptions {
  try {
    return JSON.parse(readFileSync(path.join(runDir, OPTIONS_FILE), 'utf8')) as TestOptions;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

function runMocha(options: TestOptions): Promise<TestResults> {
  // The collector below is the report: a printing reporter would only reach the extension host's stdout.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 20_000, reporter: Mocha.reporters.Base });
  // As a RegExp: given a string, mocha would match it literally.
  if (options.grep) mocha.grep(new RegExp(options.grep));
  for (const file of readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }

  const tests: TestResult[] = [];
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      resolve({
        passed: tests.filter((test) => test.state === 'passed').length,
        failed: tests.filter((test) => test.state === 'failed').length,
        pending: tests.filter((test) => test.state === 'pending').length,
        tests,
      });
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (test) => {
      tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration });
    });
    // Also fires for failed hooks, which fail the tests they guard.
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (test, error) => {
      tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration, error: describeError(error) });
    });
    runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (test) => {
      tests.push({ title: test.fullTitle(), state: 'pending' });
    });
  });
}

/** Written under a temporary name and renamed, so the launcher never reads half a file. */
function writeResults(runDir: string, results: TestResults): void {
  const file = path.join(runDir, RESULTS_FILE);
  writeFileSync(`${file}.partial`, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(`${file}.partial`, file);
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
