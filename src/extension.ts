/**
 * Wiring only: build the services, register the features, push the disposables. Activation errors are
 * caught and shown, so a failure names itself instead of leaving commands that silently do nothing.
 */
import * as vscode from 'vscode';
import { workerBibParser } from './sources/bibParseWorker';
import { ConfigStore } from './config';
import type { PaperCatalog } from './catalog/catalog';
import type { LoadedPaper } from './papers/paper';
import type { SearchHit } from './search/search';
import { plainForMessage } from './shared/untrustedText';
import { AbstractPanels } from './ui/abstractPanel';
import { Bibliographies } from './ui/bibliographies';
import { CitationDiagnostics } from './ui/citationDiagnostics';
import { BibliographyEntries, registerCitationProviders } from './ui/citationProviders';
import { registerCommands } from './ui/commands';
import type { InsertServices } from './ui/insertCitation';
import { LivePreview } from './ui/livePreview';
import { PaperLibrary } from './ui/paperLibrary';
import { PaperReader } from './ui/paperReader';
import { PapersView } from './ui/papersView';
import { PostgresSource } from './ui/postgresSource';
import { SourcesView } from './ui/sourcesView';
import { ReadingList } from './ui/readingList';

/** What `activate` returns: used by the integration tests, and by other extensions that want our papers. */
export interface PaperLookupApi {
  catalog(): Promise<PaperCatalog>;
  /** The HTML and paper id of the abstract panel shown last, if any. */
  abstractPanel(): { readonly html: string; readonly paperId: string } | undefined;
  /** The side view's HTML and the paper it shows, once VS Code has shown the view. */
  papersView(): { readonly html: string; readonly paperId?: string } | undefined;
  /** Saved paper ids, most recently saved first, and recently opened or cited ones, most recent first. */
  readingList(): { readonly saved: readonly string[]; readonly recent: readonly string[] };
  /** The shared catalogs' hits for a query, as the picker gets them (src/ui/postgresSource.ts). */
  sharedCatalogSearch(query: string, limit: number): Promise<readonly SearchHit<LoadedPaper>[] | undefined>;
}

export function activate(context: vscode.ExtensionContext): PaperLookupApi | undefined {
  const output = vscode.window.createOutputChannel('Paper Lookup');
  context.subscriptions.push(output);
  try {
    const config = new ConfigStore();
    // .bib text is parsed in a worker thread: the parser takes seconds on a big file (src/sources/bibParseWorker.ts).
    const bibParser = workerBibParser(vscode.Uri.joinPath(context.extensionUri, 'dist', 'indexWorker.js').fsPath);
    context.subscriptions.push({ dispose: () => bibParser.dispose() });
    const parseBib = bibParser.parse;
    const library = new PaperLibrary(context.extensionUri, config, output, context.globalStorageUri, parseBib);
    const bibliographies = new Bibliographies(config, parseBib);
    const readingList = new ReadingList(context.globalState);
    // A citation inserted from the palette, the picker, the panel, the side view or a completion makes its
    // paper a recent one.
    const insertServices: InsertServices = { config, bibliographies, onDidInsert: (paper) => readingList.noteUsed(paper.id) };
    // Shared catalogs on PostgreSQL (`postgresql://` entries of paperLookup.indexes), searched beside the local papers.
    const serverSearch = new PostgresSource(config, context.secrets, output);
    context.subscriptions.push(serverSearch);
    const reader = new PaperReader({ ...insertServices, library, readingList, serverSearch });
    const panels = new AbstractPanels({ extensionUri: context.extensionUri, reader, readingList, reusePanel: () => config.value.reusePanel });
    const papersView = new PapersView({ extensionUri: context.extensionUri, config, library, readingList, reader, serverSearch });
    const livePreview = new LivePreview(papersView, panels, library);
    const sourcesView = new SourcesView();
    context.subscriptions.push(sourcesView, library.onDidChange((catalog) => sourcesView.update(catalog, library.lastLoadMs)));
    context.subscriptions.push(config, library, readingList, reader, panels, panels.registerSerializer(), papersView, papersView.register(), livePreview);
    context.subscriptions.push(...registerCommands({ ...insertServices, library, panels, readingList, livePreview, output, serverSearch }));
    context.subscriptions.push(new CitationDiagnostics(library, new BibliographyEntries(bibliographies)));
    context.subscriptions.push(...registerCitationProviders({
      library,
      config,
      bibliographies,
      onDidCite: (paper) => readingList.noteUsed(paper.id),
      recentPaperIds: () => [...readingList.recent, ...readingList.saved],
    }));
    return {
      catalog: () => library.catalog(),
      abstractPanel: () => panels.current,
      papersView: () => papersView.current,
      readingList: () => ({ saved: readingList.saved, recent: readingList.recent }),
      sharedCatalogSearch: (query, limit) => serverSearch.search(query, limit),
    };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    output.appendLine(`Activation failed: ${message}`);
    void vscode.window.showErrorMessage(plainForMessage(`Paper Lookup failed to start: ${error instanceof Error ? error.message : String(error)}`), 'Show Details')
      .then((choice) => choice && output.show());
    return undefined;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
