/**
 * sql.js, SQLite compiled to WebAssembly: one build that runs in every extension host, worker thread and Node version,
 * where a native module is built for one Node ABI. Loaded on first use, once per thread, with `import()`: the extension
 * bundles it apart (dist/sql-js.js, see esbuild.config.mjs), so activation never pays for it. Pure: no `vscode` import.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { SqlJsStatic } from 'sql.js';

let loaded: Promise<SqlJsStatic> | undefined;

/**
 * Where sql.js's WebAssembly file is: beside the bundle that runs (the build copies it into dist/), else in the
 * package itself (tests and scripts run from the sources).
 */
function wasmFile(name: string): string {
  const besideBundle = path.join(__dirname, name);
  return existsSync(besideBundle) ? besideBundle : require.resolve(`sql.js/dist/${name}`);
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  loaded ??= import('sql.js').then(({ default: initSqlJs }) => initSqlJs({ locateFile: wasmFile }));
  return loaded;
}
