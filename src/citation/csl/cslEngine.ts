/**
 * A CSL style compiled by citeproc-js, after checking that it is a well-formed, independent CSL style with a
 * bibliography. The heavy half of ./cslReferences.ts, in its own bundle (dist/csl-engine.js, see esbuild.config.mjs)
 * that is loaded on the first formatted reference. Pure: no `vscode` import.
 */
import CSL from 'citeproc';
import { XMLValidator } from 'fast-xml-parser';
import type { CslItem } from './cslItem';
import { StyleProblem, type StyleEngine } from './styleProblem';

/** The style in `xml` (from `file`, named in problems) with `locale`'s terms; throws a `StyleProblem` if unusable. */
export function compileStyle(xml: string, locale: string, lang: string, file: string): StyleEngine {
  styleShapeProblem(xml, file);
  return compile(xml, locale, lang, file);
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

/** Our output format: citeproc-js's plain text, with the label of numeric styles kept apart so it can be left out. */
const UNLABELLED_TEXT = 'paperLookupUnlabelledText';
const LABEL_END = '\u0000';
CSL.Output.Formats[UNLABELLED_TEXT] = { ...CSL.Output.Formats.text, '@display/left-margin': (_state: unknown, label: string) => label + LABEL_END };

function compile(xml: string, locale: string, lang: string, file: string): StyleEngine {
  let current: CslItem | undefined;
  let engine;
  try {
    engine = new CSL.Engine({ retrieveLocale: () => locale, retrieveItem: () => current }, xml, lang, true);
  } catch (error) {
    throw new StyleProblem(`The citation style ${file} cannot be read by citeproc-js: ${error instanceof Error ? error.message : String(error)}.`);
  }
  engine.setOutputFormat(UNLABELLED_TEXT);
  return {
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
