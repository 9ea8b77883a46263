/**
 * The abstract panel's browser script (bundled to `dist/webview.js`). It owns no data: it asks the host
 * for the paper with `ready`, renders what `show` sends, and turns clicks into messages. All paper text
 * goes in through `textContent` and element properties, never as HTML.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { AbstractPanelState, HostMessage, PaperView, WebviewMessage } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  setState(state: AbstractPanelState): void;
}

/** Injected by VS Code into every webview; may be called only once. */
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message?.type) {
    case 'show':
      renderPaper(message.paper);
      // Saved so the serializer can reopen this paper after a window reload.
      vscode.setState({ paperId: message.paper.id });
      return;
    case 'notFound':
      renderNotFound(message.paperId);
      return;
  }
});

vscode.postMessage({ type: 'ready' });

function renderPaper(paper: PaperView): void {
  const article = element('article', { className: 'paper' });
  article.setAttribute('aria-labelledby', 'paper-title');

  const header = element('header');
  header.append(element('h1', { id: 'paper-title', textContent: paper.title }));
  if (paper.authors.length > 0) header.append(element('p', { className: 'authors', textContent: paper.authors.join(', ') }));
  const published = [paper.year?.toString(), paper.venue].filter((part): part is string => Boolean(part));
  if (published.length > 0) header.append(element('p', { className: 'published', textContent: published.join(' · ') }));

  const source = element('p', { className: 'source', textContent: 'From ' });
  source.append(element('vscode-badge', { textContent: paper.source }));
  header.append(source);

  if (paper.links.length > 0) header.append(renderLinks(paper.links));

  const abstractSection = element('section', { className: 'abstract' });
  abstractSection.setAttribute('aria-labelledby', 'abstract-heading');
  abstractSection.append(element('h2', { id: 'abstract-heading', textContent: 'Abstract' }));
  abstractSection.append(paper.abstract
    ? element('p', { textContent: paper.abstract })
    : element('p', { className: 'missing', textContent: 'This index has no abstract for the paper.' }));

  article.append(header, element('vscode-divider'), abstractSection, element('vscode-divider'), renderActions(paper));
  replaceContent(article);
}

function renderLinks(links: PaperView['links']): HTMLElement {
  const nav = element('nav', { className: 'links' });
  nav.setAttribute('aria-label', 'Identifiers and links');
  const list = element('ul');
  for (const link of links) {
    const anchor = element('a', { href: link.href, textContent: link.label, title: link.href });
    anchor.addEventListener('click', (event) => {
      // VS Code's own webview click handler would open the link itself, unchecked; only the host may open it.
      event.preventDefault();
      event.stopPropagation();
      vscode.postMessage({ type: 'openLink', href: link.href });
    });
    const item = element('li');
    item.append(anchor);
    list.append(item);
  }
  nav.append(list);
  return nav;
}

function renderActions(paper: PaperView): HTMLElement {
  const actions = element('div', { className: 'actions' });
  actions.setAttribute('role', 'group');
  actions.setAttribute('aria-label', 'Cite this paper');

  const insert = element('vscode-button', { textContent: 'Insert Citation' });
  insert.setAttribute('aria-label', 'Insert Citation into the editor');
  insert.addEventListener('click', () => vscode.postMessage({ type: 'insertCitation', paperId: paper.id }));

  const copy = element('vscode-button', { secondary: true, textContent: 'Copy Key' });
  copy.setAttribute('aria-label', `Copy Key ${paper.key} to the clipboard`);
  copy.addEventListener('click', () => vscode.postMessage({ type: 'copyKey', paperId: paper.id }));

  actions.append(insert, copy, element('code', { className: 'key', textContent: paper.key }));
  return actions;
}

function renderNotFound(paperId: string): void {
  const section = element('section', { className: 'not-found' });
  section.setAttribute('role', 'status');
  const explanation = element('p', { textContent: 'No loaded index has a paper with the id ' });
  explanation.append(element('code', { textContent: paperId }), '. It may have been removed, or its index file is no longer listed in the settings.');
  section.append(element('h1', { textContent: 'Paper not found' }), explanation);
  replaceContent(section);
}

function replaceContent(content: HTMLElement): void {
  root.replaceChildren(content);
  root.removeAttribute('aria-busy');
}

/** Creates an element and sets properties on it (never attributes that could carry HTML). */
function element<K extends keyof HTMLElementTagNameMap>(tag: K, properties: Partial<HTMLElementTagNameMap[K]> = {}): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), properties);
}
