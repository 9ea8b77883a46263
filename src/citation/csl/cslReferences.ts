/**
 * Formatted references: a paper's bibliography entry in a CSL style, rendered by citeproc-js (npm `citeproc`), as
 * plain text. Pure: no `vscode` import; files are read through the injected `readFile`.
 *
 * The style is one of the bundled ones by name (`apa`, `ieee`, `chicago-author-date`, `nature`, `vancouver`; the
 * files are in media/csl/, see its README) or the path of a `.csl` file, relative paths against the workspace
 * folder. A style that cannot be used — missing, not well-formed, not CSL, a dependent style, no bibliography — is
 * reported in one message naming the file and the problem, and the reference is written in APA instead.
 *
 * citeproc-js is about 1 MB of JavaScript: it and the XML check are in ./cslEngine.ts, loaded on the first reference
 * (its own bundle, dist/csl-engine.js), never at activation; each style is compiled once per file and text (the big
 * ones, APA and Chicago, take seconds: see the README's "Formatted references").
 */
import * as path from 'node:path';
import type { Paper } from '../../papers/paper';
import { RefusedFileError } from '../../sources/regularFile';
import { toCslItem, type CslItem } from './cslItem';
import { isStyleProblem, StyleProblem, type StyleCompiler, type StyleEngine } from './styleProblem';

/** The bundled styles by the name the setting and the CLI take, and their files in the bundled folder. */
export const BUNDLED_STYLES: Readonly<Record<string, string>> = Object.freeze({
  apa: 'apa.csl',
  ieee: 'ieee.csl',
  'chicago-author-date': 'chicago-author-date.csl',
  nature: 'nature.csl',
  // The CSL repository's "Vancouver" style, renamed nlm-citation-sequence.csl there in January 2026.
  vancouver: 'nlm-citation-sequence.csl',
});

export const DEFAULT_STYLE = 'apa';

/** The one locale shipped: every style is rendered in US English (a style's own default locale is not used). */
const LOCALE = 'en-US';
const LOCALE_FILE = 'locales-en-US.xml';

export interface CslFiles {
  /** The folder holding the bundled styles and the locale (media/csl/ in the extension). */
  readonly bundledFolder: string;
  /** Reads a file as UTF-8 text; rejects when it cannot. */
  readonly readFile: (file: string) => Promise<string>;
  /**
   * Compiles styles: in this thread when absent (the command line, tests); the extension compiles and renders in a
   * worker (./cslWorker.ts), since compiling a style takes citeproc-js a second or more.
   */
  readonly compileStyle?: StyleCompiler;
}

export interface FormattedReference {
  readonly text: string;
  /** Set when the chosen style could not be used, and `text` is in APA instead: why, naming the file. */
  readonly styleProblem?: string;
}

/** Where a style setting points: a bundled style's file, or a .csl file (relative to `workspaceFolder`). */
export function styleFile(style: string, bundledFolder: string, workspaceFolder?: string): string {
  const name = style.trim() || DEFAULT_STYLE;
  const bundled = Object.hasOwn(BUNDLED_STYLES, name) ? BUNDLED_STYLES[name] : undefined;
  if (bundled) return path.join(bundledFolder, bundled);
  const expanded = name.replace(/^~(?=$|[/\\])/, process.env.HOME ?? '~');
  return path.isAbsolute(expanded) || workspaceFolder === undefined ? path.resolve(expanded) : path.resolve(workspaceFolder, expanded);
}

/** Whether `style` names a bundled style or a .csl file (a typo such as "ieeee" is neither). */
export function isStyleName(style: string): boolean {
  const name = style.trim();
  return name === '' || Object.hasOwn(BUNDLED_STYLES, name) || /\.csl$/i.test(name);
}

const READ_ERRORS: Readonly<Record<string, string>> = { ENOENT: 'there is no such file', EISDIR: 'it is a folder', EACCES: 'permission denied' };

export class CslReferences {
  private readonly engines = new Map<string, { readonly xml: string; readonly engine: StyleEngine }>();
  private locale: Promise<string> | undefined;

  constructor(private readonly files: CslFiles) {}

  /**
   * The paper's reference in `style` (a bundled style's name or a .csl path). A style that cannot be used gives the
   * reference in APA and says why in `styleProblem`.
   */
  async reference(paper: Paper, style: string, workspaceFolder?: string): Promise<FormattedReference> {
    try {
      if (!isStyleName(style)) throw new StyleProblem(`The citation style "${style}" is neither a bundled style (${Object.keys(BUNDLED_STYLES).join(', ')}) nor a .csl file.`);
      return { text: await this.entry(toCslItem(paper), styleFile(style, this.files.bundledFolder, workspaceFolder)) };
    } catch (error) {
      if (!isStyleProblem(error)) throw error;
      const text = await this.entry(toCslItem(paper), styleFile(DEFAULT_STYLE, this.files.bundledFolder));
      return { text, styleProblem: error.message };
    }
  }

  /**
   * One item's bibliography entry in the style in `file`, as plain text on one line. `withLabel` keeps the label
   * numeric styles put before it (IEEE's "[1]", Nature's "1."); a reference on its own is written without it.
   * Throws a `StyleProblem` for a style that cannot be used.
   */
  async entry(item: CslItem, file: string, withLabel = false): Promise<string> {
    return (await this.engine(file)).entry(item, withLabel);
  }

  private async engine(file: string): Promise<StyleEngine> {
    let xml: string;
    try {
      xml = await this.files.readFile(file);
    } catch (error) {
      const reason = error instanceof RefusedFileError ? error.message.replace(/\.$/, '') : (READ_ERRORS[(error as NodeJS.ErrnoException).code ?? ''] ?? String(error));
      throw new StyleProblem(`The citation style ${file} cannot be read: ${reason}.`);
    }
    const cached = this.engines.get(file);
    if (cached?.xml === xml) return cached.engine;
    const locale = await (this.locale ??= this.files.readFile(path.join(this.files.bundledFolder, LOCALE_FILE)));
    const engine = (this.files.compileStyle ?? loadCslEngine().compileStyle)(xml, locale, LOCALE, file);
    this.engines.set(file, { xml, engine });
    return engine;
  }
}

/**
 * ./cslEngine.ts, loaded on first use: a `require` inside the function, which esbuild resolves to the separate bundle
 * dist/csl-engine.js (esbuild.config.mjs) instead of bundling it. Not `import()`: that is Node's ES module loader,
 * which does not load TypeScript sources in the unit tests (mocha runs them through tsx's CommonJS hook).
 */
export function loadCslEngine(): typeof import('./cslEngine') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, see above
  return require('./cslEngine') as typeof import('./cslEngine');
}
