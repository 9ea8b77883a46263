/**
 * The ids package.json contributes and both bundles use: src/extension.ts registers placeholders under them before
 * the features (dist/features.js) are loaded, and the features register the real ones. Constants only: importing
 * this module must not pull any feature into the activation bundle.
 */
import type * as vscode from 'vscode';

export const PAPERS_VIEW_ID = 'paperLookup.papersView';
export const SOURCES_VIEW_ID = 'paperLookup.sourcesView';
export const ABSTRACT_PANEL_VIEW_TYPE = 'paperLookup.abstract';

/** Markdown dialects (pandoc citations), TeX and Typst; see `bibliographyLanguage`. */
export const CITATION_LANGUAGES: vscode.DocumentSelector = ['markdown', 'quarto', 'rmd', 'latex', 'tex', 'typst'];

/** `\cite{`, `\cite{a,`, `[@`, Typst's `#cite(<` and `#cite(label("`: where a key starts. */
export const CITATION_TRIGGER_CHARACTERS = ['{', ',', '@', '<', '"'];
