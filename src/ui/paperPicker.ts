/**
 * The paper QuickPick. Every keystroke re-ranks with our search; VS Code's own filter is kept from hiding
 * rows (`alwaysShow`, no description/detail matching) so misspelt and abstract-only queries still list.
 * Its sort cannot be turned off in 1.100 (`sortByLabel` is proposed API, microsoft/vscode#73904): rows whose
 * title contains the typed text literally move above the rest. The side view shows our order as it is.
 *
 * A paper that lacks some words of the query says which ("not matched: grafx"). When nothing matches, one
 * row says so, with a hint; accepting it opens the `paperLookup.indexes` setting. A query that is an identifier
 * (an arXiv id or link, a DOI) is also looked up online (./onlineLookup.ts): its row comes first.
 */
import * as vscode from 'vscode';
import type { PaperCatalog } from '../catalog/catalog';
import { searchFamiliarFirst } from '../search/familiarRanking';
import type { LoadedPaper } from '../papers/paper';
import type { SearchHit } from '../search/search';
import { readableText } from '../shared/latexText';
import { describeAuthorsAndYear, readableSnippet } from '../protocol/paperView';
import { plainForLabel } from '../shared/untrustedText';
import type { OnlineRow } from '../online/queryLookups';
import { OnlineLookup } from './onlineLookup';
import { mergeHits } from '../postgres/merge';
import type { ServerSearch } from './postgresSource';

export interface PaperPickItem extends vscode.QuickPickItem {
  readonly paper: LoadedPaper;
}

/** The row shown when no paper matches: accepting it opens the setting that lists index files. */
interface NoMatchItem extends vscode.QuickPickItem {
  readonly paper?: undefined;
  readonly online?: undefined;
}

/** An online lookup being made or failed: accepting it does nothing. */
interface OnlineStatusItem extends vscode.QuickPickItem {
  readonly paper?: undefined;
  readonly online: true;
}

type PickItem = PaperPickItem | NoMatchItem | OnlineStatusItem;

const INDEXES_SETTING = 'paperLookup.indexes';

/** The row for a query that no paper matches. */
function noMatchItem(query: string): NoMatchItem {
  return {
    // eslint-disable-next-line no-restricted-syntax -- our own icon before the user's query, which is escaped
    label: `$(search-stop) No papers match '${plainForLabel(query.trim())}'`,
    detail: 'Check the spelling, or add index files of your papers: Enter opens the Indexes setting.',
    alwaysShow: true,
  };
}

/** A button on every item of the picker, and what it does; the picker stays open. */
export interface ItemAction {
  readonly button: vscode.QuickInputButton;
  /**
   * A command that runs the action on the highlighted item, for the keyboard: registered to call
   * `runItemActionCommand`, with a keybinding whose `when` includes `paperLookup.pickerOpen`.
   */
  readonly command?: string;
  /** The rows that get the button (a PDF to open); every row when absent. */
  readonly appliesTo?: (paper: LoadedPaper) => boolean;
  run(paper: LoadedPaper): unknown;
}

/**
 * How long after the rows change an Enter may still name a row of the rows before (a round trip between the extension
 * host and the window; 250 ms was seen on a loaded 2-core machine): see `settledRow` in `pickPaper`.
 */
const ROWS_SETTLE_MS = 500;

/** A context key, true while one of our pickers is open: the keybindings of item actions (package.json) use it. */
const PICKER_OPEN_CONTEXT = 'paperLookup.pickerOpen';

/** Our picker that is open, if any: VS Code shows one quick input at a time. */
let openPicker: { runItemAction(command: string): void } | undefined;

/**
 * Runs the item action bound to `command` on the open picker's highlighted item, if our picker is open:
 * what each such command is registered to do.
 */
export function runItemActionCommand(command: string): void {
  openPicker?.runItemAction(command);
}

export interface PickerOptions {
  readonly title: string;
  readonly placeholder: string;
  readonly maxResults: number;
  /** Text to start with, as if the user had typed it. */
  readonly initialQuery?: string;
  /** Buttons on every item, and what they do. */
  readonly itemActions?: readonly ItemAction[];
  /** Papers the user knows (reading list, then recent), listed first for an empty or short query. */
  readonly familiarIds?: readonly string[];
  /** Called with the highlighted paper as the user arrows through the list: the live preview. */
  readonly onDidChangeActive?: (paper: LoadedPaper) => void;
  /** Looks up identifier-shaped queries online; absent, every query stays local. */
  readonly online?: OnlineLookup;
  /** Shared catalogs: their rows join the local ones when they come. */
  readonly serverSearch?: ServerSearch;
}

/**
 * Shows the picker at once (busy until the catalog has loaded, so nothing typed meanwhile lands in the
 * editor); resolves with the accepted paper, or undefined when the user dismisses it.
 */
export function pickPaper(catalogLoading: Promise<PaperCatalog>, options: PickerOptions): Promise<LoadedPaper | undefined> {
  const picker = vscode.window.createQuickPick<PickItem>();
  picker.title = options.title;
  picker.placeholder = options.placeholder;
  picker.matchOnDescription = false;
  picker.matchOnDetail = false;
  picker.value = options.initialQuery ?? '';
  picker.busy = true;
  const actions = options.itemActions ?? [];
  /** The buttons of the actions that apply to `paper` (an Open PDF only where there is a PDF). */
  const buttonsFor = (paper: LoadedPaper | undefined): vscode.QuickInputButton[] =>
    actions.filter((action) => paper === undefined || (action.appliesTo?.(paper) ?? true)).map((action) => action.button);
  let catalog: PaperCatalog | undefined;
  let onlineRow: OnlineRow<LoadedPaper> | undefined;
  /** When the rows last changed (`performance.now()`); see `settledRow`. */
  let itemsChangedAt = Number.NEGATIVE_INFINITY;
  const refresh = (): void => {
    if (!catalog) return;
    const query = picker.value;
    const hits = searchFamiliarFirst(catalog, query, options.maxResults, options.familiarIds ?? []);
    const show = (ranked: readonly SearchHit<LoadedPaper>[]): void => {
      const first = onlineRow && onlineItem(onlineRow, buttonsFor(onlineRow.status === 'found' ? onlineRow.paper : undefined));
      const local = ranked.filter((hit) => hit.paper.id !== first?.paper?.id).map((hit) => toItem(hit, buttonsFor(hit.paper)));
      picker.items = first ? [first, ...local] : local.length === 0 && query.trim() !== '' ? [noMatchItem(query)] : local;
      itemsChangedAt = performance.now();
    };
    show(hits);
    void options.serverSearch?.search(query, options.maxResults).then((serverHits) => {
      if (!serverHits?.length || picker.value !== query) return;
      show(mergeHits(hits, serverHits, options.maxResults));
    });
  };
  const lookups = OnlineLookup.rowsFor(options.online, (row) => {
    onlineRow = row;
    picker.busy = catalog === undefined || row?.status === 'looking';
    refresh();
  });
  lookups.update(picker.value);
  void catalogLoading.then((loaded) => {
    catalog = loaded;
    picker.busy = onlineRow?.status === 'looking';
    refresh();
  });

  const runItemAction = (action: ItemAction | undefined, paper: LoadedPaper | undefined): void => {
    if (!action || !paper) return;
    // The user is gathering papers: keep the picker open when the action's question (add to the .bib?) takes
    // the focus, or a click on the editor to see the result does.
    picker.ignoreFocusOut = true;
    void action.run(paper);
  };
  const session = {
    runItemAction: (command: string) => runItemAction(options.itemActions?.find((action) => action.command === command), picker.activeItems[0]?.paper),
  };

  /**
   * The row the user means by Enter. VS Code names the chosen row by its place in the list the window shows; an Enter
   * pressed before the rows for the latest keystroke reached the window names a place in the previous rows, which the
   * extension host reads in the new ones: another paper (seen: "pointer networks", Enter 20 ms after the keystroke,
   * cited Graph Mamba). So an Enter within a round trip of a change waits until the window has the new rows, and
   * takes the row it then highlights; an Enter on settled rows is taken as it is.
   */
  const settledRow = async (): Promise<PickItem | undefined> => {
    if (performance.now() - itemsChangedAt >= ROWS_SETTLE_MS) return picker.selectedItems[0];
    for (let wait = itemsChangedAt + ROWS_SETTLE_MS - performance.now(); wait > 0; wait = itemsChangedAt + ROWS_SETTLE_MS - performance.now()) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return picker.activeItems[0];
  };

  return new Promise<LoadedPaper | undefined>((resolve) => {
    // Once a paper is accepted the picker's highlight means nothing: VS Code may still report a change of the
    // active row while the picker closes, and previewing that row would replace the paper just opened.
    let accepted = false;
    let hidden = false;
    const subscriptions = [
      picker.onDidChangeValue((value) => {
        // The local results at once; the online row follows when the lookup answers.
        lookups.update(value);
      }),
      picker.onDidChangeActive(([active]) => {
        if (active?.paper && !accepted) options.onDidChangeActive?.(active.paper);
      }),
      picker.onDidTriggerItemButton(({ button, item }) => runItemAction(options.itemActions?.find((action) => action.button === button), item.paper)),
      picker.onDidAccept(async () => {
        const chosen = await settledRow();
        if (!chosen || 'online' in chosen || hidden) return;
        if (!chosen.paper) {
          void vscode.commands.executeCommand('workbench.action.openSettings', INDEXES_SETTING);
          picker.hide();
          return;
        }
        accepted = true;
        resolve(chosen.paper);
        picker.hide();
      }),
      picker.onDidHide(() => {
        hidden = true;
        resolve(undefined);
        // Another picker may have replaced this one, and be the open one now.
        if (openPicker === session) {
          openPicker = undefined;
          void vscode.commands.executeCommand('setContext', PICKER_OPEN_CONTEXT, false);
        }
        for (const subscription of subscriptions) subscription.dispose();
        lookups.dispose();
        picker.dispose();
      }),
    ];
    openPicker = session;
    void vscode.commands.executeCommand('setContext', PICKER_OPEN_CONTEXT, true);
    picker.show();
  });
}

function toItem(hit: SearchHit<LoadedPaper>, buttons: readonly vscode.QuickInputButton[]): PaperPickItem {
  const { paper } = hit;
  const abstractRanges = hit.matches.find((match) => match.field === 'abstract')?.ranges ?? [];
  const unmatched = hit.unmatched?.length ? `not matched: ${hit.unmatched.join(', ')}` : undefined;
  return {
    paper,
    // Rows are plain text: LaTeX decoded, math as its source without the delimiters; no icons, no bidi controls.
    label: plainForLabel(readableText(paper.title)),
    description: plainForLabel([readableText(describeAuthorsAndYear(paper) ?? ''), unmatched].filter(Boolean).join(' · ')),
    detail: plainForLabel(paper.abstract ? readableSnippet(paper.abstract, abstractRanges) : ''),
    // Our ranking decides what is listed; without this VS Code would hide items whose label lacks the query.
    alwaysShow: true,
    buttons,
  };
}

/** The first row for an identifier: the paper found online, or a line saying it is being looked up or why not. */
function onlineItem(row: OnlineRow<LoadedPaper>, buttons: readonly vscode.QuickInputButton[]): PaperPickItem | OnlineStatusItem {
  switch (row.status) {
    case 'found': {
      const item = toItem({ paper: row.paper, score: 0, matches: [] }, buttons);
      return { ...item, description: plainForLabel(['online', readableText(describeAuthorsAndYear(row.paper) ?? '')].filter(Boolean).join(' · ')) };
    }
    case 'looking':
      // eslint-disable-next-line no-restricted-syntax -- our own icon before the identifier, which is escaped
      return { label: `$(globe) Looking up ${plainForLabel(row.identifier)} online…`, alwaysShow: true, online: true };
    case 'failed':
      // eslint-disable-next-line no-restricted-syntax -- our own icon before the message, which is escaped
      return { label: `$(warning) ${plainForLabel(row.message)}`, alwaysShow: true, online: true };
  }
}
