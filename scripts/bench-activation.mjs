// `npm run bench:activation`: what activating the extension costs the extension host, in plain Node: the time
// to load the production bundle (dist/extension.js) and to run its `activate()`, then what the first use adds (loading the
// features bundle, dist/features.js), against a VS Code API stub
// (every call returns the stub, settings return their defaults), so only our own code is timed; VS Code's
// work behind each API call is not. Each figure is the median of fresh processes, and is printed beside the
// same process's time to load an empty module, as a baseline for this machine's speed at that moment.
// VS Code's own figure is in "Developer: Show Running Extensions" in a desktop VS Code.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const thisScript = fileURLToPath(import.meta.url);

const RUNS = 9;
const bundle = path.resolve(path.dirname(thisScript), '..', 'dist', 'extension.js');

if (process.argv[2] === '--child') {
  measureOnce(process.argv[3], process.argv[4]);
} else {
  main();
}

function main() {
  if (!fs.existsSync(bundle)) throw new Error('dist/extension.js is missing: run `npm run build:prod` first');
  const emptyModule = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lookup-activation-')), 'empty.js');
  fs.writeFileSync(emptyModule, 'module.exports = { activate() { return {}; } };\n');
  const runs = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(process.execPath, [thisScript, '--child', bundle, emptyModule], { encoding: 'utf8' })));
  fs.rmSync(path.dirname(emptyModule), { recursive: true, force: true });
  const median = (key) => runs.map((run) => run[key]).sort((a, b) => a - b)[Math.floor(RUNS / 2)];
  const baselineMs = median('baselineLoadMs');
  console.log(`Activation, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, median of ${RUNS} processes`);
  console.log(`  dist/extension.js: ${(fs.statSync(bundle).size / 1024).toFixed(1)} KB`);
  console.log(`  load the bundle:   ${median('loadMs').toFixed(1)} ms  (${(median('loadMs') / baselineMs).toFixed(0)}× loading an empty module, ${baselineMs.toFixed(2)} ms)`);
  console.log(`  run activate():    ${median('activateMs').toFixed(2)} ms`);
  const features = path.join(path.dirname(bundle), 'features.js');
  console.log(`On first use (a command, a view, completion or hover; or ${1.5} s after activation with a citing document open):`);
  console.log(`  dist/features.js: ${(fs.statSync(features).size / 1024).toFixed(1)} KB`);
  console.log(`  load the bundle:   ${median('featuresLoadMs').toFixed(1)} ms`);
}

function measureOnce(bundlePath, emptyModulePath) {
  const Module = require('node:module');
  const stub = apiStub();
  const exported = vscodeExports();
  const vscodeModule = new Proxy({}, { get: (target, name) => (name === '__esModule' ? undefined : stub), ownKeys: () => exported, getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }) });
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? vscodeModule : load.call(this, request, ...rest);
  };
  const t0 = performance.now();
  require(emptyModulePath);
  const t1 = performance.now();
  const extension = require(bundlePath);
  const t2 = performance.now();
  const context = { subscriptions: [], extensionUri: stub, globalStorageUri: stub, globalState: stub, workspaceState: stub, extension: stub };
  const api = extension.activate(context);
  const t3 = performance.now();
  if (!api) throw new Error('activate() failed against the stub (it returned nothing)');
  for (const disposable of context.subscriptions) disposable.dispose();
  // What the first use of a command, a view or completion adds: loading the features bundle. Starting the features is
  // not timed: they read real paths (the bundled styles, global storage), which the API stub does not give.
  require(path.join(path.dirname(bundlePath), 'features.js'));
  const t4 = performance.now();
  process.stdout.write(JSON.stringify({ baselineLoadMs: t1 - t0, loadMs: t2 - t1, activateMs: t3 - t2, featuresLoadMs: t4 - t3 }));
}

/** A VS Code API stand-in: any property or call gives the stub again; `get(key, default)` gives the default; iterating it gives nothing. */
function apiStub() {
  const stub = new Proxy(function () {}, {
    get: (target, name) => {
      if (name === 'then') return undefined;
      if (name === 'get') return (key, fallback) => fallback;
      // A list (open documents, workspace folders) is empty: activation iterates over some.
      if (name === Symbol.iterator) return function* () {};
      if (name === Symbol.toPrimitive) return undefined;
      return stub;
    },
    apply: () => stub,
    construct: () => stub,
    set: () => true,
    defineProperty: () => true,
  });
  return stub;
}

/** Every namespace, class and enum of the VS Code API, from @types/vscode (esbuild copies the module's own keys). */
function vscodeExports() {
  const declarations = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
  return [...declarations.matchAll(/^\texport (?:namespace|class|enum) (\w+)/gm)].map((match) => match[1]);
}
