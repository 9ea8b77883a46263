/**
 * What a Markdown, LaTeX or Typst document says about its bibliography: which files it declares, and what to write so
 * that it declares one. Pure: no `vscode` import and no file access; callers read the files and resolve the paths.
 */
import type { CitationLanguage, TextInsertion } from './citationContext';
import { typstBibliographies, typstBibliographyDeclaration } from './typst';

/**
 * The bibliography files a document declares, as written there (relative paths are relative to the document's
 * folder, or for LaTeX to the root file's). LaTeX: `\bibliography{a,b}` (BibTeX adds `.bib`, so we do too) and
 * `\addbibresource{refs.bib}`. Markdown: `bibliography:` in the YAML front matter, one path or a list. Typst:
 * `#bibliography("refs.bib")` or `#bibliography(("a.bib", "b.yml"))`, also in a show rule.
 */
export function declaredBibliographies(text: string, language: CitationLanguage): string[] {
  if (language === 'typst') return typstBibliographies(text);
  return language === 'latex' ? latexBibliographies(text) : markdownBibliographies(text);
}

/** `\bibliography{a, b}` → a.bib, b.bib; `\addbibresource[opts]{refs.bib}` → refs.bib unless it is remote. */
const LATEX_BIBLIOGRAPHY = /\\(bibliography|addbibresource)\s*(?:\[([^\]]*)\])?\s*\{([^}]*)\}/g;

/** A `%` that is not escaped starts a LaTeX comment, up to the end of its line. */
const LATEX_COMMENT = /(?<!\\)((?:\\\\)*)%.*$/gm;

/** Text with LaTeX comments removed. */
function withoutLatexComments(text: string): string {
  return text.replace(LATEX_COMMENT, '$1');
}

/** Text with LaTeX comments blanked out by spaces, so offsets into it are offsets into the text. */
function withLatexCommentsBlanked(text: string): string {
  return text.replace(LATEX_COMMENT, (comment, backslashes: string) => backslashes + ' '.repeat(comment.length - backslashes.length));
}

function latexBibliographies(text: string): string[] {
  const files: string[] = [];
  for (const [, command, options, argument] of withoutLatexComments(text).matchAll(LATEX_BIBLIOGRAPHY)) {
    if (command === 'addbibresource') {
      if (!/\blocation\s*=\s*remote\b/.test(options ?? '')) files.push(argument.trim());
      continue;
    }
    for (const name of argument.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
      files.push(/\.bib$/i.test(name) ? name : `${name}.bib`);
    }
  }
  return files;
}

/**
 * The root file named by a `% !TEX root = main.tex` magic comment (TeXShop, TeXstudio and LaTeX Workshop
 * read it), as written: relative to the folder of the file that holds it.
 */
export function texRootOf(text: string): string | undefined {
  return /^[ \t]*%[ \t]*!TEX[ \t]+root[ \t]*=[ \t]*(.*?)[ \t]*$/im.exec(text)?.[1] || undefined;
}

/** The YAML front matter: `---` on the first line, up to a line of `---` or `...`. */
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * The `bibliography:` value of the YAML front matter. Only this key is read, so a small reader covers the forms
 * pandoc documents use — `bibliography: refs.bib`, `["a.bib", 'b.bib']`, and a block list of `- a.bib` lines —
 * without a YAML dependency.
 */
function markdownBibliographies(text: string): string[] {
  const frontMatter = FRONT_MATTER.exec(text)?.[1];
  if (frontMatter === undefined) return [];
  const lines = frontMatter.split(/\r?\n/);
  const keyLine = lines.findIndex((line) => /^bibliography[ \t]*:/.test(line));
  if (keyLine < 0) return [];
  const inline = yamlScalar(lines[keyLine].replace(/^bibliography[ \t]*:/, ''));
  if (inline.startsWith('[')) {
    return inline.replace(/^\[|\]$/g, '').split(',').map(yamlScalar).filter((file) => file !== '');
  }
  if (inline !== '') return [inline];
  const items: string[] = [];
  for (const line of lines.slice(keyLine + 1)) {
    const item = /^[ \t]*-[ \t]+(.*)$/.exec(line);
    if (!item) break;
    items.push(yamlScalar(item[1]));
  }
  return items.filter((file) => file !== '');
}

/** A plain, single- or double-quoted YAML scalar, without a trailing `# comment`. */
function yamlScalar(raw: string): string {
  const value = raw.trim();
  const quoted = /^(["'])(.*)\1$/.exec(value);
  if (quoted) return quoted[2];
  return value.replace(/(?:^|\s+)#.*$/, '').trim();
}

/**
 * Where and what to write so that a document that declares no bibliography declares `bibFile` (a path relative
 * to the document, such as `references.bib`); undefined where that cannot be done without guessing.
 *
 * - Markdown: a `bibliography:` line at the end of the YAML front matter, or a new front matter block at the top.
 *   A front matter with a `bibliography:` key already (say, an empty one) is left alone: a second key is invalid YAML.
 * - LaTeX with biblatex loaded in the preamble: `\addbibresource{…}` right before `\begin{document}`.
 * - Other LaTeX: `\bibliographystyle{plain}` (`plainnat` under natbib, whose default author-year mode rejects
 *   `plain`) unless the document sets a style, and `\bibliography{…}`, right before `\end{document}`. Without an
 *   `\end{document}` (a chapter file `\input` by a main file) there is nowhere sure to put it.
 * - Typst: `#bibliography("references.bib")` at the end of the document.
 */
export function bibliographyDeclaration(text: string, language: CitationLanguage, bibFile: string): TextInsertion | undefined {
  if (language === 'typst') return typstBibliographyDeclaration(text, bibFile);
  return language === 'latex' ? latexBibliographyDeclaration(text, bibFile) : markdownBibliographyDeclaration(text, bibFile);
}

function lineBreakOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

/** The opening `---` line of a front matter block, and (searched from its end) the closing `---` or `...` line. */
const FRONT_MATTER_OPENING = /^---[ \t]*\r?\n/;
const FRONT_MATTER_CLOSING = /^(?:---|\.\.\.)[ \t]*\r?$/gm;

function markdownBibliographyDeclaration(text: string, bibFile: string): TextInsertion | undefined {
  const eol = lineBreakOf(text);
  const declaration = `bibliography: ${bibFile}`;
  const opening = FRONT_MATTER_OPENING.exec(text);
  const closing = new RegExp(FRONT_MATTER_CLOSING);
  closing.lastIndex = opening?.[0].length ?? 0;
  const closingLine = opening ? closing.exec(text) : null;
  if (!opening || !closingLine) {
    // No front matter: a new block on top, a blank line between it and the text (none needed before an empty document).
    return { offset: 0, text: `---${eol}${declaration}${eol}---${eol}${text === '' ? '' : eol}` };
  }
  const frontMatter = text.slice(opening[0].length, closingLine.index);
  if (/^bibliography[ \t]*:/m.test(frontMatter)) return undefined;
  return { offset: closingLine.index, text: declaration + eol };
}

/** `\usepackage[options]{a,b}` and `\RequirePackage{…}`: the packages named. */
const LATEX_PACKAGES = /\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^}]*)\}/g;

function latexBibliographyDeclaration(text: string, bibFile: string): TextInsertion | undefined {
  const code = withLatexCommentsBlanked(text);
  const beginDocument = code.indexOf('\\begin{document}');
  const preamble = code.slice(0, Math.max(beginDocument, 0));
  const packages = new Set([...preamble.matchAll(LATEX_PACKAGES)].flatMap((match) => match[1].split(',').map((name) => name.trim())));
  // biblatex in the preamble means there is a `\begin{document}` after it.
  if (packages.has('biblatex')) return linesBefore(text, beginDocument, [`\\addbibresource{${bibFile}}`]);
  const endDocument = code.lastIndexOf('\\end{document}');
  if (endDocument < 0) return undefined;
  const style = /\\bibliographystyle\s*\{/.test(code) ? [] : [`\\bibliographystyle{${packages.has('natbib') ? 'plainnat' : 'plain'}}`];
  return linesBefore(text, endDocument, [...style, `\\bibliography{${bibFile.replace(/\.bib$/i, '')}}`]);
}

/** Inserts whole lines before the command at `offset`: at the start of its line, or on a new line when text precedes it there. */
function linesBefore(text: string, offset: number, lines: readonly string[]): TextInsertion {
  const eol = lineBreakOf(text);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const block = lines.map((line) => line + eol).join('');
  return /^[ \t]*$/.test(text.slice(lineStart, offset)) ? { offset: lineStart, text: block } : { offset, text: eol + block };
}
