/**
 * Wiring only: build the services, register the features, push the disposables. Activation errors are
 * caught and shown, so a failure names itself instead of leaving commands that silently do nothing.
 */
import * as vscode from 'vscode';
import { ConfigStore } from './config';
import type { PaperCatalog } from './index/catalog';
import { AbstractPanels } from './ui/abstractPanel';
import { Bibliographies } from './ui/bibliographies';
import { registerCitationProviders } from './ui/citationProviders';
import { registerCommands } from './ui/commands';
import { copyCitationKey } from './ui/copyCitationKey';
import { insertCitation } from './ui/insertCitation';
import { PaperLibrary } from './ui/paperLibrary';

/** What `activate` returns: used by the integration tests, and by other extensions that want our papers. */
export interface PaperLookupApi {
  catalog(): Promise<PaperCatalog>;
  /** The HTML and paper id of the abstract panel shown last, if any. */
  abstractPanel(): { readonly html: string; readonly paperId: string } | undefined;
}

export function activate(context: vscode.ExtensionContext): PaperLookupApi | undefined {
  const output = vscode.window.createOutputChannel('Paper Lookup');
  context.subscriptions.push(output);
  try {
    const config = new ConfigStore();
    const library = new PaperLibrary(context.extensionUri, config, output);
    const bibliographies = new Bibliographies(config);
    const panels = new AbstractPanels({
      extensionUri: context.extensionUri,
      getPaper: async (id) => (await library.catalog()).get(id),
      insertCitation: (paper, editor) => insertCitation(editor, paper, { config, bibliographies }),
      copyKey: copyCitationKey,
      reusePanel: () => config.value.reusePanel,
    });
    context.subscriptions.push(config, library, panels, panels.registerSerializer(), ...registerCommands({ config, library, panels, bibliographies }));
    context.subscriptions.push(...registerCitationProviders({ library, config, bibliographies }));
    return {
      catalog: () => library.catalog(),
      abstractPanel: () => panels.current,
    };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    output.appendLine(`Activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Paper Lookup failed to start: ${error instanceof Error ? error.message : String(error)}`, 'Show Details')
      .then((choice) => choice && output.show());
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
