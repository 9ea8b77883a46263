/**
 * Puts a paper's citation into a text editor: at every cursor, replacing every selection, as one
 * undoable edit. A cursor inside an existing citation extends it (`\cite{a,key}`, `[@a; @key]`). In
 * Markdown and LaTeX the paper also goes into the document's .bib (per `paperLookup.citation.addToBibliography`),
 * reusing the key the .bib already has for it. Refuses, with a message and no change, when there is no
 * editor or it is read-only.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { citationAt, keyInsertion, type CitationLanguage, type ExistingCitation, type TextInsertion } from '../citation/citationContext';
import { citationAtCursor, citationStyleFor, formatCitation } from '../citation/format';
import { CONFIG_SECTION, type AddToBibliography, type ConfigStore } from '../config';
import type { LoadedPaper } from '../index/paper';
import { bibliographyLanguage, type Bibliographies, type BibliographyTarget } from './bibliographies';

export interface InsertServices {
  readonly config: ConfigStore;
  readonly bibliographies: Bibliographies;
  /** Told about every paper cited, whichever way: the recent papers list it. */
  readonly onDidInsert?: (paper: LoadedPaper) => unknown;
}

export interface InsertOptions {
  /**
   * Also extend a citation that ends right at the cursor: how "insert and keep picking" gathers several
   * papers into one `[@a; @b]` / `\cite{a,b}`.
   */
  readonly joinPrevious?: boolean;
}

const NO_EDITOR_MESSAGE = 'Paper Lookup: open a Markdown, LaTeX or other text file to insert a citation into.';

export async function insertCitation(
  editor: vscode.TextEditor | undefined,
  paper: LoadedPaper,
  services: InsertServices,
  options: InsertOptions = {},
): Promise<boolean> {
  if (!editor) {
    void vscode.window.showWarningMessage(NO_EDITOR_MESSAGE);
    return false;
  }
  const document = editor.document;
  if (document.isClosed) {
    void vscode.window.showWarningMessage(`Paper Lookup: ${describe(document)} has been closed; the citation was not inserted.`);
    return false;
  }
  if (vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) === false) {
    void vscode.window.showWarningMessage(`Paper Lookup: ${describe(document)} is read-only; the citation was not inserted.`);
    return false;
  }

  const config = services.config.value;
  const style = citationStyleFor(document.languageId, config.citation);
  const language = style === 'markdown' || style === 'latex' ? style : undefined;
  const bibliography = language && bibliographyLanguage(document.languageId) ? await chooseBibliography(document, paper, services) : undefined;
  const key = bibliography?.existingKey ?? paper.key;
  const cited: LoadedPaper = { ...paper, key };

  const text = document.getText();
  const fresh = formatCitation(cited, style, config.citation);
  const applied = await editor.edit((edit) => {
    for (const selection of editor.selections) {
      const extension = selection.isEmpty && language ? citationToExtend(text, document.offsetAt(selection.active), key, language, options) : undefined;
      if (extension === 'already cited') continue;
      if (extension) edit.insert(document.positionAt(extension.offset), extension.text);
      else edit.replace(selection, citationAtCursor(fresh, document.languageId, document.lineAt(selection.start).text.slice(0, selection.start.character), config.citation));
    }
  });
  if (!applied) {
    void vscode.window.showWarningMessage(`Paper Lookup: ${describe(document)} could not be edited; the citation was not inserted.`);
    return false;
  }
  if (bibliography && !bibliography.existingKey) await addToBibliography(bibliography.target, cited, services);
  await services.onDidInsert?.(paper);
  return true;
}

/** The insertion that adds `key` to the citation at the cursor, if there is one. */
function citationToExtend(text: string, offset: number, key: string, language: CitationLanguage, options: InsertOptions): TextInsertion | 'already cited' | undefined {
  const citation = citationAt(text, offset, language) ?? (options.joinPrevious ? citationEndingAt(text, offset, language) : undefined);
  if (!citation) return undefined;
  return citation.keys.some((cited) => cited.key === key) ? 'already cited' : keyInsertion(citation, key);
}

/** A citation whose closing bracket is just before `offset`. */
function citationEndingAt(text: string, offset: number, language: CitationLanguage): ExistingCitation | undefined {
  const citation = offset > 0 ? citationAt(text, offset - 1, language) : undefined;
  return citation && citation.range.end === offset ? citation : undefined;
}

interface BibliographyChoice {
  readonly target: BibliographyTarget;
  /** The key the .bib already has for this paper: cite that, add nothing. */
  readonly existingKey?: string;
}

/**
 * Which .bib the paper goes into, per the setting: none for "never"; the document's own, else the
 * configured one, else (after asking) a new references.bib beside the document. "ask" asks before adding
 * a paper the .bib lacks; a paper it already has is cited under its existing key without a question.
 */
async function chooseBibliography(
  document: vscode.TextDocument,
  paper: LoadedPaper,
  services: InsertServices,
  mode: AddToBibliography = services.config.value.addToBibliography,
): Promise<BibliographyChoice | undefined> {
  if (mode === 'never') return undefined;
  let target = await services.bibliographies.targetFor(document);
  if (target) {
    const existingKey = await services.bibliographies.existingKey(target.uri, paper);
    if (existingKey) return { target, existingKey };
  }
  if (!target) {
    if (document.isUntitled || document.uri.scheme !== 'file') return undefined;
    const uri = vscode.Uri.joinPath(document.uri, '..', 'references.bib');
    const create = 'Create references.bib';
    const choice = await vscode.window.showInformationMessage(
      `${path.basename(document.uri.path)} declares no bibliography. Create references.bib beside it and add “${paper.title}”?`,
      create,
      'Not Now',
    );
    if (choice !== create) return undefined;
    target = { uri, reason: 'created beside the document' };
  } else if (mode === 'ask') {
    const add = 'Add';
    const always = 'Always Add';
    const choice = await vscode.window.showInformationMessage(
      `Add “${paper.title}” to ${vscode.workspace.asRelativePath(target.uri)}?`,
      add,
      always,
      'Not Now',
    );
    if (choice === always) {
      await vscode.workspace.getConfiguration(CONFIG_SECTION).update('citation.addToBibliography', 'always', vscode.ConfigurationTarget.Global);
    }
    if (choice !== add && choice !== always) return undefined;
  }
  return { target };
}

async function addToBibliography(target: BibliographyTarget, paper: LoadedPaper, services: InsertServices): Promise<void> {
  try {
    const result = await services.bibliographies.add(target.uri, paper);
    if (result.added) vscode.window.setStatusBarMessage(`Added ${result.key} to ${vscode.workspace.asRelativePath(target.uri)}`, 4000);
  } catch (error) {
    void vscode.window.showErrorMessage(`Paper Lookup: could not add ${paper.key} to ${vscode.workspace.asRelativePath(target.uri)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * **Add to Bibliography**: puts the paper into the document's .bib without citing it. `mode` defaults to
 * "always" (the user asked for exactly this); a completion passes the setting's mode. Returns the key the
 * .bib has for the paper, or undefined when nothing was chosen.
 */
export async function addPaperToBibliography(
  document: vscode.TextDocument,
  paper: LoadedPaper,
  services: InsertServices,
  mode: AddToBibliography = 'always',
): Promise<string | undefined> {
  const choice = await chooseBibliography(document, paper, services, mode);
  if (!choice) {
    return undefined;
  }
  if (choice.existingKey) {
    vscode.window.setStatusBarMessage(`${vscode.workspace.asRelativePath(choice.target.uri)} already has this paper as ${choice.existingKey}`, 4000);
    return choice.existingKey;
  }
  await addToBibliography(choice.target, paper, services);
  return (await services.bibliographies.existingKey(choice.target.uri, paper)) ?? paper.key;
}

function describe(document: vscode.TextDocument): string {
  return document.isUntitled ? 'the untitled document' : vscode.workspace.asRelativePath(document.uri);
}
