/**
 * Citation text for each kind of document. Pure: no `vscode` import.
 */
import type { LoadedPaper } from '../papers/paper';
import { httpsUrl } from '../protocol/paperView';
import { isInLineComment, lineCommentToken } from './codeComments';
import { typstCitation } from './typst';

export type CitationStyle = 'markdown' | 'latex' | 'typst' | 'plain';

export interface CitationOptions {
  /**
   * Template for plain references in other languages. Placeholders: `${title}`, `${authors}`, `${year}`,
   * `${venue}`, `${link}`, `${key}`. A placeholder with no value is dropped with the punctuation around it.
   * Unset, a plain reference is the formatted reference in `style` (./csl/), or this module's default template
   * where none was formatted.
   */
  readonly plainTemplate?: string;
  /** The CSL style of formatted references: a bundled style's name (`apa`, `ieee`, …) or a .csl file's path. */
  readonly style?: string;
  /** The LaTeX citation command without its backslash: `cite`, `citep`, `parencite`, … */
  readonly latexCommand: string;
  /**
   * Per VS Code language id: `"markdown"`, `"latex"` or `"plain"` to use that style, or a template with the
   * placeholders above (`":cite:`${key}`"` for reStructuredText). Overrides the built-in choice.
   */
  readonly languages: Readonly<Record<string, string>>;
}

export const DEFAULT_PLAIN_TEMPLATE = '${authors} (${year}). ${title}. ${link}';

export const DEFAULT_CITATION_OPTIONS: CitationOptions = Object.freeze({
  latexCommand: 'cite',
  languages: Object.freeze({}),
});

/** The LaTeX commands offered in settings; any other biblatex/natbib command name also works. */
export const LATEX_CITE_COMMANDS = ['cite', 'citep', 'citet', 'parencite', 'autocite', 'textcite', 'footcite'] as const;

/** Built-in choices: pandoc's syntax for Markdown dialects, `\cite` for TeX, sphinxcontrib-bibtex for rST. */
const BUILT_IN_LANGUAGES: Readonly<Record<string, string>> = {
  markdown: 'markdown',
  quarto: 'markdown',
  rmd: 'markdown',
  latex: 'latex',
  tex: 'latex',
  context: 'latex',
  restructuredtext: ':cite:`${key}`',
  typst: 'typst',
};

/** How a language cites: one of the styles, or a template of its own. */
export function citationStyleFor(languageId: string, options: Pick<CitationOptions, 'languages'> = DEFAULT_CITATION_OPTIONS): CitationStyle | { template: string } {
  const choice = options.languages[languageId] ?? BUILT_IN_LANGUAGES[languageId] ?? 'plain';
  return choice === 'markdown' || choice === 'latex' || choice === 'typst' || choice === 'plain' ? choice : { template: choice };
}

/**
 * The citation of `paper` in `style`. `languageId`, the language of the document it goes into, decides how the
 * paper's text is escaped in a plain reference: in HTML, XML and the like (`isMarkupLanguage`) every value is
 * written as character references where it would be markup, so a title `<script>…</script>` is text there too.
 * A template's own text is the user's and stays as written (`<cite>${title}</cite>` keeps its tags).
 * `formattedReference`, the paper's reference in the CSL style, is the plain reference unless a template is set.
 */
export function formatCitation(
  paper: LoadedPaper,
  style: CitationStyle | { template: string },
  options: CitationOptions = DEFAULT_CITATION_OPTIONS,
  languageId?: string,
  formattedReference?: string,
): string {
  const escape = languageId !== undefined && isMarkupLanguage(languageId) ? escapeMarkup : undefined;
  if (typeof style === 'object') return formatPlainReference(paper, style.template, escape);
  switch (style) {
    case 'markdown':
      return `[@${paper.key}]`;
    case 'latex':
      return `\\${options.latexCommand}{${paper.key}}`;
    case 'typst':
      return typstCitation(paper.key);
    case 'plain':
      if (options.plainTemplate === undefined && formattedReference !== undefined) return escape ? escape(formattedReference) : formattedReference;
      return formatPlainReference(paper, options.plainTemplate ?? DEFAULT_PLAIN_TEMPLATE, escape);
  }
}

/**
 * Languages whose text is markup, where `<`, `&` and quotes in a paper's text would be read as tags, entities or
 * the end of an attribute: HTML and XML (SVG, XSLT, XHTML) and the template languages written as HTML — PHP among
 * them, whose files are HTML outside `<?php … ?>`, so its line comment (`// …`) is page text there.
 */
const MARKUP_LANGUAGES: ReadonlySet<string> = new Set([
  'html', 'xhtml', 'xml', 'xsl', 'svg', 'vue-html', 'vue', 'svelte', 'astro', 'handlebars', 'razor', 'aspnetcorerazor',
  'django-html', 'jinja-html', 'twig', 'nunjucks', 'erb', 'jsp', 'php',
]);

export function isMarkupLanguage(languageId: string): boolean {
  return MARKUP_LANGUAGES.has(languageId);
}

/** `text` as HTML/XML character data that is also safe inside a quoted attribute value. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (char) => MARKUP_ENTITIES[char]);
}

const MARKUP_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The citation as it goes in at one cursor, `textBeforeCursor` being the cursor's line up to it (for a
 * selection, up to its start). In a code file — a language with line comments, see ./codeComments.ts — a plain
 * reference on its own would break the code, so it becomes a line comment (`# …`, `// …`; after a space when
 * it follows code), unless the cursor is in a line comment already. A language given a style of its own in
 * `paperLookup.citation.languages` gets exactly that style, uncommented.
 */
export function citationAtCursor(
  citation: string,
  languageId: string,
  textBeforeCursor: string,
  options: Pick<CitationOptions, 'languages'> = DEFAULT_CITATION_OPTIONS,
): string {
  const token = options.languages[languageId] === undefined ? lineCommentToken(languageId) : undefined;
  if (token === undefined) return citation;
  // Apart from the code or the comment before it, and from a reference inserted just before ("keep picking").
  const separator = /\S$/.test(textBeforeCursor) ? ' ' : '';
  return isInLineComment(textBeforeCursor, token) ? separator + citation : `${separator}${token} ${citation}`;
}

/**
 * The best link for a paper: its arXiv abstract page, else its DOI, else its own https URL — normalised, because a
 * url that only starts with "https://" may be no URL at all ("https://", "https://a b").
 */
export function paperLink(paper: Pick<LoadedPaper, 'arxivId' | 'doi' | 'url'>): string | undefined {
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  if (paper.doi) return `https://doi.org/${paper.doi}`;
  return paper.url ? httpsUrl(paper.url.trim()) : undefined;
}

/** "A", "A and B", "A, B, and C", or "A et al." for more than three authors. */
export function formatAuthorList(authors: readonly string[] | undefined): string {
  if (!authors || authors.length === 0) return '';
  if (authors.length === 1) return authors[0];
  if (authors.length === 2) return `${authors[0]} and ${authors[1]}`;
  if (authors.length === 3) return `${authors[0]}, ${authors[1]}, and ${authors[2]}`;
  return `${authors[0]} et al.`;
}

/** The plain reference; `escape`, when given, is applied to every value put into the template. */
export function formatPlainReference(paper: LoadedPaper, template: string, escape: (value: string) => string = (value) => value): string {
  const raw: Record<string, string> = {
    title: paper.title,
    authors: formatAuthorList(paper.authors),
    year: paper.year !== undefined ? String(paper.year) : '',
    venue: paper.venue ?? '',
    link: paperLink(paper) ?? '',
    key: paper.key,
  };
  const values = Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, escape(value)]));
  return template
    // An empty placeholder takes its bracketing punctuation with it: "Title (${year})" → "Title".
    .replace(/\s*[([]?\$\{(\w+)\}[)\]]?/g, (whole, name: string) => {
      const value = values[name];
      if (value === undefined) return whole;
      if (value === '') return '';
      // A function, not the string: `$&`, `$'` or `$$` in a title are text, not replacement patterns.
      return whole.replace(/\$\{\w+\}/, () => value);
    })
    // Separators left in front by an empty leading placeholder: ". Title." → "Title.". Only then: a
    // template may itself start with punctuation (reStructuredText's ":cite:").
    .replace(leadingPlaceholderIsEmpty(template, values) ? /^[\s.,;:]+/ : /^\s+/, '')
    // Doubled punctuation left by an empty placeholder collapses to its first mark; the `;` that ends a character
    // reference (an escaped value in HTML) is no punctuation.
    .replace(/(?<!&(?:#\d+|#x[0-9a-f]+|[a-z]+))([.,;:])(\s*[.,;:])+/gi, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

function leadingPlaceholderIsEmpty(template: string, values: Readonly<Record<string, string>>): boolean {
  const name = /^\s*[([]?\$\{(\w+)\}/.exec(template)?.[1];
  return name !== undefined && values[name] === '';
}
