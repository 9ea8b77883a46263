/**
 * The paper reader, the one rendering of a paper that both webviews use: in the abstract panel it is the
 * whole page, in the side view it sits under the result list. It owns no data: it renders what the host's
 * `show` sends and turns clicks into `ReaderMessage`s naming the paper they are about.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import type { HostMessage, PaperAction, PaperListItem, PaperView, ReaderMessage } from '../protocol/protocol';
import { element, paperListItemContent, paperListItemLabel } from './dom';
import { richText } from './richText';

type ShowMessage = Extract<HostMessage, { type: 'show' }>;

export class Reader {
  private paperId: string | undefined;
  private saved = false;
  private saveButton: HTMLElement | undefined;
  /** Where the formatted reference goes when the host sends it: under the title. */
  private referenceLine: HTMLElement | undefined;
  /** Set when the user opened a related paper here, so its title takes the focus the clicked link had. */
  private focusNextTitle = false;

  /**
   * @param container where the reader renders; emptied on every paper
   * @param post sends the reader's messages to the host
   * @param onShow told the id of every paper shown, for the webview's saved state
   */
  constructor(
    private readonly container: HTMLElement,
    private readonly post: (message: ReaderMessage) => void,
    private readonly onShow: (paperId: string) => void,
  ) {}

  handle(message: HostMessage): void {
    switch (message.type) {
      case 'show':
        this.render(message);
        this.onShow(message.paper.id);
        return;
      case 'notFound':
        this.renderNotFound(message.paperId);
        return;
      case 'saved':
        if (message.paperId === this.paperId) this.setSaved(message.saved);
        return;
      case 'reference':
        // Plain text from the host: set as text, never parsed as markup or LaTeX.
        if (message.paperId === this.paperId && this.referenceLine) {
          this.referenceLine.textContent = message.reference;
          this.referenceLine.hidden = false;
        }
        return;
    }
  }

  private render({ paper, related, saved }: ShowMessage): void {
    const isNewPaper = paper.id !== this.paperId;
    this.paperId = paper.id;
    const article = element('article', { className: 'paper' });
    article.setAttribute('aria-labelledby', 'paper-title');

    const header = element('header');
    const title = element('h1', { id: 'paper-title', tabIndex: -1 });
    title.append(richText(paper.title));
    header.append(title);
    // Filled in by the host's `reference` message; a re-render of the same paper keeps the one it has.
    const reference = !isNewPaper && this.referenceLine?.textContent ? this.referenceLine.textContent : '';
    this.referenceLine = element('p', { className: 'reference', textContent: reference, hidden: reference === '' });
    header.append(this.referenceLine);
    if (paper.authors.length > 0) header.append(withText(element('p', { className: 'authors' }), paper.authors.join(', ')));
    const published = [paper.year?.toString(), paper.venue].filter((part): part is string => Boolean(part));
    if (published.length > 0) header.append(withText(element('p', { className: 'published' }), published.join(' · ')));
    const source = element('p', { className: 'source', textContent: 'From ' });
    source.append(element('vscode-badge', { textContent: paper.source }));
    header.append(source);
    if (paper.links.length > 0) header.append(this.renderLinks(paper));
    if (paper.collections?.length) header.append(element('p', { className: 'collections', textContent: `In ${paper.collections.join(' · ')}` }));

    const abstractSection = element('section', { className: 'abstract' });
    abstractSection.setAttribute('aria-labelledby', 'abstract-heading');
    abstractSection.append(element('h2', { id: 'abstract-heading', textContent: 'Abstract' }));
    abstractSection.append(paper.abstract
      ? withText(element('p'), paper.abstract)
      : element('p', { className: 'missing', textContent: 'This index has no abstract for the paper.' }));

    article.append(header, element('vscode-divider'), abstractSection, element('vscode-divider'), this.renderActions(paper, saved));
    if (related.length > 0) article.append(element('vscode-divider'), this.renderRelated(related));
    this.replaceContent(article);
    if (isNewPaper) {
      // A new paper starts at its top: the panel scrolls its page, the side view its reader pane.
      this.container.scrollTop = 0;
      document.scrollingElement?.scrollTo(0, 0);
    }
    if (this.focusNextTitle) title.focus();
    this.focusNextTitle = false;
  }

  private renderLinks(paper: PaperView): HTMLElement {
    const nav = element('nav', { className: 'links' });
    nav.setAttribute('aria-label', 'Identifiers and links');
    const list = element('ul');
    for (const link of paper.links) {
      const anchor = element('a', { href: link.href, textContent: link.label, title: link.href });
      anchor.addEventListener('click', (event) => {
        // VS Code's own webview click handler would open the link itself, unchecked; only the host may open it.
        event.preventDefault();
        event.stopPropagation();
        this.post({ type: 'openLink', paperId: paper.id, href: link.href });
      });
      const item = element('li');
      item.append(anchor);
      list.append(item);
    }
    nav.append(list);
    return nav;
  }

  private renderActions(paper: PaperView, saved: boolean): HTMLElement {
    const actions = element('div', { className: 'actions' });
    actions.setAttribute('role', 'group');
    actions.setAttribute('aria-label', 'Actions for this paper');
    const button = (label: string, action: PaperAction, description: string, secondary = true): HTMLElement => {
      const created = element('vscode-button', { secondary, textContent: label });
      created.setAttribute('aria-label', description);
      created.dataset.action = action;
      created.addEventListener('click', () => this.post({ type: action, paperId: paper.id }));
      return created;
    };
    this.saveButton = element('vscode-button', { secondary: true });
    this.saveButton.dataset.action = 'toggleReadingList';
    this.saveButton.addEventListener('click', () => this.post({ type: this.saved ? 'removeFromReadingList' : 'saveToReadingList', paperId: paper.id }));
    this.setSaved(saved);
    actions.append(
      button('Insert Citation', 'insertCitation', 'Insert Citation into the editor', false),
      button('Add to Bibliography', 'addToBibliography', 'Add to the document’s bibliography without citing'),
      button('Copy Key', 'copyKey', `Copy Key ${paper.key} to the clipboard`),
      button('Copy BibTeX', 'copyBibtex', 'Copy the BibTeX entry to the clipboard'),
      button('Copy Reference', 'copyReference', 'Copy the formatted reference to the clipboard'),
      ...(paper.hasPdf ? [button('Open PDF', 'openPdf', 'Open the paper’s PDF')] : []),
      ...(paper.inZotero ? [button('Show in Zotero', 'showInZotero', 'Show the paper in Zotero')] : []),
      this.saveButton,
      element('code', { className: 'key', textContent: paper.key }),
    );
    return actions;
  }

  private setSaved(saved: boolean): void {
    this.saved = saved;
    if (!this.saveButton) return;
    this.saveButton.textContent = saved ? 'Remove from Reading List' : 'Save to Reading List';
    this.saveButton.setAttribute('aria-label', saved ? 'Remove from your reading list' : 'Save to your reading list');
  }

  private renderRelated(related: readonly PaperListItem[]): HTMLElement {
    const section = element('section', { className: 'related' });
    section.setAttribute('aria-labelledby', 'related-heading');
    section.append(element('h2', { id: 'related-heading', textContent: 'Related papers' }));
    const list = element('ul', { className: 'paper-list' });
    for (const item of related) {
      const open = element('button', { type: 'button', className: 'paper-link' });
      open.setAttribute('aria-label', `Open related paper: ${paperListItemLabel(item)}`);
      open.append(...paperListItemContent(item));
      open.addEventListener('click', () => {
        this.focusNextTitle = true;
        this.post({ type: 'open', paperId: item.id });
      });
      const entry = element('li');
      entry.append(open);
      list.append(entry);
    }
    section.append(list);
    return section;
  }

  private renderNotFound(paperId: string): void {
    this.paperId = undefined;
    this.saveButton = undefined;
    this.referenceLine = undefined;
    const section = element('section', { className: 'not-found' });
    section.setAttribute('role', 'status');
    const explanation = element('p', { textContent: 'No loaded index has a paper with the id ' });
    explanation.append(element('code', { textContent: paperId }), '. It may have been removed, or its index file is no longer listed in the settings.');
    section.append(element('h1', { textContent: 'Paper not found' }), explanation);
    this.replaceContent(section);
  }

  private replaceContent(content: HTMLElement): void {
    this.container.replaceChildren(content);
    this.container.removeAttribute('aria-busy');
  }
}

/** `parent` with `source` (paper text that may carry LaTeX) rendered into it. */
function withText<E extends HTMLElement>(parent: E, source: string): E {
  parent.append(richText(source));
  return parent;
}
