/**
 * The paper QuickPick. Every keystroke re-ranks with our search; VS Code's own filter is kept out of
 * the way (`alwaysShow`, no description/detail matching) so misspelt and abstract-only queries still list.
 */
import * as vscode from 'vscode';
import type { PaperCatalog } from '../index/catalog';
import { searchFamiliarFirst } from '../index/familiarRanking';
import type { LoadedPaper } from '../index/paper';
import { snippetAround, type SearchHit } from '../index/search';
import { describeAuthorsAndYear } from '../shared/paperView';

export interface PaperPickItem extends vscode.QuickPickItem {
  readonly paper: LoadedPaper;
}

export interface PickerOptions {
  readonly title: string;
  readonly placeholder: string;
  readonly maxResults: number;
  /** Text to start with, as if the user had typed it. */
  readonly initialQuery?: string;
  /** Buttons on every item, and what they do; the picker stays open. */
  readonly itemActions?: readonly { readonly button: vscode.QuickInputButton; run(paper: LoadedPaper): unknown }[];
  /** Papers the user knows (reading list, then recent), listed first for an empty or short query. */
  readonly familiarIds?: readonly string[];
  /** Called with the highlighted paper as the user arrows through the list: the live preview. */
  readonly onDidChangeActive?: (paper: LoadedPaper) => void;
}

/**
 * Shows the picker at once (busy until the catalog has loaded, so nothing typed meanwhile lands in the
 * editor); resolves with the accepted paper, or undefined when the user dismisses it.
 */
export function pickPaper(catalogLoading: Promise<PaperCatalog>, options: PickerOptions): Promise<LoadedPaper | undefined> {
  const picker = vscode.window.createQuickPick<PaperPickItem>();
  picker.title = options.title;
  picker.placeholder = options.placeholder;
  picker.matchOnDescription = false;
  picker.matchOnDetail = false;
  picker.value = options.initialQuery ?? '';
  picker.busy = true;
  const buttons = options.itemActions?.map((action) => action.button) ?? [];
  let catalog: PaperCatalog | undefined;
  const refresh = (): void => {
    if (catalog) picker.items = searchFamiliarFirst(catalog, picker.value, options.maxResults, options.familiarIds ?? []).map((hit) => toItem(hit, buttons));
  };
  void catalogLoading.then((loaded) => {
    catalog = loaded;
    picker.busy = false;
    refresh();
  });

  return new Promise<LoadedPaper | undefined>((resolve) => {
    const subscriptions = [
      picker.onDidChangeValue(refresh),
      picker.onDidChangeActive(([active]) => {
        if (active) options.onDidChangeActive?.(active.paper);
      }),
      picker.onDidTriggerItemButton(({ button, item }) => {
        void options.itemActions?.find((action) => action.button === button)?.run(item.paper);
      }),
      picker.onDidAccept(() => {
        const [chosen] = picker.selectedItems;
        if (!chosen) return;
        resolve(chosen.paper);
        picker.hide();
      }),
      picker.onDidHide(() => {
        resolve(undefined);
        for (const subscription of subscriptions) subscription.dispose();
        picker.dispose();
      }),
    ];
    picker.show();
  });
}

function toItem(hit: SearchHit<LoadedPaper>, buttons: readonly vscode.QuickInputButton[]): PaperPickItem {
  const { paper } = hit;
  const abstractRanges = hit.matches.find((match) => match.field === 'abstract')?.ranges ?? [];
  return {
    paper,
    label: paper.title,
    description: describeAuthorsAndYear(paper),
    detail: paper.abstract ? snippetAround(paper.abstract, abstractRanges) : undefined,
    // Our ranking decides what is listed; without this VS Code would hide items whose label lacks the query.
    alwaysShow: true,
    buttons,
  };
}
