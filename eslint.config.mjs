// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Text from files reaches VS Code's UI only through src/shared/untrustedText.ts: a notification turns
 * `[label](command:…)` into a link that runs the command, and labels, descriptions, details and status bar text
 * render `$(icon)`. So in the VS Code glue, what these places are given is a literal, a constant, or the helper's
 * result — a template or concatenation passed straight in is an error.
 */
const CONSTANT = 'Literal, TemplateLiteral[expressions.length=0], Identifier[name=/^[A-Z][A-Z0-9_]*$/]';
const MESSAGE_SAFE = `${CONSTANT}, CallExpression[callee.name="plainForMessage"]`;
const LABEL_SAFE = `${CONSTANT}, CallExpression[callee.name="plainForLabel"]`;
/** A progress message or title shows in the status bar (icons) or in a notification (links). */
const PROGRESS_SAFE = `${CONSTANT}, CallExpression[callee.name="plainForLabel"][arguments.0.callee.name="plainForMessage"]`;
/** A completion's detail is shown with its icons stripped, and a diagnostic's message as text, so `plainLine` is enough there. */
const ASSIGNED_SAFE = `${CONSTANT}, CallExpression[callee.name=/^(plainForLabel|plainLine)$/]`;
const SHOW_MESSAGE = 'CallExpression[callee.property.name=/^show(Information|Warning|Error)Message$/]';
const HELPER = 'Pass text from files through plainForMessage / plainForLabel (src/shared/untrustedText.ts) or use a literal.';
export const UNTRUSTED_TEXT_RULES = [
  { selector: `${SHOW_MESSAGE} > :not(${MESSAGE_SAFE}).arguments:first-child`, message: `Notification text makes links: ${HELPER}` },
  { selector: `${SHOW_MESSAGE} > ObjectExpression.arguments > Property[key.name="detail"] > :not(${MESSAGE_SAFE}).value`, message: `Modal detail: ${HELPER}` },
  { selector: `CallExpression[callee.property.name="setStatusBarMessage"] > :not(${LABEL_SAFE}).arguments:first-child`, message: `Status bar text renders icons: ${HELPER}` },
  { selector: `CallExpression[callee.property.name="report"] > ObjectExpression > Property[key.name="message"] > :not(${PROGRESS_SAFE}).value`, message: `Progress messages: plainForLabel(plainForMessage(…)), or a literal.` },
  { selector: `CallExpression[callee.property.name="withProgress"] > ObjectExpression.arguments > Property[key.name="title"] > :not(${PROGRESS_SAFE}).value`, message: `Progress titles: plainForLabel(plainForMessage(…)), or a literal.` },
  { selector: `NewExpression[callee.property.name="TreeItem"] > :not(${LABEL_SAFE}).arguments:first-child`, message: `Tree item labels: ${HELPER}` },
  { selector: `NewExpression[callee.property.name="Diagnostic"] > :not(${ASSIGNED_SAFE}).arguments:nth-child(2)`, message: `Diagnostic messages: plainLine(…) (one line, no bidi control), or a literal.` },
  { selector: `ObjectExpression:not(${SHOW_MESSAGE} > .arguments) > Property[key.name=/^(label|description|detail)$/] > :not(${LABEL_SAFE}).value`, message: `Quick pick rows render icons: ${HELPER}` },
  { selector: `AssignmentExpression[left.property.name=/^(label|description|detail|text)$/] > :not(${ASSIGNED_SAFE}).right`, message: `Labels and status bar text render icons: ${HELPER}` },
];

/**
 * The pure core's folders, lowest first: a folder imports only folders before it in this list, so there are no
 * import cycles between folders and each can be tested with what is below it. `src/ui/`, `src/webview/`,
 * `src/bench/`, `src/cli.ts` and `src/extension.ts` sit on top and may import any of them.
 */
export const CORE_LAYERS = ['shared', 'papers', 'bibtex', 'sources', 'search', 'protocol', 'catalog', 'online', 'postgres', 'citation'];

/** For the folder at `rank`: imports of the folders above it, and of bench, test and VS Code glue code. */
function layerRestrictions(rank) {
  const above = [...CORE_LAYERS.slice(rank + 1), 'ui', 'webview', 'bench'];
  return {
    patterns: [
      { group: above.flatMap((folder) => [`../${folder}/*`, `../../${folder}/*`, `../${folder}`]), message: `src/${CORE_LAYERS[rank]}/ may import only ${CORE_LAYERS.slice(0, rank).map((folder) => `src/${folder}/`).join(', ') || 'no other folder'} (see CORE_LAYERS in eslint.config.mjs).` },
      { group: ['**/test/**', '../../test/*', '../../../test/*'], message: 'Shipping code never imports test code.' },
    ],
  };
}

const NO_VSCODE = { name: 'vscode', message: 'Pure modules must not import vscode; put VS Code glue in src/ui/.' };

export default tseslint.config(
  { ignores: ['dist/', 'out/', 'node_modules/', '.vscode-test/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', __dirname: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/ui/**', 'src/extension.ts'],
    rules: { 'no-restricted-syntax': ['error', ...UNTRUSTED_TEXT_RULES] },
  },
  // The pure core runs in plain Node, the CLI and the webview: it must never depend on the VS Code API.
  ...CORE_LAYERS.map((folder, rank) => ({
    files: [`src/${folder}/**`],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE], ...layerRestrictions(rank) }] },
  })),
  {
    files: ['src/webview/**', 'src/cli.ts', 'src/indexWorker.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [NO_VSCODE], patterns: [{ group: ['../bench/*', './bench/*', '../ui/*', './ui/*', '**/test/**'], message: 'Shipping code imports neither bench, test nor VS Code glue code.' }] },
      ],
    },
  },
  {
    files: ['src/ui/**', 'src/extension.ts', 'src/config.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../bench/*', './bench/*', '**/test/**'], message: 'Shipping code imports neither bench nor test code.' }] }] },
  },
);
