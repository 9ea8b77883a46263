/**
 * DOM helpers for the webview bundle. Paper text comes from index files, so it only ever enters the page
 * as text nodes and element properties, never as HTML (its math as KaTeX's DOM, see richText.ts).
 */
import { readableText } from '../shared/latexText';
import type { HighlightedText, PaperListItem } from '../protocol/protocol';
import { richText } from './richText';

/** Creates an element and sets properties on it (never attributes that could carry HTML). */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, properties: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), properties);
}

/** The text, its LaTeX decoded and math typeset, with each highlighted range in a `<mark>`. */
export function highlighted({ text, highlights }: HighlightedText): DocumentFragment {
  return richText(text, highlights);
}

/** A list item's accessible name: its title and "authors · year" as plain text (math as its source). */
export function paperListItemLabel(item: PaperListItem): string {
  return readableText(item.description ? `${item.title.text}, ${item.description}` : item.title.text);
}

/** What every paper list shows of a paper: its title, then "authors · year", then a snippet if it has one. */
export function paperListItemContent(item: PaperListItem): HTMLElement[] {
  const title = element('span', { className: 'item-title' });
  title.append(highlighted(item.title));
  const parts: HTMLElement[] = [title];
  if (item.description) {
    const description = element('span', { className: 'item-description' });
    description.append(richText(item.description));
    parts.push(description);
  }
  if (item.snippet) {
    const snippet = element('span', { className: 'item-snippet' });
    snippet.append(highlighted(item.snippet));
    parts.push(snippet);
  }
  return parts;
}
