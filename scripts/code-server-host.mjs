// A real VS Code for tests and `npm start`, without Microsoft's download servers: the npm package
// code-server carries a complete VS Code server (workbench, Node extension host, webviews), and
// Debian's chromium loads its workbench. See /work/shared/notes/real-vscode-here.md for why each
// install step is needed.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SAMPLE_WORKSPACE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');

/** VS Code 1.100.3; later code-server releases need Node 22 or newer. */
export const CODE_SERVER_VERSION = '4.100.3';
const INSTALL_DIR = path.join(REPO_ROOT, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
/** Written last, so an interrupted install is redone instead of half-used. */
const INSTALL_MARKER = path.join(INSTALL_DIR, '.install-complete');
const INSTALL_LOG = `${INSTALL_DIR}.install.log`;
const VSCODE_DIR = path.join(INSTALL_DIR, 'node_modules', 'code-server', 'lib', 'vscode');
const CODE_SERVER_ENTRY = path.join(INSTALL_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Where VS Code looks for ripgrep, which its skipped install script would have downloaded from GitHub. */
const BUNDLED_RIPGREP = path.join(VSCODE_DIR, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
const SYSTEM_RIPGREP = '/usr/bin/rg';

/** Where people have Chromium or Chrome, most specific first; `CHROME_PATH` overrides them all. */
const BROWSER_CANDIDATES = [
  '/usr/bin/chromium', // Debian
  '/usr/bin/chromium-browser', // Ubuntu, Fedora
  '/snap/bin/chromium',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Something the tests need is not on this machine; its message is the one line to show, without a stack. */
export class MissingPrerequisite extends Error {}

/** The browser that shows the workbench: `CHROME_PATH` if set, else the first of the usual places that exists. */
export function findChromium() {
  const fromEnvironment = process.env.CHROME_PATH;
  if (fromEnvironment) {
    if (existsSync(fromEnvironment)) return fromEnvironment;
    throw new MissingPrerequisite(`CHROME_PATH is ${fromEnvironment}, which does not exist: point it at a Chromium or Chrome executable.`);
  }
  const found = BROWSER_CANDIDATES.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new MissingPrerequisite(
    'No Chromium or Chrome found: install one (Debian: apt-get install chromium; macOS: Google Chrome) or set CHROME_PATH to its executable.',
  );
}
/** Flags that let Debian's chromium run headless as root, without calling home. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** User settings that keep every session alike: no welcome page, no trust prompt, no restored state. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'files.hotExit': 'off',
  'window.restoreWindows': 'none',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
};

const LISTEN_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const LOG_TAIL_LINES = 60;

/** With `restricted`: workspace trust on, and the folder (never trusted before, in a fresh user-data-dir) opens in Restricted Mode without asking. */
const RESTRICTED_MODE_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

/**
 * A fresh temporary folder for one run: a copy of the sample workspace, a user-data-dir with
 * USER_SETTINGS (plus `settings`, which win) and an empty extensions dir. Fresh every time, because
 * hot exit and extension state would otherwise carry over from the last run. `restricted`: the workspace
 * opens untrusted, in Restricted Mode, as a folder someone else wrote would.
 */
export async function createSession({ settings = {}, restricted = false } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'paper-lookup-'));
  const forget = cleanUpOnInterrupt(() => session.remove());
  const session = {
    dir,
    restricted,
    workspaceFolder: path.join(dir, 'workspace'),
    userDataDir: path.join(dir, 'user-data'),
    extensionsDir: path.join(dir, 'extensions'),
    async remove() {
      forget();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cp(SAMPLE_WORKSPACE, session.workspaceFolder, { recursive: true });
  await mkdir(path.join(session.userDataDir, 'User'), { recursive: true });
  await writeFile(path.join(session.userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...USER_SETTINGS, ...(restricted ? RESTRICTED_MODE_SETTINGS : {}), ...settings }, null, 2)}\n`);
  await mkdir(session.extensionsDir);
  return session;
}

/** Installs code-server into the .vscode-test/ cache unless a completed install is already there. */
export async function installCodeServer() {
  if (existsSync(INSTALL_MARKER)) return;
  const started = Date.now();
  console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${path.relative(REPO_ROOT, INSTALL_DIR)} (first run only; log: ${path.relative(REPO_ROOT, INSTALL_LOG)})`);
  await rm(INSTALL_DIR, { recursive: true, force: true });
  await mkdir(INSTALL_DIR, { recursive: true });
  const logStream = createWriteStream(INSTALL_LOG);
  // --prefix on every npm call: `npm run` exports npm_config_* variables that would otherwise
  // point these installs at the repository's own package.json.
  const steps = [
    // Its install scripts would download ripgrep from GitHub and build kerberos, neither reachable nor needed.
    ['npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', INSTALL_DIR, `code-server@${CODE_SERVER_VERSION}`], INSTALL_DIR],
    ['npm', ['install', '--ignore-scripts', '--omit=dev', '--no-audit', '--no-fund', '--prefix', VSCODE_DIR], VSCODE_DIR],
    // The native modules the server and the extension host load.
    ['npm', ['rebuild', '--prefix', VSCODE_DIR, '@parcel/watcher', '@vscode/spdlog', 'native-watchdog', '@vscode/deviceid', 'node-pty'], VSCODE_DIR],
    // The server resolves its modules through node_modules.asar, as packaged VS Code does.
    ['ln', ['-sfn', 'node_modules', 'node_modules.asar'], VSCODE_DIR],
    ['npm', ['rebuild', '--prefix', INSTALL_DIR, 'argon2'], INSTALL_DIR],
  ];
  try {
    for (const [command, args, cwd] of steps) await runLogged(command, args, cwd, logStream);
  } catch (error) {
    await new Promise((resolve) => logStream.end(resolve));
    throw new Error(`${error.message}\n--- last lines of ${INSTALL_LOG} ---\n${await tailOfFile(INSTALL_LOG)}`);
  }
  logStream.end();
  await writeFile(INSTALL_MARKER, `${new Date().toISOString()}\n`);
  console.log(`Installed code-server in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Starts code-server for a session on a free port of 127.0.0.1 and resolves once it answers.
 * The returned host's `workbenchUrl` opens the session's workspace with the extension under
 * development loaded, and `stop` ends the server with its extension hosts. A `restricted` session keeps
 * workspace trust on, so its workspace opens untrusted.
 */
export async function startCodeServer(session) {
  await linkSystemRipgrep();
  const port = await findFreePort();
  const logFile = path.join(session.dir, 'code-server.log');
  const logStream = createWriteStream(logFile);
  const server = spawn(process.execPath, [
    CODE_SERVER_ENTRY,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(session.restricted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', session.userDataDir,
    '--extensions-dir', session.extensionsDir,
    // Otherwise code-server writes a default config with a password into ~/.config/code-server.
    '--config', path.join(session.dir, 'code-server.yaml'),
  ], {
    cwd: session.dir,
    // Inside a VS Code terminal this variable makes code-server hand the folder to that editor and exit.
    env: withoutVariable(process.env, 'VSCODE_IPC_HOOK_CLI'),
    // Its own process group, so stop() also ends the extension host and file watchers it forks.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.pipe(logStream);
  server.stderr.pipe(logStream);
  const exited = new Promise((resolve) => server.once('exit', resolve));
  // A last resort for when the calling script exits without calling stop().
  const killOnExit = () => killGroup(server, 'SIGKILL');
  process.once('exit', killOnExit);
  const forget = cleanUpOnInterrupt(() => host.stop());

  const origin = `http://127.0.0.1:${port}`;
  const host = {
    origin,
    isRunning: () => server.exitCode === null && server.signalCode === null,
    /** Resolves when code-server exits, for whatever reason. */
    exited,
    /** Workbench URL; the payload carries what the desktop --extensionDevelopmentPath/--extensionTestsPath flags would. */
    workbenchUrl({ extensionTestsPath } = {}) {
      const remote = (file) => `vscode-remote://127.0.0.1:${port}${pathToFileURL(file).pathname}`;
      const payload = [['extensionDevelopmentPath', remote(REPO_ROOT)]];
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      return `${origin}/?folder=${encodeURIComponent(session.workspaceFolder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
    /** The end of code-server's own output and of the extension host log, for failure reports. */
    async logTail() {
      const parts = [`--- code-server output (${logFile}) ---\n${await tailOfFile(logFile)}`];
      for (const file of await findFiles(path.join(session.userDataDir, 'logs'), (name) => /^(remote)?exthost\.log$/i.test(name))) {
        parts.push(`--- ${file} ---\n${await tailOfFile(file)}`);
      }
      return parts.join('\n');
    },
    /** True once stop() was called: the server's exit is then expected. */
    stopping: false,
    async stop() {
      host.stopping = true;
      forget();
      process.removeListener('exit', killOnExit);
      if (host.isRunning()) {
        killGroup(server, 'SIGTERM');
        const timer = setTimeout(() => killGroup(server, 'SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      logStream.end();
    },
  };

  try {
    await waitUntilListening(`${origin}/healthz`, exited);
  } catch (error) {
    const tail = await host.logTail();
    await host.stop();
    throw new Error(`${error.message}\n${tail}`);
  }
  return host;
}

/** Headless Chromium or Chrome through playwright-core (never `playwright install`: it downloads). */
export async function launchChromium() {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
    // Playwright's own handlers would exit the process as soon as the browser is closed,
    // before code-server is stopped: cleanUpOnInterrupt closes the browser instead.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  browser.once('disconnected', cleanUpOnInterrupt(() => browser.close()));
  return browser;
}

/** What to undo when Ctrl+C or a kill interrupts a script: newest first, so browser, then server, then files. */
const interruptCleanups = [];

/**
 * Runs `cleanup` if the process gets SIGINT, SIGTERM or SIGHUP before the returned `forget` is
 * called, then exits. code-server runs in its own process group, so a terminal's Ctrl+C does not
 * reach it: without this, an interrupted run would leave it running.
 */
function cleanUpOnInterrupt(cleanup) {
  if (!interruptHandlersInstalled) installInterruptHandlers();
  interruptCleanups.push(cleanup);
  return () => {
    const index = interruptCleanups.indexOf(cleanup);
    if (index >= 0) interruptCleanups.splice(index, 1);
  };
}

let interruptHandlersInstalled = false;
function installInterruptHandlers() {
  interruptHandlersInstalled = true;
  for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.once(signal, async () => {
      for (const cleanup of [...interruptCleanups].reverse()) await cleanup().catch(() => undefined);
      process.exit(exitCode);
    });
  }
}

/**
 * Quick Open and Find in Files need ripgrep. Debian's (apt-get install ripgrep) stands in for the
 * download; checked at every start, so installing it later also works. Without it the rest runs.
 */
async function linkSystemRipgrep() {
  if (existsSync(BUNDLED_RIPGREP) || !existsSync(SYSTEM_RIPGREP)) return;
  await mkdir(path.dirname(BUNDLED_RIPGREP), { recursive: true });
  await symlink(SYSTEM_RIPGREP, BUNDLED_RIPGREP);
}

function runLogged(command, args, cwd, logStream) {
  logStream.write(`\n$ (cd ${cwd} && ${command} ${args.join(' ')})\n`);
  return new Promise((resolve, reject) => {
    // npm_config_yes: npm rebuild may otherwise stop to ask before fetching node-gyp.
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_yes: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(logStream, { end: false });
    child.stderr.pipe(logStream, { end: false });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`\`${command} ${args.join(' ')}\` failed with exit code ${code} in ${cwd}`));
    });
  });
}

function findFreePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilListening(url, exited) {
  let serverExit;
  void exited.then((code) => { serverExit = code ?? 'a signal'; });
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (serverExit !== undefined) throw new Error(`code-server exited with ${serverExit} before listening`);
    if (await answersOk(url)) return;
    await delay(200);
  }
  throw new Error(`code-server did not answer ${url} within ${LISTEN_TIMEOUT_MS / 1000} s`);
}

function withoutVariable(env, name) {
  const copy = { ...env };
  delete copy[name];
  return copy;
}

function answersOk(url) {
  return new Promise((resolve) => {
    httpGet(url, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).once('error', () => resolve(false));
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has already exited.
  }
}

async function tailOfFile(file, lines = LOG_TAIL_LINES) {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function findFiles(dir, matches) {
  try {
    const names = await readdir(dir, { recursive: true });
    return names.filter((name) => matches(path.basename(name))).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
