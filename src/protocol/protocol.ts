/**
 * The typed message protocol between the extension host and its two webviews: the abstract panel and the
 * side view. Both show a paper with the same reader; the view adds a search field and a result list.
 * Pure module: imported by both `src/ui/` (host) and `src/webview/` (browser bundle).
 */

/** What the webview renders: a paper plus the links the host derived for it. */
export interface PaperView {
  readonly id: string;
  readonly key: string;
  readonly title: string;
  readonly abstract: string;
  readonly authors: readonly string[];
  readonly year?: number;
  readonly venue?: string;
  readonly source: string;
  /** Outbound links, already checked by the host to be `https:` URLs. */
  readonly links: readonly { readonly label: string; readonly href: string }[];
  /** The Zotero collections that hold the paper, each as its path. */
  readonly collections?: readonly string[];
  /** Whether the paper has a PDF to open (`openPdf`). */
  readonly hasPdf?: boolean;
  /** Whether the paper is in a Zotero library (`showInZotero`). */
  readonly inZotero?: boolean;
}

/** Text with parts to highlight (the words a search matched). */
export interface HighlightedText {
  readonly text: string;
  /** `[start, end)` character ranges of `text`, sorted and not overlapping. */
  readonly highlights: readonly (readonly [number, number])[];
}

/** One paper in a list: a search result, a reading-list entry, a related paper. */
export interface PaperListItem {
  readonly id: string;
  readonly title: HighlightedText;
  /** "Authors · year", whatever of the two is known. */
  readonly description?: string;
  /** A piece of the abstract, around the match for a search result. */
  readonly snippet?: HighlightedText;
  /** For a search result with only part of the query: the query's words, as typed, that it lacks. */
  readonly unmatched?: readonly string[];
}

export interface PaperListSection {
  /** Read out as the group's name: "Results", "Reading list", "Recent". */
  readonly label: string;
  readonly items: readonly PaperListItem[];
}

/** Host → webview, to both the panel and the view: what the reader shows. */
export type HostMessage =
  | { readonly type: 'show'; readonly paper: PaperView; readonly related: readonly PaperListItem[]; readonly saved: boolean }
  | { readonly type: 'notFound'; readonly paperId: string }
  /** The paper was saved to or removed from the reading list. */
  | { readonly type: 'saved'; readonly paperId: string; readonly saved: boolean }
  /**
   * The shown paper's formatted reference in the user's CSL style, plain text (shown as text, never as markup). Sent
   * after `show`, when ready: the first one waits for citeproc-js to compile the style.
   */
  | { readonly type: 'reference'; readonly paperId: string; readonly reference: string };

/** Host → side view: the reader's messages, and the list for the search field's query. */
export type ViewHostMessage =
  | HostMessage
  | { readonly type: 'results'; readonly query: string; readonly sections: readonly PaperListSection[] };

/** What the reader's buttons ask the host to do with a paper (the same in the panel and the view). */
export const PAPER_ACTIONS = ['insertCitation', 'addToBibliography', 'copyKey', 'copyBibtex', 'copyReference', 'saveToReadingList', 'removeFromReadingList', 'openPdf', 'showInZotero'] as const;
export type PaperAction = (typeof PAPER_ACTIONS)[number];

/** Reader → host, from either webview. Each names the paper the user saw, so a click never acts on another. */
export type ReaderMessage =
  | { readonly type: PaperAction; readonly paperId: string }
  /** Show this paper in the same reader (a related paper, or a result in the view). */
  | { readonly type: 'open'; readonly paperId: string }
  | { readonly type: 'openLink'; readonly paperId: string; readonly href: string };

/** Abstract panel → host. */
export type PanelMessage = { readonly type: 'ready' } | ReaderMessage;

/** Side view → host. `viewReady` carries the state the view restored, so the host can fill it in again. */
export type ViewMessage =
  | { readonly type: 'viewReady'; readonly state: PapersViewState }
  | { readonly type: 'search'; readonly query: string }
  | ReaderMessage;

/** What the panel persists with `setState`, so a reloaded window restores the same paper. */
export interface AbstractPanelState {
  readonly paperId: string;
}

/** What the side view persists with `setState`: it is shown again after being hidden or after a window reload. */
export interface PapersViewState {
  readonly query: string;
  readonly paperId?: string;
}

/*
 * The guards below check everything the host receives. The webviews display text from index files, so the
 * host treats what they send as untrusted input and drops anything malformed.
 */

export function isPanelMessage(value: unknown): value is PanelMessage {
  return isRecord(value) && (value.type === 'ready' || isReaderMessage(value));
}

export function isViewMessage(value: unknown): value is ViewMessage {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'viewReady':
      return isPapersViewState(value.state);
    case 'search':
      return typeof value.query === 'string';
    default:
      return isReaderMessage(value);
  }
}

function isReaderMessage(message: Record<string, unknown>): boolean {
  if (typeof message.paperId !== 'string') return false;
  if (message.type === 'openLink') return typeof message.href === 'string';
  return message.type === 'open' || (PAPER_ACTIONS as readonly unknown[]).includes(message.type);
}

/** Whether a value restored by the panel serializer is an `AbstractPanelState`. */
export function isAbstractPanelState(value: unknown): value is AbstractPanelState {
  return isRecord(value) && typeof value.paperId === 'string';
}

export function isPapersViewState(value: unknown): value is PapersViewState {
  return isRecord(value) && typeof value.query === 'string' && (value.paperId === undefined || typeof value.paperId === 'string');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
