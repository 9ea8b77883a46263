/**
 * The .bib files documents cite into: which one a document uses, what it already holds, and adding a paper
 * to it. Reads go through open buffers first and the append is a `WorkspaceEdit`, so a .bib with unsaved
 * changes is edited in its buffer (nothing on disk overwrites it) and existing entries are never touched.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appendEntryText, declaredBibliographies, findExistingKey, parseBibEntries, texRootOf, type BibEntry } from '../citation/bibliography';
import { toBibtexEntry } from '../citation/bibtex';
import type { CitationLanguage } from '../citation/citationContext';
import type { ConfigStore } from '../config';
import { uniqueKey } from '../citation/keys';
import type { LoadedPaper } from '../index/paper';

export interface BibliographyTarget {
  readonly uri: vscode.Uri;
  /** How it was found, for messages: "declared in paper.tex", "the paperLookup.bibliographyFile setting". */
  readonly reason: string;
}

export interface AddResult {
  /** The key to cite: the .bib's own key when it already had the paper. */
  readonly key: string;
  readonly added: boolean;
}

export class Bibliographies {
  constructor(private readonly config: ConfigStore) {}

  /**
   * The .bib a document cites into: the first one it declares (or its `% !TEX root` file declares), else
   * the `paperLookup.bibliographyFile` setting; undefined when there is none.
   */
  async targetFor(document: vscode.TextDocument): Promise<BibliographyTarget | undefined> {
    const language = bibliographyLanguage(document.languageId);
    if (language) {
      const own = declaredBibliographies(document.getText(), language);
      if (own.length > 0) return { uri: besides(document.uri, own[0]), reason: `declared in ${path.basename(document.uri.path)}` };
      const root = language === 'latex' ? texRootOf(document.getText()) : undefined;
      if (root) {
        const rootUri = besides(document.uri, root);
        const rootText = await readText(rootUri);
        const declared = rootText === undefined ? [] : declaredBibliographies(rootText, 'latex');
        if (declared.length > 0) return { uri: besides(rootUri, declared[0]), reason: `declared in the root file ${path.basename(rootUri.path)}` };
      }
    }
    const configured = this.config.value.bibliographyFile;
    if (configured) {
      const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
      const uri = path.isAbsolute(configured) ? vscode.Uri.file(configured) : folder ? vscode.Uri.joinPath(folder.uri, configured) : undefined;
      if (uri) return { uri, reason: 'the paperLookup.bibliographyFile setting' };
    }
    return undefined;
  }

  /** The key the .bib already has for the paper (same arXiv id, DOI or title), if any. */
  async existingKey(uri: vscode.Uri, paper: LoadedPaper): Promise<string | undefined> {
    return findExistingKey(await this.entries(uri), paper);
  }

  /** The entries of a .bib (its unsaved buffer if open); empty when the file does not exist yet. */
  async entries(uri: vscode.Uri): Promise<BibEntry[]> {
    const text = await readText(uri);
    return text === undefined ? [] : parseBibEntries(text);
  }

  /**
   * Adds the paper to the .bib unless it is already there (same arXiv id, DOI or title), in which case its
   * existing key is returned. A key the .bib uses for another paper gets a suffix.
   */
  add(uri: vscode.Uri, paper: LoadedPaper): Promise<AddResult> {
    // One add at a time: two concurrent adds of one paper would both find it missing and append it twice.
    const result = this.pending.then(() => this.addNow(uri, paper));
    this.pending = result.catch(() => undefined);
    return result;
  }

  private pending: Promise<unknown> = Promise.resolve();

  private async addNow(uri: vscode.Uri, paper: LoadedPaper): Promise<AddResult> {
    const text = await readText(uri);
    const entries = text === undefined ? [] : await parseBibEntries(text);
    const existing = findExistingKey(entries, paper);
    if (existing) return { key: existing, added: false };

    const key = uniqueKey(paper.key, new Set(entries.map((entry) => entry.key)));
    const entry = toBibtexEntry({ ...paper, key });
    const edit = new vscode.WorkspaceEdit();
    let bibDocument: vscode.TextDocument | undefined;
    if (text === undefined) {
      edit.createFile(uri, { contents: new TextEncoder().encode(appendEntryText('', entry)) });
    } else {
      bibDocument = await vscode.workspace.openTextDocument(uri);
      edit.insert(uri, bibDocument.positionAt(bibDocument.getText().length), appendEntryText(bibDocument.getText(), entry));
    }
    const hadUnsavedChanges = bibDocument?.isDirty ?? false;
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not edit ${vscode.workspace.asRelativePath(uri)}.`);
    // Save so LaTeX and pandoc see the entry, unless the buffer held unsaved changes of the user's: those stay theirs to save.
    if (bibDocument && !hadUnsavedChanges) await bibDocument.save();
    return { key, added: true };
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
