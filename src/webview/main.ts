/**
 * The webview bundle (`dist/webview.js`) for both of our webviews. The page's `data-webview` says which
 * one it is: the abstract panel (the reader alone) or the side view (search, results and the reader).
 */
import { startPanel } from './panel';
import { startView } from './view';
import type { VsCodeApi } from './vscodeApi';

/** Injected by VS Code into every webview; may be called only once per page. */
declare function acquireVsCodeApi<Message, State>(): VsCodeApi<Message, State>;

const root = document.getElementById('root') as HTMLElement;
if (document.body.dataset.webview === 'view') startView(root, acquireVsCodeApi());
else startPanel(root, acquireVsCodeApi());
