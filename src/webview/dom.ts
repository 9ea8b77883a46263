/**
 * DOM helpers for the webview bundle. Paper text comes from index files, so it only ever enters the page
 * as text nodes and element properties, never as HTML.
 */
import type { HighlightedText, PaperListItem } from '../shared/protocol';

/** Creates an element and sets properties on it (never attributes that could carry HTML). */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, properties: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), properties);
}

/** The text as text nodes, with each highlighted range in a `<mark>`. */
export function highlighted({ text, highlights }: HighlightedText): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let position = 0;
  for (const [start, end] of highlights) {
    if (start < position || end > text.length) continue;
    fragment.append(text.slice(position, start), element('mark', { textContent: text.slice(start, end) }));
    position = end;
  }
  fragment.append(text.slice(position));
  return fragment;
}

/** What every paper list shows of a paper: its title, then "authors · year", then a snippet if it has one. */
export function paperListItemContent(item: PaperListItem): HTMLElement[] {
  const title = element('span', { className: 'item-title' });
  title.append(highlighted(item.title));
  const parts: HTMLElement[] = [title];
  if (item.description) parts.push(element('span', { className: 'item-description', textContent: item.description }));
  if (item.snippet) {
    const snippet = element('span', { className: 'item-snippet' });
    snippet.append(highlighted(item.snippet));
    parts.push(snippet);
  }
  return parts;
}
