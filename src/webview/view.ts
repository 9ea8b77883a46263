/**
 * The side view's page: a search field, the result list (the reading list and recent papers while the
 * field is empty) and the reader. Keyboard: ↓ from the field enters the list; ↑/↓/Home/End move in it;
 * Enter opens the paper in the reader; `c` or Ctrl+Enter (⌘+Enter) inserts its citation; Escape returns
 * to the field. The query and the open paper are saved with `setState`, and sent to the host on every
 * load, so hiding the view or reloading the window loses neither. A result with only part of the query says
 * which words it lacks; a query nothing matches says so, with a hint, in the list itself.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { isPapersViewState, type PaperListSection, type PapersViewState, type ViewHostMessage, type ViewMessage } from '../protocol/protocol';
import { element, paperListItemContent, paperListItemLabel } from './dom';
import { Reader } from './reader';
import type { VsCodeApi } from './vscodeApi';

/** Under "No papers match …": the same hint as the picker's. */
const NO_MATCH_HINT = 'Check the spelling, or add index files of your own papers in the Paper Lookup: Indexes setting (paperLookup.indexes).';

/** Long enough to skip the searches for the first letters of a word typed at speed. */
const SEARCH_DELAY_MS = 120;
/** A focus this soon after a pointer press came with a click. */
const CLICK_FOCUS_MS = 500;

export function startView(root: HTMLElement, vscode: VsCodeApi<ViewMessage, PapersViewState>): void {
  const restored = vscode.getState();
  let state: PapersViewState = isPapersViewState(restored) ? restored : { query: '' };

  const search = element('vscode-textfield', { type: 'search', placeholder: 'Search papers', value: state.query });
  // vscode-textfield puts this on its inner <input>: the field's accessible name.
  search.label = 'Search papers by title, author or words from the abstract';
  const status = element('div', { className: 'visually-hidden' });
  status.setAttribute('role', 'status');
  const results = new ResultList({
    open: (paperId) => vscode.postMessage({ type: 'open', paperId }),
    insert: (paperId) => vscode.postMessage({ type: 'insertCitation', paperId }),
    leave: () => search.focus(),
  });
  const readerPane = element('section', { className: 'reader-pane' });
  readerPane.setAttribute('aria-label', 'Paper');
  const reader = new Reader(readerPane, (message) => vscode.postMessage(message), (paperId) => {
    state = { ...state, paperId };
    vscode.setState(state);
  });

  const searchBox = element('div', { className: 'search' });
  searchBox.append(search);
  root.replaceChildren(searchBox, status, results.element, readerPane);
  root.removeAttribute('aria-busy');

  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    state = { ...state, query: search.value };
    vscode.setState(state);
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => vscode.postMessage({ type: 'search', query: state.query }), SEARCH_DELAY_MS);
  });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      results.enter();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) results.insertActive();
      else results.openActive();
    }
  });

  // Focusing the view (its activity bar icon, "Focus on Papers View") focuses this page but no control in it:
  // the cursor then goes into the search field, so typing searches at once. Not when the focus came with a
  // click: that click chose where the focus goes (a result, a link, text to select).
  let lastPointerDown = -Infinity;
  window.addEventListener('pointerdown', () => {
    lastPointerDown = performance.now();
  }, true);
  const nothingFocused = (): boolean => document.activeElement === null || document.activeElement === document.body;
  const focusSearchUnlessClicked = (): void => {
    if (performance.now() - lastPointerDown < CLICK_FOCUS_MS || !nothingFocused()) return;
    // The field hands its focus to the input it renders: before its first render (a view focused as it is first
    // created) focusing it would do nothing.
    void search.updateComplete.then(() => {
      if (nothingFocused()) search.focus();
    });
  };
  window.addEventListener('focus', () => setTimeout(focusSearchUnlessClicked, 0));
  // The view may have been focused before this script ran, its focus event gone by.
  if (document.hasFocus()) focusSearchUnlessClicked();

  window.addEventListener('message', (event: MessageEvent<ViewHostMessage>) => {
    const message = event.data;
    if (message.type !== 'results') {
      reader.handle(message);
      return;
    }
    // Results for a query the user has typed on from are stale; the newer query's results are coming.
    if (message.query !== state.query) return;
    results.render(message.sections, message.query);
    const count = message.sections.reduce((sum, section) => sum + section.items.length, 0);
    status.textContent = message.query.trim() === '' ? '' : `${count === 0 ? 'No' : count} paper${count === 1 ? '' : 's'} found`;
  });

  // Dragging the list's corner sets its height (the browser writes it into the list's style): from then on the
  // user's height holds, up to all but the reader's last 80px, instead of the 45% the list takes by itself. Watched
  // as a change of the style, not of the size: a list already at 45% does not change size until the cap is lifted.
  new MutationObserver(() => {
    if (results.element.style.height !== '' && results.element.style.maxHeight === '') results.element.style.maxHeight = 'calc(100% - 80px)';
  }).observe(results.element, { attributes: true, attributeFilter: ['style'] });

  vscode.postMessage({ type: 'viewReady', state });
}

interface ResultActions {
  open(paperId: string): void;
  insert(paperId: string): void;
  /** Focus leaves the list upwards, back to the search field. */
  leave(): void;
}

/**
 * The list as an ARIA listbox: it keeps the focus itself and points `aria-activedescendant` at the active
 * option, so a screen reader reads each paper as the arrows reach it.
 */
class ResultList {
  readonly element = element('div', { className: 'results', tabIndex: 0 });
  private options: { readonly element: HTMLElement; readonly paperId: string }[] = [];
  private active = -1;

  constructor(private readonly actions: ResultActions) {
    this.element.setAttribute('role', 'listbox');
    this.element.setAttribute('aria-label', 'Papers');
    this.element.addEventListener('keydown', (event) => this.onKeyDown(event));
  }

  /**
   * Shows new results. Results arrive after the user may already be in the list (a late answer to the query
   * typed, or the catalog or reading list changing): the active paper stays active when it is still listed,
   * and a focused list always has an active row (the first), so the arrows and Enter keep working.
   */
  render(sections: readonly PaperListSection[], query: string): void {
    const activePaperId = this.options[this.active]?.paperId;
    this.options = [];
    this.active = -1;
    this.element.removeAttribute('aria-activedescendant');
    const groups = sections.map((section, sectionIndex) => {
      const group = element('div', { className: 'result-group' });
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', section.label);
      // The group's name is read out already; the visible label would be read twice.
      const label = element('div', { className: 'section-label', textContent: section.label });
      label.setAttribute('aria-hidden', 'true');
      group.append(label);
      section.items.forEach((item, itemIndex) => {
        const option = element('div', { className: 'option', id: `option-${sectionIndex}-${itemIndex}` });
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        const unmatched = item.unmatched?.length ? `not matched: ${item.unmatched.join(', ')}` : undefined;
        option.setAttribute('aria-label', [paperListItemLabel(item), unmatched].filter(Boolean).join(', '));
        option.dataset.paperId = item.id;
        option.append(...paperListItemContent(item));
        if (unmatched) option.append(element('span', { className: 'item-description item-unmatched', textContent: unmatched }));
        const index = this.options.length;
        option.addEventListener('click', () => {
          this.activate(index);
          this.actions.open(item.id);
        });
        this.options.push({ element: option, paperId: item.id });
        group.append(option);
      });
      return group;
    });
    if (this.options.length > 0) {
      this.element.replaceChildren(...groups);
      const kept = this.options.findIndex((option) => option.paperId === activePaperId);
      if (kept >= 0) this.activate(kept);
      else if (document.activeElement === this.element) this.activate(0);
      return;
    }
    // An empty list cannot hold the focus usefully: it goes back to the search field.
    if (document.activeElement === this.element) this.actions.leave();
    if (query.trim() === '') {
      const welcome = 'Search by title, author or words from the abstract. Papers you save to your reading list, open or cite are listed here.';
      this.element.replaceChildren(element('p', { className: 'empty', textContent: welcome }));
      return;
    }
    this.element.replaceChildren(
      element('p', { className: 'empty no-match', textContent: `No papers match “${query.trim()}”.` }),
      element('p', { className: 'empty', textContent: NO_MATCH_HINT }),
    );
  }

  /** Moves the focus from the search field into the list, onto the first paper. */
  enter(): void {
    if (this.options.length === 0) return;
    this.element.focus();
    this.activate(Math.max(this.active, 0));
  }

  /** Opens the active paper, or the first one when none is active yet (Enter in the search field). */
  openActive(): void {
    const paperId = this.options[Math.max(this.active, 0)]?.paperId;
    if (paperId) this.actions.open(paperId);
  }

  insertActive(): void {
    const paperId = this.options[Math.max(this.active, 0)]?.paperId;
    if (paperId) this.actions.insert(paperId);
  }

  private activate(index: number): void {
    this.options[this.active]?.element.setAttribute('aria-selected', 'false');
    this.options[this.active]?.element.classList.remove('active');
    this.active = index;
    const option = this.options[index].element;
    option.setAttribute('aria-selected', 'true');
    option.classList.add('active');
    this.element.setAttribute('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  }

  private onKeyDown(event: KeyboardEvent): void {
    const last = this.options.length - 1;
    if (last < 0) return;
    const plainKey = !event.ctrlKey && !event.metaKey && !event.altKey;
    switch (event.key) {
      case 'ArrowDown':
        this.activate(Math.min(this.active + 1, last));
        break;
      case 'ArrowUp':
        if (this.active <= 0) this.actions.leave();
        else this.activate(this.active - 1);
        break;
      case 'Home':
        this.activate(0);
        break;
      case 'End':
        this.activate(last);
        break;
      case 'Enter':
        if (event.ctrlKey || event.metaKey) this.insertActive();
        else this.openActive();
        break;
      case 'c':
        if (!plainKey) return;
        this.insertActive();
        break;
      case 'Escape':
        this.actions.leave();
        break;
      default:
        return;
    }
    event.preventDefault();
  }
}
