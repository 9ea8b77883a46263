/** The API VS Code injects into every webview, typed with the messages and state of one webview. */
export interface VsCodeApi<Message, State> {
  postMessage(message: Message): void;
  getState(): unknown;
  setState(state: State): void;
}
