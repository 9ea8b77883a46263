/**
 * Completion and hover on citation keys in Markdown (pandoc `[@key]`) and LaTeX (`\cite{key}`).
 *
 * Completion offers papers from our own search — title, authors and abstract, typos forgiven — not only keys
 * that start with what was typed; accepting one can also add it to the document's .bib. Hover tells what a cited
 * key is: our paper, with links to its abstract and to add it, or else what the document's .bib says.
 *
 * Registering costs nothing at activation: the catalog loads on the first completion or hover. Neither provider
 * ever throws into VS Code: a provider that fails offers nothing, as if it had nothing to say.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readableText } from '../shared/latexText';
import { CITATION_LANGUAGES, CITATION_TRIGGER_CHARACTERS } from './contributionIds';
import { findExistingKey, keyInBibliography, type BibEntry } from '../bibtex/bibliography';
import { citedKeyAt, citedKeysIn, completionContext, type CitationLanguage } from '../citation/citationContext';
import { bibEntryHover, paperDocumentation, paperHover, type CommandLink } from '../citation/paperSummary';
import type { ConfigStore } from '../config';
import type { PaperCatalog } from '../catalog/catalog';
import { searchFamiliarFirst } from '../search/familiarRanking';
import type { LoadedPaper } from '../papers/paper';
import { plainForLabel, plainLine } from '../shared/untrustedText';
import { bibliographyLanguage, type Bibliographies, type BibliographyTarget } from './bibliographies';
import type { AddToBibliographyArgs } from './commands';
import type { FormattedReferences } from './formattedReference';
import type { PaperLibrary } from './paperLibrary';
import { paperById, type ServerSearch } from './postgresSource';
import { mergeHits } from '../postgres/merge';
import type { SearchHit } from '../search/search';

export interface CitationProviderServices {
  readonly library: PaperLibrary;
  readonly config: ConfigStore;
  readonly bibliographies: Bibliographies;
  /** The formatted reference shown under the title in the hover. */
  readonly references: FormattedReferences;
  /** Told of every paper cited by accepting a completion, as the insert commands tell of theirs. */
  readonly onDidCite: (paper: LoadedPaper) => unknown;
  /** Recently cited or opened papers, most recent first, then the reading list: offered first before anything is typed. */
  readonly recentPaperIds: () => readonly string[];
  /** The shared catalogs (PostgreSQL), whose papers are offered beside the local ones. */
  readonly serverSearch?: ServerSearch;
}

/**
 * How long completion waits for the shared catalogs' papers before it offers the local ones alone: the list is
 * incomplete, so the next keystroke asks again, and a slow server must not hold up the local papers.
 */
const SERVER_COMPLETION_WAIT_MS = 400;

/** What the `paperLookup.citationCompleted` command, run when a completion is accepted, is given. */
export interface CitationCompletedArgs {
  readonly paperId: string;
  /** Set when the accepted paper should also go into the document's bibliography. */
  readonly addToBibliography?: AddToBibliographyArgs;
}


const SHOW_ABSTRACT = 'paperLookup.showAbstract';
const ADD_TO_BIBLIOGRAPHY = 'paperLookup.addToBibliography';
/** Not in the palette: VS Code runs it when a completion item is accepted. */
const CITATION_COMPLETED = 'paperLookup.citationCompleted';

/** Key completion and hover in citing documents; `register` registers them with the command a completion runs. */
export function citationProviders(services: CitationProviderServices): {
  readonly completion: vscode.CompletionItemProvider;
  readonly hover: vscode.HoverProvider;
  register(): vscode.Disposable[];
} {
  const bibliographyEntries = new BibliographyEntries(services.bibliographies);
  const completion: vscode.CompletionItemProvider = {
    provideCompletionItems: (document, position, token) => quietly(() => completeKey(document, position, token, services, bibliographyEntries)),
  };
  const hover: vscode.HoverProvider = {
    provideHover: (document, position, token) => quietly(() => describeKey(document, position, token, services, bibliographyEntries)),
  };
  return {
    completion,
    hover,
    register: () => [
      vscode.commands.registerCommand(CITATION_COMPLETED, async ({ paperId, addToBibliography }: CitationCompletedArgs) => {
        const paper = await paperById(services.library, services.serverSearch, paperId);
        if (paper) await services.onDidCite(paper);
        return addToBibliography && vscode.commands.executeCommand<string | undefined>(ADD_TO_BIBLIOGRAPHY, addToBibliography);
      }),
      vscode.languages.registerCompletionItemProvider(CITATION_LANGUAGES, completion, ...CITATION_TRIGGER_CHARACTERS),
      vscode.languages.registerHoverProvider(CITATION_LANGUAGES, hover),
    ],
  };
}

/**
 * Runs a provider. A failure (a catalog that cannot load, a .bib the parser chokes on) means nothing to offer:
 * VS Code would log a thrown error for every keystroke, and the user can do nothing about it there.
 */
async function quietly<T>(provide: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await provide();
  } catch {
    return undefined;
  }
}

async function completeKey(
  document: vscode.TextDocument,
  position: vscode.Position,
  token: vscode.CancellationToken,
  services: CitationProviderServices,
  bibliographyEntries: BibliographyEntries,
): Promise<vscode.CompletionList | undefined> {
  const language = bibliographyLanguage(document.languageId);
  const typed = language && completionContext(document.getText(), document.offsetAt(position), language);
  if (!typed) return undefined;
  const [catalog, bibliography] = await Promise.all([services.library.catalog(), bibliographyEntries.of(document)]);
  if (token.isCancellationRequested) return undefined;

  const { addToBibliography, maxResults } = services.config.value;
  const range = new vscode.Range(document.positionAt(typed.range.start), document.positionAt(typed.range.end));
  // Before anything is typed, the papers this document already cites come first, then the recent ones.
  const familiarIds = typed.prefix === '' ? [...citedPaperIds(document, language, catalog), ...services.recentPaperIds()] : [];
  const local = papersMatching(catalog, typed.prefix, maxResults, familiarIds);
  const fromServer = typed.prefix === '' || !services.serverSearch ? undefined : await serverPapers(services.serverSearch, typed.prefix, maxResults);
  if (token.isCancellationRequested) return undefined;
  const papers = fromServer ? mergeHits(local.map(asHit), fromServer, maxResults).map((hit) => hit.paper) : local;
  const items = papers.map((paper, rank) => {
    // The key the citation will have: the .bib's own key for a paper it has (the key LaTeX and pandoc will find),
    // else the key the paper is added under — never one the .bib holds for another paper.
    const cited = bibliography.target ? keyInBibliography(bibliography.entries, paper) : { key: paper.key, inBibliography: false };
    // The label shows the key (a .bib's own key is anyone's text) without icons or reordering; the key itself goes in.
    const item = new vscode.CompletionItem(plainForLabel(cited.key), vscode.CompletionItemKind.Reference);
    item.insertText = cited.key;
    item.detail = plainLine(readableText(paper.title));
    item.documentation = untrustedMarkdown(paperDocumentation(paper));
    item.range = range;
    // Our search already chose and ranked these; VS Code's filter would drop every hit whose key does not
    // fuzzy-match the typed text (a title word, an author, a typo), so each item matches exactly what was typed.
    item.filterText = typed.prefix;
    item.sortText = rank.toString().padStart(4, '0');
    // Accepting the item cites the paper: it becomes a recent one, and goes into the .bib under that key unless it is there.
    const args: CitationCompletedArgs = {
      paperId: paper.id,
      addToBibliography: !cited.inBibliography && addToBibliography !== 'never'
        ? { paperId: paper.id, documentUri: document.uri.toString(), mode: addToBibliography, key: cited.key }
        : undefined,
    };
    item.command = { title: 'Cite', command: CITATION_COMPLETED, arguments: [args] };
    return item;
  });
  // Incomplete: every keystroke asks again, so the list follows our search rather than VS Code's filter.
  return new vscode.CompletionList(items, true);
}

/**
 * At most `limit` papers for a typed prefix: first those whose key starts with it (someone typing a key they
 * know), then our search's hits for it. An empty prefix lists the familiar papers (`familiarIds`, in that order)
 * first, then the others in index order.
 */
function papersMatching(catalog: PaperCatalog, prefix: string, limit: number, familiarIds: readonly string[]): LoadedPaper[] {
  if (prefix === '') return searchFamiliarFirst(catalog, '', limit, [...new Set(familiarIds)]).map((hit) => hit.paper);
  const byKey = catalog.papersByKeyPrefix(prefix, limit);
  const chosen = new Set(byKey.map((paper) => paper.id));
  const bySearch = catalog.search(prefix, limit).map((hit) => hit.paper).filter((paper) => !chosen.has(paper.id));
  return [...byKey, ...bySearch].slice(0, limit);
}

const asHit = (paper: LoadedPaper): SearchHit<LoadedPaper> => ({ paper, score: 0, matches: [] });

/** The shared catalogs' papers for the typed text, or none when they take longer than `SERVER_COMPLETION_WAIT_MS` or fail. */
async function serverPapers(serverSearch: ServerSearch, prefix: string, limit: number): Promise<readonly SearchHit<LoadedPaper>[] | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), SERVER_COMPLETION_WAIT_MS);
  });
  try {
    return await Promise.race([serverSearch.search(prefix, limit).catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Our papers the document cites, in the order it first cites them. */
function citedPaperIds(document: vscode.TextDocument, language: CitationLanguage, catalog: PaperCatalog): string[] {
  return citedKeysIn(document.getText(), language).flatMap(({ key }) => catalog.getByKey(key)?.id ?? []);
}

async function describeKey(
  document: vscode.TextDocument,
  position: vscode.Position,
  token: vscode.CancellationToken,
  services: CitationProviderServices,
  bibliographyEntries: BibliographyEntries,
): Promise<vscode.Hover | undefined> {
  const language = bibliographyLanguage(document.languageId);
  if (!language) return undefined;
  const offset = document.offsetAt(position);
  const cited = citedKeyAt(document.getText(), offset, language);
  if (!cited) return undefined;
  // pandoc allows keys in braces, `@{my key}`; the braces are not part of the key.
  const key = cited.key.replace(/^\{(.*)\}$/, '$1');
  const range = new vscode.Range(document.positionAt(cited.range.start), document.positionAt(cited.range.end));

  const [catalog, bibliography] = await Promise.all([services.library.catalog(), bibliographyEntries.of(document)]);
  if (token.isCancellationRequested) return undefined;
  const bibEntry = bibliography.entries.find((entry) => entry.key === key);
  // A key the .bib has names the .bib's paper, which may be one of ours under another key (same arXiv id, DOI or
  // title; show ours, it has the abstract) but is never our paper that merely has the same key.
  const paper = bibEntry ? samePaperAs(bibEntry, catalog) : catalog.getByKey(key);
  if (paper) return new vscode.Hover(trustedMarkdown(paperHover(paper, paperActions(paper, document, bibliography), await services.references.of(paper))), range);
  if (bibEntry && bibliography.target) {
    return new vscode.Hover(untrustedMarkdown(bibEntryHover(bibEntry, bibliography.fileNames.get(bibEntry) ?? path.basename(bibliography.target.uri.path))), range);
  }
  return undefined;
}

/**
 * Our paper that is the .bib entry's paper, looked for among the papers its key and its title find rather than
 * in every paper: a catalog loaded from the index cache reads each paper from the file when asked, so a pass over
 * 100,000 papers would stall every hover.
 */
function samePaperAs(entry: BibEntry, catalog: PaperCatalog): LoadedPaper | undefined {
  const candidates = [catalog.getByKey(entry.key), ...(entry.title ? catalog.search(entry.title, SAME_PAPER_CANDIDATES).map((hit) => hit.paper) : [])];
  return candidates.find((candidate) => candidate !== undefined && findExistingKey([entry], candidate) !== undefined);
}

/** Papers found by a .bib entry's title that are compared with it: the same title ranks first, near-twins next. */
const SAME_PAPER_CANDIDATES = 10;

/** "Open abstract", and "Add to bibliography" unless the document's .bib has the paper already (then: under which key). */
function paperActions(paper: LoadedPaper, document: vscode.TextDocument, bibliography: DocumentBibliography): (CommandLink | string)[] {
  const openAbstract: CommandLink = { label: 'Open abstract', command: SHOW_ABSTRACT, args: [paper.id] };
  const bibKey = bibliography.target && findExistingKey(bibliography.entries, paper);
  const bibEntry = bibKey === undefined ? undefined : bibliography.entries.find((entry) => entry.key === bibKey);
  if (bibliography.target && bibEntry) return [openAbstract, `in ${bibliography.fileNames.get(bibEntry) ?? path.basename(bibliography.target.uri.path)} as ${bibEntry.key}`];
  // No mode: clicking the link is the request, so the command adds without asking (the command's default).
  const args: AddToBibliographyArgs = { paperId: paper.id, documentUri: document.uri.toString() };
  return [openAbstract, { label: 'Add to bibliography', command: ADD_TO_BIBLIOGRAPHY, args: [args] }];
}

/**
 * Markdown whose command links may run exactly our two commands, nothing else. The data in it is escaped
 * (src/citation/paperSummary.ts); the links are ours, and their arguments carry only a paper id and a document
 * URI, which the commands look up again, so a link cannot act on anything the catalog and the open editors do
 * not hold.
 */
function trustedMarkdown(markdown: string): vscode.MarkdownString {
  const trusted = untrustedMarkdown(markdown);
  trusted.isTrusted = { enabledCommands: [SHOW_ABSTRACT, ADD_TO_BIBLIOGRAPHY] };
  return trusted;
}

/** Markdown of escaped data: runs no command, renders no HTML and no icons. */
function untrustedMarkdown(markdown: string): vscode.MarkdownString {
  const untrusted = new vscode.MarkdownString(markdown, false);
  untrusted.isTrusted = false;
  untrusted.supportHtml = false;
  return untrusted;
}

export interface DocumentBibliography {
  readonly target?: BibliographyTarget;
  readonly entries: readonly BibEntry[];
  /** The name of the file each entry of another declared bibliography than the target is in. */
  readonly fileNames: ReadonlyMap<BibEntry, string>;
}

/**
 * The largest .bib whose entries completion and hover read: parsing takes about 2.5 s per megabyte (in a worker,
 * so the host stays free, but the first hover waits for it). A bigger one counts as empty here; Insert Citation
 * still reads it in full.
 */
const MAX_PROVIDER_BIBLIOGRAPHY_BYTES = 4 * 1024 * 1024;

/** The entries of the .bib a document cites into; `Bibliographies.entries` parses it again only when it changes. */
export class BibliographyEntries {
  constructor(private readonly bibliographies: Bibliographies) {}

  /**
   * The entries of the target and of the other bibliographies the document declares (a Typst document may declare
   * several). A .bib that is missing or cannot be read or parsed counts as empty: our papers are still offered and shown.
   */
  async of(document: vscode.TextDocument): Promise<DocumentBibliography> {
    try {
      const target = await this.bibliographies.targetFor(document);
      if (!target) return { entries: [], fileNames: new Map() };
      const [own, beside] = await Promise.all([
        this.bibliographies.entries(target.uri, MAX_PROVIDER_BIBLIOGRAPHY_BYTES).catch((): BibEntry[] => []),
        this.bibliographies.entriesBeside(document, target.uri, MAX_PROVIDER_BIBLIOGRAPHY_BYTES),
      ]);
      const fileNames = new Map(beside.flatMap((other) => other.entries.map((entry): [BibEntry, string] => [entry, path.basename(other.uri.path)])));
      return { target, entries: [...own, ...fileNames.keys()], fileNames };
    } catch {
      return { entries: [], fileNames: new Map() };
    }
  }
}
