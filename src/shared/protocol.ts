/**
 * The typed message protocol between the extension host and the abstract webview.
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
}

/** Host → webview. */
export type HostMessage =
  | { readonly type: 'show'; readonly paper: PaperView }
  | { readonly type: 'notFound'; readonly paperId: string };

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'insertCitation'; readonly paperId: string }
  | { readonly type: 'copyKey'; readonly paperId: string }
  | { readonly type: 'openLink'; readonly href: string };

/** What the webview persists with `setState`, so a reloaded window restores the same paper. */
export interface AbstractPanelState {
  readonly paperId: string;
}
