/**
 * The palette commands. Each resolves the paper it needs (from an argument or the picker) and hands it
 * to the feature that acts on it.
 */
import * as vscode from 'vscode';
import type { AddToBibliography } from '../config';
import type { LoadedPaper } from '../papers/paper';
import { plainForLabel, plainForMessage } from '../shared/untrustedText';
import type { AbstractPanels } from './abstractPanel';
import { copyCitationKey } from './copyCitationKey';
import { addPaperToBibliography, insertCitation, type InsertServices } from './insertCitation';
import type { LivePreview } from './livePreview';
import { describeFailure, type OnlineLookup } from './onlineLookup';
import { parseIdentifier } from '../online/identifier';
import type { PaperLibrary } from './paperLibrary';
import { pickPaper, runItemActionCommand, type PickerOptions } from './paperPicker';
import { paperById, type ServerSearch } from './postgresSource';
import { exportReadingList, pickSavedPaper, type ReadingList } from './readingList';
import { SOURCES_VIEW_ID } from './contributionIds';

export interface CommandServices extends InsertServices {
  readonly library: PaperLibrary;
  readonly panels: AbstractPanels;
  readonly readingList: ReadingList;
  readonly livePreview: LivePreview;
  /** The "Paper Lookup" Output channel: the full log behind the Sources view. */
  readonly output: vscode.OutputChannel;
  /** Identifier lookups and trending papers (./onlineLookup.ts). */
  readonly online?: OnlineLookup;
  /** Shared catalogs searched beside the local papers. */
  readonly serverSearch?: ServerSearch;
}

/** Arguments accepted by `paperLookup.insertCitation` (from links, the panel, and tests). */
export interface InsertCitationArgs {
  /** Insert this paper without showing the picker. */
  readonly paperId?: string;
  /** Open the picker with this query already typed. */
  readonly query?: string;
  /** Join a citation that ends at the cursor, as the picker's "keep picking" button does. */
  readonly joinPrevious?: boolean;
}

/** Arguments accepted by `paperLookup.saveToReadingList` and `paperLookup.removeFromReadingList`; without a paper, a picker asks. */
export interface ReadingListArgs {
  readonly paperId?: string;
}

/** Arguments accepted by `paperLookup.addToBibliography` (from hovers, completions, and tests). */
export interface AddToBibliographyArgs extends InsertCitationArgs {
  /** The document whose bibliography gets the paper; default: the active editor's. */
  readonly documentUri?: string;
  /** Default "always"; a completion passes the `paperLookup.citation.addToBibliography` setting. */
  readonly mode?: AddToBibliography;
  /**
   * The key a completion wrote: the paper goes in under it (unless the .bib took it for another paper since).
   * Default: the paper's own key, made unique in the .bib.
   */
  readonly key?: string;
}

/**
 * Alt+I in our picker: the quote button's "insert and keep picking", on the highlighted paper. Not Alt+Enter:
 * the quick input takes every Enter, with any modifier, as its own accept before keybindings see it.
 */
const INSERT_AND_CONTINUE_COMMAND = 'paperLookup.picker.insertAndContinue';

/** Runs tasks one after another, each once the one before has settled. */
type InOrder = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A queue for the inserts of one picker: each insert reads the text the one before it wrote, so they must not
 * overlap. One queue per picker, not one for the window: an unanswered question of one insert holds back only the
 * papers picked after it there.
 */
function inOrder(): InOrder {
  let last: Promise<unknown> = Promise.resolve();
  return (task) => {
    const result = last.then(task);
    last = result.catch(() => undefined);
    return result;
  };
}

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { config, library, panels, readingList, livePreview, output, online } = services;

  /**
   * The row buttons; `onDidInsert` is told when the quote button (or Alt+I) has inserted a citation. Their inserts
   * run through `inOrder`, so rows picked in quick succession are cited in the order they were picked.
   */
  const itemActions = (editor: () => vscode.TextEditor | undefined, inOrder: InOrder, onDidInsert?: () => void): PickerOptions['itemActions'] => [
    {
      // Keeps the picker open, and a second paper joins the citation the first one made: [@a; @b].
      button: { iconPath: new vscode.ThemeIcon('quote'), tooltip: 'Insert Citation and Keep Picking (Alt+I)' },
      command: INSERT_AND_CONTINUE_COMMAND,
      run: (paper) => inOrder(async () => {
        if (await insertCitation(editor(), paper, services, { joinPrevious: true })) onDidInsert?.();
      }),
    },
    { button: { iconPath: new vscode.ThemeIcon('copy'), tooltip: 'Copy Citation Key' }, run: copyCitationKey },
    { button: { iconPath: new vscode.ThemeIcon('references'), tooltip: 'Copy Formatted Reference' }, run: (paper) => services.references.copy(paper) },
    // A Zotero paper's (./zotero.ts).
    { button: { iconPath: new vscode.ThemeIcon('file-pdf'), tooltip: 'Open PDF' }, appliesTo: (paper) => paper.pdfFile !== undefined, run: (paper) => vscode.commands.executeCommand('paperLookup.openPdf', paper.id) },
    { button: { iconPath: new vscode.ThemeIcon('link-external'), tooltip: 'Show in Zotero' }, appliesTo: (paper) => paper.zoteroLink !== undefined, run: (paper) => vscode.commands.executeCommand('paperLookup.showInZotero', paper.id) },
  ];

  /** A paper from an id argument, or from the picker; a message when the id is unknown. */
  const resolvePaper = async (paperId: unknown, picker: Omit<PickerOptions, 'maxResults'>): Promise<LoadedPaper | undefined> => {
    if (typeof paperId === 'string' && paperId !== '') {
      const paper = await paperById(library, services.serverSearch, paperId);
      if (!paper) void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: no loaded paper has the id "${paperId}".`));
      return paper;
    }
    return pickPaper(library.catalog(), {
      ...picker,
      maxResults: config.value.maxResults,
      familiarIds: readingList.familiarIds,
      onDidChangeActive: (paper) => livePreview.showPickerItem(paper),
      online,
      serverSearch: services.serverSearch,
    });
  };

  /** Shows the paper in the abstract panel; opening it makes it a recent paper. */
  const openPaper = async (paper: LoadedPaper): Promise<void> => {
    await panels.show(paper);
    await readingList.noteUsed(paper.id);
  };

  return [
    vscode.commands.registerCommand('paperLookup.search', async (query?: unknown) => {
      const editor = vscode.window.activeTextEditor;
      const paper = await resolvePaper(undefined, {
        title: 'Search Papers',
        placeholder: 'Type words from a title, an author or an abstract (typos are fine)',
        initialQuery: typeof query === 'string' ? query : undefined,
        itemActions: itemActions(() => editor, inOrder()),
      });
      if (paper) await openPaper(paper);
    }),

    vscode.commands.registerCommand('paperLookup.insertCitation', async (args?: InsertCitationArgs) => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showWarningMessage('Paper Lookup: open a Markdown, LaTeX or other text file to insert a citation into.');
        return false;
      }
      // After papers gathered with the quote button or Alt+I, the paper Enter picks joins their citation, after them.
      let gathered = false;
      const queue = inOrder();
      const paper = await resolvePaper(args?.paperId, {
        title: 'Insert Citation',
        placeholder: 'Search papers to cite — Enter inserts at every cursor, Alt+I inserts and keeps picking',
        initialQuery: args?.query,
        itemActions: itemActions(() => editor, queue, () => (gathered = true)),
      });
      return paper ? queue(() => insertCitation(editor, paper, services, { joinPrevious: args?.joinPrevious || gathered })) : false;
    }),

    vscode.commands.registerCommand('paperLookup.addToBibliography', async (args?: AddToBibliographyArgs) => {
      const document = args?.documentUri
        ? vscode.workspace.textDocuments.find((open) => open.uri.toString() === args.documentUri)
        : vscode.window.activeTextEditor?.document;
      if (!document) {
        void vscode.window.showWarningMessage('Paper Lookup: open the Markdown or LaTeX document whose bibliography the paper should go into.');
        return undefined;
      }
      const paper = await resolvePaper(args?.paperId, {
        title: 'Add to Bibliography',
        placeholder: 'Search papers to add to the bibliography',
        initialQuery: args?.query,
      });
      return paper ? addPaperToBibliography(document, args?.key ? { ...paper, key: args.key } : paper, services, args?.mode) : undefined;
    }),

    vscode.commands.registerCommand('paperLookup.showAbstract', async (paperId?: unknown) => {
      const paper = await resolvePaper(paperId, {
        title: 'Show Abstract',
        placeholder: 'Search papers to read',
      });
      if (paper) await openPaper(paper);
    }),

    vscode.commands.registerCommand('paperLookup.copyCitationKey', async (paperId?: unknown) => {
      const paper = await resolvePaper(paperId, { title: 'Copy Citation Key', placeholder: 'Search papers' });
      if (paper) await copyCitationKey(paper);
    }),

    vscode.commands.registerCommand('paperLookup.copyFormattedReference', async (paperId?: unknown) => {
      const paper = await resolvePaper(paperId, { title: 'Copy Formatted Reference', placeholder: 'Search papers' });
      if (paper) await services.references.copy(paper);
    }),

    vscode.commands.registerCommand(INSERT_AND_CONTINUE_COMMAND, () => runItemActionCommand(INSERT_AND_CONTINUE_COMMAND)),

    vscode.commands.registerCommand('paperLookup.showIndexStatus', async () => {
      await library.catalog();
      await vscode.commands.executeCommand(`${SOURCES_VIEW_ID}.focus`);
    }),

    vscode.commands.registerCommand('paperLookup.showLog', () => output.show(true)),

    vscode.commands.registerCommand('paperLookup.saveToReadingList', async (args?: ReadingListArgs) => {
      const paper = await resolvePaper(args?.paperId, { title: 'Save to Reading List', placeholder: 'Search papers to read later' });
      if (!paper) return false;
      if (await readingList.save(paper.id)) vscode.window.setStatusBarMessage(plainForLabel(`Saved “${paper.title}” to your reading list`), 3000);
      return true;
    }),

    vscode.commands.registerCommand('paperLookup.removeFromReadingList', async (args?: ReadingListArgs) => {
      const catalog = await library.catalog();
      const paperId = args?.paperId ?? (await pickSavedPaper(readingList, catalog, 'Remove from Reading List'))?.id;
      return paperId !== undefined && readingList.remove(paperId);
    }),

    vscode.commands.registerCommand('paperLookup.exportReadingList', async (target?: unknown) =>
      exportReadingList(readingList, await library.catalog(), target instanceof vscode.Uri ? target : undefined)),

    vscode.commands.registerCommand('paperLookup.addPaperByIdentifier', async (identifierArg?: unknown) => {
      if (!online || !config.value.online.enabled) {
        void vscode.window.showWarningMessage('Paper Lookup: online lookups are off (the paperLookup.online.enabled setting).');
        return undefined;
      }
      const input = typeof identifierArg === 'string' ? identifierArg : await vscode.window.showInputBox({
        title: 'Add Paper by Identifier',
        prompt: 'An arXiv id, a DOI, or an arxiv.org, doi.org or huggingface.co/papers link',
        placeHolder: 'arXiv:2310.19694, 10.1145/3292500.3330701, https://arxiv.org/abs/…',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() === '' || parseIdentifier(value) ? undefined : 'Not an arXiv id, a DOI, or a link to an arXiv, DOI or Hugging Face paper page.'),
      });
      const identifier = input === undefined ? undefined : parseIdentifier(input);
      if (!identifier) return undefined;
      try {
        const paper = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Paper Lookup: looking up the paper online' }, () => online.lookUp(identifier));
        await openPaper(paper);
        return paper.id;
      } catch (error) {
        void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${describeFailure(error)}`));
        return undefined;
      }
    }),

    vscode.commands.registerCommand('paperLookup.refreshTrending', async () => {
      if (!online || !config.value.online.enabled) {
        void vscode.window.showWarningMessage('Paper Lookup: online lookups are off (the paperLookup.online.enabled setting).');
        return undefined;
      }
      try {
        const count = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Fetching trending papers' }, () => online.refreshTrending());
        vscode.window.setStatusBarMessage(plainForLabel(`Paper Lookup: ${count} trending papers`), 3000);
        return count;
      } catch (error) {
        void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${describeFailure(error)}`));
        return undefined;
      }
    }),

    vscode.commands.registerCommand('paperLookup.reloadIndexes', async () => {
      const catalog = await library.reload();
      vscode.window.setStatusBarMessage(plainForLabel(`Paper Lookup: ${catalog.size} papers loaded`), 3000);
    }),
  ];
}
