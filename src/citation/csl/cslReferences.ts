/**
 * Formatted references: a paper's bibliography entry in a CSL style, rendered by citeproc-js (npm `citeproc`), as
 * plain text. Pure: no `vscode` import; files are read through the injected `readFile`.
 *
 * The style is one of the bundled ones by name (`apa`, `ieee`, `chicago-author-date`, `nature`, `vancouver`; the
 * files are in media/csl/, see its README) or the path of a `.csl` file, relative paths against the workspace
 * folder. A style that cannot be used — missing, not CSL, a dependent style, no bibliography — is reported in one
 * message naming the file and the problem, and the reference is written in APA instead.
 *
 * citeproc-js is about 1 MB of JavaScript: it is imported on the first reference, never at activation, and each
 * style is compiled once (compiling Chicago's 170 KB style takes about a second).
 */
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import type { Paper } from '../../papers/paper';
import { toCslItem, type CslItem } from './cslItem';

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

interface Engine {
  readonly xml: string;
  /** The entry of one item, with the style's label ("[1]", "1.") when asked for. */
  readonly entry: (item: CslItem, withLabel: boolean) => string;
}

const READ_ERRORS: Readonly<Record<string, string>> = { ENOENT: 'there is no such file', EISDIR: 'it is a folder', EACCES: 'permission denied' };

/** Why a style file cannot be used; its message names the file. */
export class StyleProblem extends Error {}

export class CslReferences {
  private readonly engines = new Map<string, Engine>();
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
      if (!(error instanceof StyleProblem)) throw error;
      const text = await this.entry(toCslItem(paper), styleFile(DEFAULT_STYLE, this.files.bundledFolder));
      return { text, styleProblem: error.message };
    }
  }

  /**
   * One item's bibliography entry in the style in `file`, as plain text on one line. `withLabel` keeps the label
   * numeric styles put before it (IEEE's "[1]", Nature's "1."); a reference on its own is written without it.
   * Throws `StyleProblem` for a style that cannot be used.
   */
  async entry(item: CslItem, file: string, withLabel = false): Promise<string> {
    return (await this.engine(file)).entry(item, withLabel);
  }

  private async engine(file: string): Promise<Engine> {
    let xml: string;
    try {
      xml = await this.files.readFile(file);
    } catch (error) {
      throw new StyleProblem(`The citation style ${file} cannot be read: ${READ_ERRORS[(error as NodeJS.ErrnoException).code ?? ''] ?? String(error)}.`);
    }
    const cached = this.engines.get(file);
    if (cached?.xml === xml) return cached;
    styleShapeProblem(xml, file);
    const [citeproc, locale] = await Promise.all([loadCiteproc(), (this.locale ??= this.files.readFile(path.join(this.files.bundledFolder, LOCALE_FILE)))]);
    const engine = compile(citeproc, xml, locale, file);
    this.engines.set(file, engine);
    return engine;
  }
}

/**
 * Throws `StyleProblem` when the text is not well-formed XML, or not an independent CSL style with a bibliography:
 * citeproc-js reads a truncated file without complaint and then formats nothing.
 */
function styleShapeProblem(xml: string, file: string): void {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) {
    const { line, col, msg } = wellFormed.err;
    // The validator reports a file cut short as "Invalid '[ …the open elements… ]' found" at line 1.
    const open = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(msg)?.[1];
    const unclosed = open ? (JSON.parse(open) as string[]) : undefined;
    throw new StyleProblem(unclosed?.length
      ? `The citation style ${file} is not well-formed XML: it ends before <${unclosed[0]}> is closed (is it complete?).`
      : `The citation style ${file} is not well-formed XML: line ${line}, column ${col}: ${msg}`);
  }
  if (!/<style\b[^>]*xmlns="http:\/\/purl\.org\/net\/xbiblio\/csl"/.test(xml)) {
    throw new StyleProblem(`The citation style ${file} is not a CSL style (no <style xmlns="http://purl.org/net/xbiblio/csl"> element).`);
  }
  const parent = /<link\b[^>]*rel="independent-parent"[^>]*>/.exec(xml)?.[0];
  if (parent) {
    const href = /href="([^"]*)"/.exec(parent)?.[1] ?? '';
    throw new StyleProblem(`The citation style ${file} is a dependent style that only names its parent ${href}; use the parent style's .csl file.`);
  }
  if (!/<bibliography\b/.test(xml)) throw new StyleProblem(`The citation style ${file} has no <bibliography>, so it formats no references.`);
}

type Citeproc = typeof import('citeproc');

/** Our output format: citeproc-js's plain text, with the label of numeric styles kept apart so it can be left out. */
const UNLABELLED_TEXT = 'paperLookupUnlabelledText';
const LABEL_END = '\u0000';

let citeprocModule: Promise<Citeproc> | undefined;

/** citeproc-js, imported on first use (it has its own bundle, dist/citeproc.js; see esbuild.config.mjs). */
function loadCiteproc(): Promise<Citeproc> {
  citeprocModule ??= import('citeproc').then((module) => {
    const citeproc = ((module as { default?: Citeproc }).default ?? module) as Citeproc;
    const text = citeproc.Output.Formats.text;
    citeproc.Output.Formats[UNLABELLED_TEXT] = { ...text, '@display/left-margin': (_state: unknown, label: string) => label + LABEL_END };
    return citeproc;
  });
  return citeprocModule;
}

function compile(citeproc: Citeproc, xml: string, locale: string, file: string): Engine {
  let current: CslItem | undefined;
  let engine;
  try {
    engine = new citeproc.Engine({ retrieveLocale: () => locale, retrieveItem: () => current }, xml, LOCALE, true);
  } catch (error) {
    throw new StyleProblem(`The citation style ${file} cannot be read by citeproc-js: ${error instanceof Error ? error.message : String(error)}.`);
  }
  engine.setOutputFormat(UNLABELLED_TEXT);
  return {
    xml,
    entry: (item, withLabel) => {
      // One item at a time, synchronously: the engine asks `retrieveItem` for it during `updateItems`.
      current = item;
      let bibliography;
      try {
        engine.updateItems([item.id]);
        bibliography = engine.makeBibliography();
      } catch (error) {
        throw new StyleProblem(`The citation style ${file} cannot be used by citeproc-js: ${error instanceof Error ? error.message : String(error)}.`);
      } finally {
        current = undefined;
      }
      if (!bibliography) throw new StyleProblem(`The citation style ${file} formats no references (citeproc-js found no usable <bibliography>).`);
      const rendered = bibliography[1][0] ?? '';
      const [label, body] = rendered.includes(LABEL_END) ? rendered.split(LABEL_END, 2) : ['', rendered];
      return oneLine(withLabel && label ? `${label} ${body}` : body);
    },
  };
}

/** Entry text on one line: blocks and indents that some styles put in become spaces. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
