// One esbuild config for every bundle: the extension host, its catalog worker, the command line, the webview script,
// and (except with --production) the integration tests.
// Usage: node esbuild.config.mjs [--production] [--watch]
import { chmod, copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const shared = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'info',
  legalComments: 'none',
};

// For the Node bundles, prefer ES module builds: jsonc-parser's UMD build loads its parts with a
// require() that esbuild cannot follow, so the bundled extension failed with "Cannot find module './impl/format'".
const nodeMainFields = ['module', 'main'];

/** `dist/cli.js` is the package's `bin`: it must be executable after every build, including watch rebuilds. */
const makeExecutable = {
  name: 'make-executable',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length === 0) await chmod(build.initialOptions.outfile, 0o755);
    });
  },
};

/**
 * Resolves `import(moduleName)` — a dynamic import only (or, with kind 'require-call', a `require` inside a function)
 * — to the module's own bundle `./bundleFile` beside the importing bundle, so a big dependency is loaded when first
 * used, never at activation.
 */
function loadLazily(moduleName, bundleFile, kind = 'dynamic-import') {
  const filter = new RegExp(`^${moduleName.replace(/[/.@-]/g, '\\$&')}$`);
  return {
    name: `load-${moduleName}-lazily`,
    setup(build) {
      build.onResolve({ filter }, (args) => (args.kind === kind ? { path: `./${bundleFile}`, external: true } : undefined));
    },
  };
}

/**
 * The .bib parser is about 570 KB minified, more than the rest of the extension together. The extension
 * loads it with `import()` only when it reads a .bib file, so it lives in its own bundle beside
 * `dist/extension.js` and activation never pays for it.
 */
const loadBibtexParserLazily = loadLazily('@retorquere/bibtex-parser', 'bibtex-parser.js');

/**
 * unicode2latex (the Unicode → LaTeX tables the BibTeX writer uses, about 400 KB) is likewise loaded with `import()`
 * only when an entry is written, from its own bundle.
 */
const loadUnicode2latexLazily = loadLazily('unicode2latex', 'unicode2latex.js');

/**
 * citeproc-js (about 1 MB), which formats references in CSL styles, likewise, with the XML check that goes before it
 * (src/citation/csl/cslEngine.ts): only when a reference is first formatted.
 */
const loadCslEngineLazily = loadLazily('./cslEngine', 'csl-engine.js', 'require-call');

/**
 * The features (src/ui/features.ts) are a bundle of their own, which the activation bundle (src/extension.ts)
 * requires on first use: activation loads only the placeholders.
 */
const loadFeaturesLazily = loadLazily('./features.js', 'features.js', 'require-call');

/** sql.js (SQLite in WebAssembly, which reads Zotero's database) likewise, from its own bundle. */
const loadSqlJsLazily = loadLazily('sql.js', 'sql-js.js');

/** The shared catalog's client (node-postgres and our queries, src/postgres/search.ts) likewise: only on a first server search. */
const loadPostgresSearchLazily = loadLazily('../postgres/search.js', 'postgres-search.js');

/** A bundle of its own in dist/, `name`.js, of `entry` (a package or one of our files). */
function lazyBundle(name, entry, options = {}) {
  return { ...shared, entryPoints: { [name]: entry }, outdir: 'dist', platform: 'node', mainFields: nodeMainFields, format: 'cjs', target: 'node20', ...options };
}

/** @type {import('esbuild').BuildOptions[]} */
const bundles = [
  {
    ...shared,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    mainFields: nodeMainFields,
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [loadFeaturesLazily],
  },
  {
    ...shared,
    entryPoints: { features: 'src/ui/features.ts' },
    outdir: 'dist',
    platform: 'node',
    mainFields: nodeMainFields,
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [loadBibtexParserLazily, loadUnicode2latexLazily, loadCslEngineLazily, loadSqlJsLazily, loadPostgresSearchLazily],
  },
  // The lazily loaded bundles (see `loadLazily` above), each its own CommonJS file in dist/.
  lazyBundle('csl-engine', 'src/citation/csl/cslEngine.ts'),
  lazyBundle('postgres-search', 'src/postgres/search.ts'),
  lazyBundle('sql-js', 'sql.js'),
  // The package's CommonJS build requires an ES-module-only dependency; its ES module build bundles cleanly.
  lazyBundle('unicode2latex', 'unicode2latex', { conditions: ['import'] }),
  lazyBundle('bibtex-parser', '@retorquere/bibtex-parser'),
  // The worker thread that builds big catalogs off the extension host's event loop (src/catalog/catalogWorker.ts).
  {
    ...shared,
    entryPoints: ['src/indexWorker.ts'],
    outfile: 'dist/indexWorker.js',
    platform: 'node',
    mainFields: nodeMainFields,
    format: 'cjs',
    target: 'node20',
    plugins: [loadBibtexParserLazily, loadCslEngineLazily, loadUnicode2latexLazily, loadSqlJsLazily],
  },
  {
    ...shared,
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    mainFields: nodeMainFields,
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [makeExecutable, loadCslEngineLazily],
  },
  {
    ...shared,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  },
  // Loaded by VS Code's extension host from test/integration/index.ts, which runs every *.test.js beside it.
  ...(production ? [] : [{
    ...shared,
    entryPoints: ['test/integration/index.ts', 'test/integration/**/*.test.ts'],
    outdir: 'out/test/integration',
    outbase: 'test/integration',
    platform: 'node',
    mainFields: nodeMainFields,
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  }]),
];

/**
 * KaTeX's stylesheet and fonts, which typeset math in the webviews, served from the extension (`dist/katex/`):
 * the webviews' CSP loads styles and fonts from the extension only. Only the woff2 fonts are copied: the
 * stylesheet names them first, and every browser VS Code runs in reads them, so the others are never fetched.
 */
async function copyKatexAssets() {
  const from = path.join('node_modules', 'katex', 'dist');
  const to = path.join('dist', 'katex');
  await mkdir(path.join(to, 'fonts'), { recursive: true });
  await copyFile(path.join(from, 'katex.min.css'), path.join(to, 'katex.min.css'));
  const fonts = (await readdir(path.join(from, 'fonts'))).filter((name) => name.endsWith('.woff2'));
  await Promise.all(fonts.map((name) => copyFile(path.join(from, 'fonts', name), path.join(to, 'fonts', name))));
}

/** sql.js's SQLite in WebAssembly, which reads Zotero's database (src/sources/zotero/sqlJs.ts loads it from beside the bundle). */
async function copySqlJsWasm() {
  await mkdir('dist', { recursive: true });
  await copyFile(path.join('node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'), path.join('dist', 'sql-wasm.wasm'));
}

// The test entry runs whatever *.test.js it finds: drop the output of test files deleted since the last build.
await rm('out/test/integration', { recursive: true, force: true });

await copyKatexAssets();
await copySqlJsWasm();

if (watch) {
  const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('[watch] watching for changes…');
} else {
  await Promise.all(bundles.map((options) => esbuild.build(options)));
}
