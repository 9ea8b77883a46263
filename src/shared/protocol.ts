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

/**
 * Whether a value received from the webview is a well-formed `WebviewMessage`. The webview displays text
 * from index files, so the host treats what it sends as untrusted input and drops anything else.
 */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return true;
    case 'insertCitation':
    case 'copyKey':
      return typeof message.paperId === 'string';
    case 'openLink':
      return typeof message.href === 'string';
    default:
      return false;
  }
}

/** Whether a value restored by the panel serializer is an `AbstractPanelState`. */
export function isAbstractPanelState(value: unknown): value is AbstractPanelState {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).paperId === 'string';
}
