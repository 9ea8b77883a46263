/**
 * The .bib files documents cite into: which one a document uses, what it already holds, and adding a paper
 * to it. Reads go through open buffers first and the append is a `WorkspaceEdit`, so a .bib with unsaved
 * changes is edited in its buffer (nothing on disk overwrites it) and existing entries are never touched.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  appendEntryText,
  bibliographyDeclaration,
  declaredBibliographies,
  keyInBibliography,
  parseBibEntries,
  texRootOf,
  type BibEntry,
  type KeyInBibliography,
} from '../citation/bibliography';
import { bibtexEncodingFor, toBibtexEntry } from '../citation/bibtex';
import type { CitationLanguage } from '../citation/citationContext';
import type { ConfigStore } from '../config';
import { paperFields, type LoadedPaper } from '../index/paper';

/** The .bib offered to a document that declares none, beside it. */
const SIBLING_BIBLIOGRAPHY = 'references.bib';

export interface BibliographyTarget {
  readonly uri: vscode.Uri;
  /**
   * Set for references.bib beside a document that declares no bibliography (it may not exist yet) until the
   * user accepts it: citing into it asks first, and declares it in the document.
   */
  readonly undeclared?: boolean;
}

export interface CiteResult {
  /** The key the citation was written with: the .bib's own key when it already had the paper. */
  readonly key: string;
  readonly added: boolean;
  /** Whether the document now declares the .bib (set only for an undeclared target). */
  readonly declared?: boolean;
}

export class Bibliographies {
  /** Documents whose undeclared references.bib the user accepted: asked once, also where it could not be declared. */
  private readonly acceptedSiblings = new Set<string>();

  constructor(private readonly config: ConfigStore) {}

  /**
   * The .bib a document cites into: the first one it declares (or its `% !TEX root` file declares), else the
   * `paperLookup.bibliographyFile` setting, else references.bib beside it (for a document saved on disk);
   * undefined when there is none.
   */
  async targetFor(document: vscode.TextDocument): Promise<BibliographyTarget | undefined> {
    const language = bibliographyLanguage(document.languageId);
    if (language) {
      const own = declaredBibliographies(document.getText(), language);
      if (own.length > 0) return { uri: besides(document.uri, own[0]) };
      const root = language === 'latex' ? texRootOf(document.getText()) : undefined;
      if (root) {
        const rootUri = besides(document.uri, root);
        const rootText = await readText(rootUri);
        const declared = rootText === undefined ? [] : declaredBibliographies(rootText, 'latex');
        if (declared.length > 0) return { uri: besides(rootUri, declared[0]) };
      }
    }
    const configured = this.config.value.bibliographyFile;
    if (configured) {
      const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
      const uri = path.isAbsolute(configured) ? vscode.Uri.file(configured) : folder ? vscode.Uri.joinPath(folder.uri, configured) : undefined;
      if (uri) return { uri };
    }
    if (!language || document.isUntitled || document.uri.scheme !== 'file') return undefined;
    const uri = besides(document.uri, SIBLING_BIBLIOGRAPHY);
    return this.acceptedSiblings.has(document.uri.toString()) ? { uri } : { uri, undeclared: true };
  }

  /** Remembers for this session that the document cites into its undeclared references.bib: it is not offered again. */
  acceptSibling(document: vscode.TextDocument): void {
    this.acceptedSiblings.add(document.uri.toString());
  }

  /** The key the paper is cited under in the .bib: its own key for the paper, else the paper's, made unique there. */
  async keyFor(uri: vscode.Uri, paper: LoadedPaper): Promise<KeyInBibliography> {
    return keyInBibliography(await this.entries(uri), paper);
  }

  /** The entries of a .bib (its unsaved buffer if open); empty when the file does not exist yet. */
  private async entries(uri: vscode.Uri): Promise<BibEntry[]> {
    const text = await readText(uri);
    return text === undefined ? [] : parseBibEntries(text);
  }

  /**
   * Cites the paper into the target .bib of `document`: decides the key first (the .bib's own key for the paper,
   * else `paper.key` made unique in the .bib), lets `writeCitation` put that key into the text, then appends the
   * entry under it unless the .bib has the paper — and for an undeclared target, declares the .bib in the
   * document in the same workspace edit. Undefined when `writeCitation` wrote nothing.
   */
  cite(document: vscode.TextDocument, target: BibliographyTarget, paper: LoadedPaper, writeCitation: (key: string) => Thenable<boolean>): Promise<CiteResult | undefined> {
    // One at a time: two concurrent cites of one paper would both find it missing and append it twice, and two
    // papers with one base key would both be written with the same free key.
    const result = this.pending.then(() => this.citeNow(document, target, paper, writeCitation));
    this.pending = result.catch(() => undefined);
    return result;
  }

  private pending: Promise<unknown> = Promise.resolve();

  private async citeNow(document: vscode.TextDocument, target: BibliographyTarget, paper: LoadedPaper, writeCitation: (key: string) => Thenable<boolean>): Promise<CiteResult | undefined> {
    const { uri } = target;
    const text = await readText(uri);
    const { key, inBibliography } = keyInBibliography(text === undefined ? [] : await parseBibEntries(text), paper);
    if (!(await writeCitation(key))) return undefined;

    const edit = new vscode.WorkspaceEdit();
    let bibDocument: vscode.TextDocument | undefined;
    if (!inBibliography) {
      const entry = await toBibtexEntry({ ...paperFields(paper), key }, { encoding: document.languageId === 'latex' ? bibtexEncodingFor(document.getText()) : 'latex' });
      if (text === undefined) {
        edit.createFile(uri, { contents: new TextEncoder().encode(appendEntryText('', entry)) });
      } else {
        bibDocument = await vscode.workspace.openTextDocument(uri);
        edit.insert(uri, bibDocument.positionAt(bibDocument.getText().length), appendEntryText(bibDocument.getText(), entry));
      }
    }
    const language = bibliographyLanguage(document.languageId);
    const declaration = target.undeclared && language ? bibliographyDeclaration(document.getText(), language, path.basename(uri.path)) : undefined;
    if (declaration) edit.insert(document.uri, document.positionAt(declaration.offset), declaration.text);
    const hadUnsavedChanges = bibDocument?.isDirty ?? false;
    if ((!inBibliography || declaration) && !(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${vscode.workspace.asRelativePath(uri)}.`);
    // Save so LaTeX and pandoc see the entry, unless the buffer held unsaved changes of the user's: those stay theirs to save.
    if (bibDocument && !hadUnsavedChanges) await bibDocument.save();
    return { key, added: !inBibliography, ...(target.undeclared ? { declared: declaration !== undefined } : {}) };
  }
}

/** The bibliography conventions a language follows, if any. */
export function bibliographyLanguage(languageId: string): CitationLanguage | undefined {
  if (languageId === 'latex' || languageId === 'tex') return 'latex';
  if (languageId === 'markdown' || languageId === 'quarto' || languageId === 'rmd') return 'markdown';
  return undefined;
}

function besides(file: vscode.Uri, relative: string): vscode.Uri {
  return path.isAbsolute(relative) ? file.with({ path: relative }) : vscode.Uri.joinPath(file, '..', relative);
}

/** The text of a file: its open buffer (saved or not), else the disk; undefined when it does not exist. */
export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}
