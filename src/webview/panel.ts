/** The abstract panel's page: the reader alone. The host sends the paper when the page says `ready`. */
import type { AbstractPanelState, HostMessage, PanelMessage } from '../protocol/protocol';
import { Reader } from './reader';
import type { VsCodeApi } from './vscodeApi';

export function startPanel(root: HTMLElement, vscode: VsCodeApi<PanelMessage, AbstractPanelState>): void {
  // Saved so the serializer can reopen this paper after a window reload.
  const reader = new Reader(root, (message) => vscode.postMessage(message), (paperId) => vscode.setState({ paperId }));
  window.addEventListener('message', (event: MessageEvent<HostMessage>) => reader.handle(event.data));
  vscode.postMessage({ type: 'ready' });
}
