/**
 * The one HTML page both webviews load (the abstract panel and the side view): a strict nonce CSP, our
 * stylesheet, and `dist/webview.js`, which reads `data-webview` to know which of the two it is. The page
 * carries no paper data: papers travel by `postMessage` and are rendered with `textContent`.
 */
import * as vscode from 'vscode';

export type WebviewKind = 'panel' | 'view';

/** Scripts on, and only the bundle and stylesheet folders loadable: never the workspace or other extension files. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * A CSP that only allows the extension's stylesheets and fonts (ours and KaTeX's) and our nonce-tagged module
 * script, and an empty page for the script to fill. No inline style either: KaTeX sets its sizes through the
 * CSSOM (`element.style`), which a CSP does not restrict.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: WebviewKind): string {
  const nonce = createNonce();
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  // KaTeX's stylesheet, and through it its fonts, for the typeset math: both from dist/katex/ (esbuild.config.mjs).
  const mathStyleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'katex', 'katex.min.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${mathStyleUri.toString()}">
  <link rel="stylesheet" href="${styleUri.toString()}">
  <title>${kind === 'panel' ? 'Paper abstract' : 'Papers'}</title>
</head>
<body data-webview="${kind}">
  <main id="root" aria-busy="true"></main>
  <script type="module" nonce="${nonce}" src="${scriptUri.toString()}"></script>
</body>
</html>`;
}

/** 128 random bits as hex: unguessable, and safe inside an HTML attribute and a CSP source expression. */
function createNonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
