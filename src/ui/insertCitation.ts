/**
 * Puts a paper's citation into a text editor: at every cursor, replacing every selection, as one
 * undoable edit. A cursor inside an existing citation extends it (`\cite{a,key}`, `[@a; @key]`). In
 * Markdown and LaTeX the paper also goes into the document's .bib (per `paperLookup.citation.addToBibliography`),
 * and the key is decided against that .bib before the text is written: the key the .bib already has for the
 * paper, else one no other entry of it has. A document that declares no .bib is offered references.bib beside
 * it, declared in the document in the same step. Refuses, with a message and no change, when there is no
 * editor or it is read-only.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bibliographyDeclaration } from '../citation/documentBibliographies';
import { citationAt, keyInsertion, type CitationLanguage, type ExistingCitation, type TextInsertion } from '../citation/citationContext';
import { citationAtCursor, citationStyleFor, formatCitation } from '../citation/format';
import { typstCitation } from '../citation/typst';
import { CONFIG_SECTION, type AddToBibliography, type ConfigStore } from '../config';
import type { LoadedPaper } from '../papers/paper';
import { plainForLabel, plainForMessage } from '../shared/untrustedText';
import { bibliographyLanguage, confirmWrite, decideWrite, readText, writtenFormatsFor, type Bibliographies, type BibliographyTarget, type CitationWriter, type Declare } from './bibliographies';
import type { FormattedReferences } from './formattedReference';

export interface InsertServices {
  readonly config: ConfigStore;
  readonly bibliographies: Bibliographies;
  /** The plain reference written into files that are neither Markdown nor LaTeX, unless a template is set. */
  readonly references: FormattedReferences;
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

const ALWAYS_IN_WORKSPACE_MESSAGE =
  'Paper Lookup: cited papers will be added to the bibliography without asking in this workspace ("Paper Lookup: Citation: Add To Bibliography" is "always" in its workspace settings).';
const ALWAYS_FOR_USER_MESSAGE =
  'Paper Lookup: cited papers will be added to the bibliography without asking ("Paper Lookup: Citation: Add To Bibliography" is "always" in your user settings).';
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
    void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${describe(document)} has been closed; the citation was not inserted.`));
    return false;
  }
  if (vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) === false) {
    void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${describe(document)} is read-only; the citation was not inserted.`));
    return false;
  }

  const config = services.config.value;
  const style = citationStyleFor(document.languageId, config.citation);
  const language = style === 'markdown' || style === 'latex' || style === 'typst' ? style : undefined;
  const bibliography = language && bibliographyLanguage(document.languageId) ? await chooseBibliography(document, paper, services) : undefined;
  const formattedReference = style === 'plain' && config.citation.plainTemplate === undefined ? await services.references.of(paper) : undefined;

  /** Writes the citation of the paper under `key` at every cursor, and the .bib's declaration if given, as one edit. */
  const writeCitation: CitationWriter = async (key, declare) => {
    const text = document.getText();
    const fresh = formatCitation({ ...paper, key }, style, config.citation, document.languageId, formattedReference);
    const declaration = declare?.(text);
    // A selection that spans the declaration's place would overlap it in one edit: the declaration then goes in after.
    const apart = declaration !== undefined && editor.selections.some((selection) => document.offsetAt(selection.start) < declaration.offset && declaration.offset < document.offsetAt(selection.end));
    const written = await editDocument(editor, (edit) => {
      if (declaration && !apart) edit.insert(document.positionAt(declaration.offset), declaration.text);
      for (const selection of editor.selections) {
        const extension = selection.isEmpty && language ? citationToExtend(text, document.offsetAt(selection.active), key, language, options) : undefined;
        if (extension === 'already cited') continue;
        if (extension) edit.insert(document.positionAt(extension.offset), extension.text);
        // Typst: `@key` only where the text after it does not run on into the key (`#cite(<key>)` there).
        else if (style === 'typst') edit.replace(selection, typstCitation(key, document.lineAt(selection.end).text.slice(selection.end.character)));
        else edit.replace(selection, citationAtCursor(fresh, document.languageId, document.lineAt(selection.start).text.slice(0, selection.start.character), config.citation));
      }
    });
    return written && (!apart || !declare || (await insertDeclaration(document, declare)));
  };
  // The key is decided against the .bib before the text is written, so the text never cites a key the .bib
  // holds for another paper; and a paper that stays out of the .bib gets the key adding it later would give.
  const applied = bibliography?.addIfMissing
    ? (await citeIntoBibliography(document, bibliography.target, paper, services, writeCitation)) !== undefined
    : await writeCitation(bibliography ? (await services.bibliographies.keyFor(bibliography.target.uri, paper)).key : paper.key);
  if (!applied) {
    void vscode.window.showWarningMessage(plainForMessage(`Paper Lookup: ${describe(document)} could not be edited; the citation was not inserted.`));
    return false;
  }
  await services.onDidInsert?.(paper);
  return true;
}

/**
 * Makes the edits at the editor's cursors as one undoable edit. A visible editor edits itself (its cursors then
 * move past what was inserted, which the next "keep picking" insert relies on). An editor that is no longer
 * visible — the abstract panel opened as a tab over it in the same group, say — cannot edit (VS Code refuses
 * edits on editors that are not shown), but its document is still open: the same edits go through a workspace
 * edit on the document's URI, at the cursors it had.
 */
async function editDocument(editor: vscode.TextEditor, build: (edit: Pick<vscode.TextEditorEdit, 'insert' | 'replace'>) => void): Promise<boolean> {
  if (vscode.window.visibleTextEditors.includes(editor)) return editor.edit(build);
  const { uri } = editor.document;
  const edit = new vscode.WorkspaceEdit();
  build({
    insert: (position, text) => edit.insert(uri, position, text),
    replace: (location, text) => edit.replace(uri, location instanceof vscode.Position ? new vscode.Range(location, location) : location, text),
  });
  return vscode.workspace.applyEdit(edit);
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
  /** Whether the paper goes into the .bib if it is not there yet (and an undeclared .bib into the document). */
  readonly addIfMissing: boolean;
}

/**
 * Which .bib the paper is cited against — the document's own .bib, else the configured one, else references.bib
 * beside the document — and whether it may be added there, per the setting: never for "never"; "ask" asks before
 * adding a paper the .bib lacks; a paper it already has is cited under its existing key without a question.
 * An undeclared references.bib is offered once, also under "always" (accepting it edits the document), never under "never".
 */
async function chooseBibliography(
  document: vscode.TextDocument,
  paper: LoadedPaper,
  services: InsertServices,
  mode: AddToBibliography = services.config.value.addToBibliography,
): Promise<BibliographyChoice | undefined> {
  const target = await services.bibliographies.targetFor(document);
  if (!target) return undefined;
  // Before anything reads the target: a name the file system cannot take is refused in one line, not a modal error.
  const permission = await decideWrite(target.uri, target.origin, writtenFormatsFor(document.languageId));
  if (permission.action === 'refuse') {
    // The paper is cited under its own key, as for a document without a bibliography.
    if (permission.reason === 'unusable' || mode !== 'never') void vscode.window.showWarningMessage(plainForMessage(permission.message));
    return undefined;
  }
  if (mode === 'never') return { target, addIfMissing: false };
  const addIfMissing = await wantsToAdd(document, target, paper, services, mode);
  // Outside the workspace folders, the user says yes to the real path before the first entry goes there.
  if (addIfMissing && permission.action === 'ask' && !(await services.bibliographies.keyFor(target.uri, paper)).inBibliography) {
    return { target, addIfMissing: await confirmWrite(permission) };
  }
  return { target, addIfMissing };
}

/** Whether the user wants the paper in the target .bib: the setting, or their answer. */
async function wantsToAdd(document: vscode.TextDocument, target: BibliographyTarget, paper: LoadedPaper, services: InsertServices, mode: AddToBibliography): Promise<boolean> {
  if (target.undeclared) return offerSiblingBibliography(document, target, paper, services);
  if (mode === 'always' || (await services.bibliographies.keyFor(target.uri, paper)).inBibliography) return true;
  const add = 'Add';
  const always = 'Always Add';
  const choice = await vscode.window.showInformationMessage(plainForMessage(`Add “${paper.title}” to ${vscode.workspace.asRelativePath(target.uri)}?`), add, always, 'Not Now');
  if (choice === always) {
    // This workspace's choice, not every workspace's: stored in its settings, and the user is told where.
    const inWorkspace = vscode.workspace.workspaceFolders !== undefined;
    await vscode.workspace.getConfiguration(CONFIG_SECTION).update('citation.addToBibliography', 'always', inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    const opened = inWorkspace ? vscode.window.showInformationMessage(ALWAYS_IN_WORKSPACE_MESSAGE, 'Open Setting') : vscode.window.showInformationMessage(ALWAYS_FOR_USER_MESSAGE, 'Open Setting');
    void opened.then((open) => open && vscode.commands.executeCommand(inWorkspace ? 'workbench.action.openWorkspaceSettings' : 'workbench.action.openSettings', 'paperLookup.citation.addToBibliography'));
  }
  return choice === add || choice === always;
}

/**
 * Asks whether a document that declares no bibliography should cite into references.bib beside it (creating it
 * if need be) and declare it. Once accepted, the document declares it, so the question does not come back; where
 * it cannot be declared (a LaTeX file without `\end{document}`) the question says so, and is not asked again
 * for that document in this session.
 */
async function offerSiblingBibliography(document: vscode.TextDocument, target: BibliographyTarget, paper: LoadedPaper, services: InsertServices): Promise<boolean> {
  const name = path.basename(document.uri.path);
  const bibName = path.basename(target.uri.path);
  const exists = (await readText(target.uri)) !== undefined;
  const language = bibliographyLanguage(document.languageId);
  const declarable = language !== undefined && bibliographyDeclaration(document.getText(), language, bibName) !== undefined;
  const action = exists ? `Add “${paper.title}” to the ${bibName} beside it` : `Create ${bibName} beside it with “${paper.title}”`;
  const undeclarable = language === 'latex'
    ? `${name} has no \\end{document} to declare it before: declare it in your main file yourself.`
    : `The front matter of ${name} has a bibliography key without a file: add ${bibName} there yourself.`;
  const accept = exists ? `Use ${bibName}` : `Create ${bibName}`;
  const question = `${name} declares no bibliography. ${action}${declarable ? ` and declare it in ${name}?` : `? ${undeclarable}`}`;
  if ((await vscode.window.showInformationMessage(plainForMessage(question), accept, 'Not Now')) !== accept) return false;
  // A declared .bib is found by its declaration from now on; one that could not be declared is remembered instead.
  if (!declarable) services.bibliographies.acceptSibling(document);
  return true;
}

/**
 * Cites the paper through the .bib (see `Bibliographies.cite`) and says what became of the .bib in the status
 * bar, or of a failure in an error message. Returns the key written, or undefined when nothing was.
 */
async function citeIntoBibliography(
  document: vscode.TextDocument,
  target: BibliographyTarget,
  paper: LoadedPaper,
  services: InsertServices,
  writeCitation: CitationWriter,
): Promise<string | undefined> {
  const bibName = vscode.workspace.asRelativePath(target.uri);
  let written: string | undefined;
  try {
    const result = await services.bibliographies.cite(document, target, paper, async (key, declare) => {
      if (await writeCitation(key, declare)) written = key;
      return written !== undefined;
    });
    if (!result) return undefined;
    const declared = result.declared ? ` and declared it in ${path.basename(document.uri.path)}` : '';
    const outcome = result.added ? `Added ${result.key} to ${bibName}` : `${bibName} already has this paper as ${result.key}`;
    vscode.window.setStatusBarMessage(plainForLabel(outcome + declared), 4000);
  } catch (error) {
    void vscode.window.showErrorMessage(plainForMessage(`Paper Lookup: could not add ${paper.key} to ${bibName}: ${error instanceof Error ? error.message : String(error)}`));
  }
  return written;
}

/**
 * **Add to Bibliography**: puts the paper into the document's .bib without citing it. `mode` defaults to
 * "always" (the user asked for exactly this); a completion passes the setting's mode, and the key it wrote as
 * `paper.key`. Returns the key the .bib has for the paper, or undefined when nothing was chosen.
 */
export async function addPaperToBibliography(
  document: vscode.TextDocument,
  paper: LoadedPaper,
  services: InsertServices,
  mode: AddToBibliography = 'always',
): Promise<string | undefined> {
  const choice = await chooseBibliography(document, paper, services, mode);
  // Nothing is cited; only an undeclared .bib's declaration goes into the document.
  const declareOnly: CitationWriter = async (_key, declare) => !declare || insertDeclaration(document, declare);
  return choice?.addIfMissing ? citeIntoBibliography(document, choice.target, paper, services, declareOnly) : undefined;
}

/** Inserts the .bib's declaration into the document as it is now; true also where it cannot be declared. */
async function insertDeclaration(document: vscode.TextDocument, declare: Declare): Promise<boolean> {
  const declaration = declare(document.getText());
  if (!declaration) return true;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(document.uri, document.positionAt(declaration.offset), declaration.text);
  return vscode.workspace.applyEdit(edit);
}

function describe(document: vscode.TextDocument): string {
  return document.isUntitled ? 'the untitled document' : vscode.workspace.asRelativePath(document.uri);
}
