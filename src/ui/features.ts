/**
 * Every feature's wiring: build the services, register commands, views, providers, push the disposables. Its own
 * bundle (dist/features.js), loaded by src/extension.ts on first use, so activation stays light.
 */
import * as vscode from 'vscode';
import { workerBibParser } from '../sources/bibParseWorker';
import { ConfigStore } from '../config';
import { publicCatalog, type PublicCatalog } from '../catalog/catalog';
import type { LoadedPaper } from '../papers/paper';
import type { SearchHit } from '../search/search';
import { AbstractPanels } from './abstractPanel';
import { Bibliographies } from './bibliographies';
import { CitationDiagnostics } from './citationDiagnostics';
import { BibliographyEntries, citationProviders } from './citationProviders';
import { registerCommands } from './commands';
import { FormattedReferences } from './formattedReference';
import type { InsertServices } from './insertCitation';
import { LivePreview } from './livePreview';
import { OnlineLookup } from './onlineLookup';
import { PaperLibrary } from './paperLibrary';
import { PaperReader } from './paperReader';
import { PostgresSource } from './postgresSource';
import { PapersView } from './papersView';
import type { SourcesView } from './sourcesView';
import { ReadingList } from './readingList';
import { registerZotero } from './zotero';

/** What `activate` returns: used by the integration tests, and by other extensions that want our papers. */
export interface PaperLookupApi {
  /**
   * The loaded papers and searches over them; every paper is a plain, frozen object. Ask again for each use: a
   * reload of the indexes replaces the catalog, and a replaced one throws.
   */
  catalog(): Promise<PublicCatalog>;
  /** The HTML and paper id of the abstract panel shown last, if any. */
  abstractPanel(): { readonly html: string; readonly paperId: string } | undefined;
  /** The side view's HTML and the paper it shows, once VS Code has shown the view. */
  papersView(): { readonly html: string; readonly paperId?: string } | undefined;
  /** Saved paper ids, most recently saved first, and recently opened or cited ones, most recent first. */
  readingList(): { readonly saved: readonly string[]; readonly recent: readonly string[] };
  /** The shared catalogs' hits for a query, as the picker gets them (src/ui/postgresSource.ts). */
  sharedCatalogSearch(query: string, limit: number): Promise<readonly SearchHit<LoadedPaper>[] | undefined>;
}

/** What src/extension.ts's placeholders hand over to, once the features are loaded. */
export interface Features {
  readonly api: PaperLookupApi;
  readonly papersView: vscode.WebviewViewProvider;
  readonly abstractSerializer: vscode.WebviewPanelSerializer;
  readonly completion: vscode.CompletionItemProvider;
  readonly hover: vscode.HoverProvider;
}

/**
 * Builds the services and registers every feature; throws when that fails (the caller shows it). The Sources view
 * is src/extension.ts's, made at activation: a tree view cannot be handed from one provider to another.
 */
export function startFeatures(context: vscode.ExtensionContext, output: vscode.OutputChannel, sourcesView: SourcesView): Features {
  const config = new ConfigStore();
  // Bibliographies are parsed in a worker thread: the .bib parser takes seconds on a big file (src/sources/bibParseWorker.ts).
  const bibParser = workerBibParser(vscode.Uri.joinPath(context.extensionUri, 'dist', 'indexWorker.js').fsPath);
  context.subscriptions.push({ dispose: () => bibParser.dispose() });
  const parseBib = bibParser.parse;
  const library = new PaperLibrary(context.extensionUri, config, output, context.globalStorageUri, parseBib);
  const bibliographies = new Bibliographies(config, parseBib, bibParser.parseHayagriva);
  const readingList = new ReadingList(context.globalState);
  const online = new OnlineLookup({ globalStorage: context.globalStorageUri, globalState: context.globalState, version: String(context.extension.packageJSON.version), config, library, output });
  // A citation inserted from the palette, the picker, the panel, the side view or a completion makes its
  // paper a recent one.
  const references = new FormattedReferences(context.extensionUri, config);
  context.subscriptions.push(references);
  const insertServices: InsertServices = { config, bibliographies, references, onDidInsert: (paper) => readingList.noteUsed(paper.id) };
  // Shared catalogs on PostgreSQL (`postgresql://` entries of paperLookup.indexes), searched beside the local papers.
  const serverSearch = new PostgresSource(config, context.secrets, output);
  context.subscriptions.push(serverSearch);
  const reader = new PaperReader({ ...insertServices, library, readingList, serverSearch });
  const panels = new AbstractPanels({ extensionUri: context.extensionUri, reader, readingList, reusePanel: () => config.value.reusePanel });
  const papersView = new PapersView({ extensionUri: context.extensionUri, config, library, readingList, reader, online, serverSearch });
  const livePreview = new LivePreview(papersView, panels, library);
  context.subscriptions.push(library.onDidChange((catalog) => sourcesView.update(catalog, library.lastLoadMs)));
  context.subscriptions.push(config, library, readingList, reader, panels, panels.registerSerializer(), papersView, papersView.register(), livePreview);
  context.subscriptions.push(online, ...registerCommands({ ...insertServices, library, panels, readingList, livePreview, output, online, serverSearch }));
  context.subscriptions.push(...registerZotero({ config, library, globalState: context.globalState, output, workerFile: vscode.Uri.joinPath(context.extensionUri, 'dist', 'indexWorker.js').fsPath }));
  context.subscriptions.push(new CitationDiagnostics(library, new BibliographyEntries(bibliographies)));
  const providers = citationProviders({
    library,
    config,
    bibliographies,
    references,
    onDidCite: (paper) => readingList.noteUsed(paper.id),
    recentPaperIds: () => [...readingList.recent, ...readingList.saved],
    serverSearch,
  });
  context.subscriptions.push(...providers.register());
  return {
    api: {
      catalog: async () => publicCatalog(await library.catalog()),
      abstractPanel: () => panels.current,
      papersView: () => papersView.current,
      readingList: () => ({ saved: readingList.saved, recent: readingList.recent }),
      sharedCatalogSearch: (query, limit) => serverSearch.search(query, limit),
    },
    papersView,
    abstractSerializer: panels.serializer,
    completion: providers.completion,
    hover: providers.hover,
  };
}
