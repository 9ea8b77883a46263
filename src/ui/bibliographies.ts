/**
 * The .bib files documents cite into: which one a document uses, what it already holds, and adding a paper
 * to it. Reads go through open buffers first and the append is a `WorkspaceEdit`, so a .bib with unsaved
 * changes is edited in its buffer (nothing on disk overwrites it) and existing entries are never touched.
 */
import { readlink, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  appendEntryText,
  keyInBibliography,
  type BibEntry,
  type BibParser,
  type KeyInBibliography,
} from '../bibtex/bibliography';
import { bibliographyEntryFor } from '../bibtex/bibEntryCopy';
import { bibliographyDeclaration, declaredBibliographies, texRootOf } from '../citation/documentBibliographies';
import { bibtexEncodingFor } from '../bibtex/entryWriter';
import { ParsedBibliographies } from '../citation/parsedBibliographies';
import type { CitationLanguage, TextInsertion } from '../citation/citationContext';
import { toHayagrivaEntry } from '../citation/hayagriva';
import { decideWriteTarget, formatOf, TYPST_WRITTEN_FORMATS, WRITTEN_FORMATS, type BibliographyFormat, type TargetOrigin, type WriteTargetDecision } from '../citation/writeTarget';
import { CONFIG_SECTION, type ConfigStore } from '../config';
import type { LoadedPaper } from '../papers/paper';
import { maxFileBytes, readRegularFile, statRegularFile, tooBigError } from '../sources/regularFile';
import { plainForMessage } from '../shared/untrustedText';
import { readWholeFile } from './indexFileReader';

/** The .bib offered to a document that declares none, beside it. */
const SIBLING_BIBLIOGRAPHY = 'references.bib';

export interface BibliographyTarget {
  readonly uri: vscode.Uri;
  /** Who named it: decides whether writing there outside the workspace folders needs the user's yes. */
  readonly origin: TargetOrigin;
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

  private readonly parsed: ParsedBibliographies;
  /** Hayagriva YAML files (a Typst document's `.yml` bibliography), read by ../citation/hayagriva.ts. */
  private readonly parsedHayagriva: ParsedBibliographies;

  /**
   * `parseBib` parses .bib text and `parseHayagriva` Hayagriva YAML, both off the extension host's thread
   * (src/sources/bibParseWorker.ts): either takes time in proportion to the file.
   */
  constructor(
    private readonly config: ConfigStore,
    parseBib: BibParser,
    parseHayagriva: BibParser,
  ) {
    this.parsed = new ParsedBibliographies(parseBib);
    this.parsedHayagriva = new ParsedBibliographies(parseHayagriva);
  }

  /**
   * The bibliographies a document declares (or its `% !TEX root` file declares), in order. A Typst path starting with
   * `/` is relative to the project root, here the document's workspace folder.
   */
  async declaredFor(document: vscode.TextDocument): Promise<vscode.Uri[]> {
    const language = bibliographyLanguage(document.languageId);
    if (!language) return [];
    const own = declaredBibliographies(document.getText(), language);
    if (language === 'typst') {
      const root = vscode.workspace.getWorkspaceFolder(document.uri)?.uri;
      return own.map((file) => (file.startsWith('/') && root ? vscode.Uri.joinPath(root, file) : besides(document.uri, file)));
    }
    if (own.length > 0) return own.map((file) => besides(document.uri, file));
    const root = language === 'latex' ? texRootOf(document.getText()) : undefined;
    if (!root) return [];
    const rootUri = besides(document.uri, root);
    // A root the file system cannot read (a name too long for it, say) declares nothing.
    const rootText = await readText(rootUri, this.config.value.maxFileBytes).catch(() => undefined);
    return rootText === undefined ? [] : declaredBibliographies(rootText, 'latex').map((file) => besides(rootUri, file));
  }

  /**
   * The entries of the bibliographies the document declares besides `uri`: a Typst document may declare several
   * (`#bibliography(("a.bib", "b.yml"))`), and a key or paper one of them has must not be added to another. A file
   * that is missing or cannot be read counts as empty.
   */
  async entriesBeside(document: vscode.TextDocument, uri: vscode.Uri, maxBytes = this.config.value.maxFileBytes): Promise<{ readonly uri: vscode.Uri; readonly entries: BibEntry[] }[]> {
    const others = (await this.declaredFor(document)).filter((other) => other.toString() !== uri.toString());
    return Promise.all(others.map(async (other) => ({ uri: other, entries: await this.entries(other, maxBytes).catch((): BibEntry[] => []) })));
  }

  /**
   * The .bib a document cites into: the first one it declares (or its `% !TEX root` file declares), else the
   * `paperLookup.bibliographyFile` setting, else references.bib beside it (for a document saved on disk);
   * undefined when there is none.
   */
  async targetFor(document: vscode.TextDocument): Promise<BibliographyTarget | undefined> {
    const language = bibliographyLanguage(document.languageId);
    const declared = await this.declaredFor(document);
    if (declared.length > 0) return { uri: declared[0], origin: 'document' };
    const configured = this.config.value.bibliographyFile;
    if (configured) {
      const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
      const uri = path.isAbsolute(configured) ? vscode.Uri.file(configured) : folder ? vscode.Uri.joinPath(folder.uri, configured) : undefined;
      // The user's own settings say the same path: the user decided on it, whatever the workspace's settings say too.
      const userValue = vscode.workspace.getConfiguration(CONFIG_SECTION).inspect<string>('bibliographyFile')?.globalValue;
      if (uri) return { uri, origin: userValue?.trim() === configured ? 'userSetting' : 'workspaceSetting' };
    }
    if (!language || document.isUntitled || document.uri.scheme !== 'file') return undefined;
    const uri = besides(document.uri, SIBLING_BIBLIOGRAPHY);
    return this.acceptedSiblings.has(document.uri.toString()) ? { uri, origin: 'document' } : { uri, origin: 'document', undeclared: true };
  }

  /** Remembers for this session that the document cites into its undeclared references.bib: it is not offered again. */
  acceptSibling(document: vscode.TextDocument): void {
    this.acceptedSiblings.add(document.uri.toString());
  }

  /** The key the paper is cited under in the .bib: its own key for the paper, else the paper's, made unique there. */
  async keyFor(uri: vscode.Uri, paper: LoadedPaper): Promise<KeyInBibliography> {
    return keyInBibliography(await this.entries(uri), paper);
  }

  /**
   * The entries of a .bib (its unsaved buffer if open); empty when the file does not exist yet. Read and parsed
   * again only when the buffer or the file changed; rejects when it is not a regular file, is bigger than
   * `maxBytes` (by default `paperLookup.maxFileSizeMB`), or cannot be parsed.
   */
  async entries(uri: vscode.Uri, maxBytes = this.config.value.maxFileBytes): Promise<BibEntry[]> {
    const stamp = await stampOf(uri);
    return stamp === undefined ? [] : this.parserFor(uri).entries(uri.toString(), stamp, () => readText(uri, maxBytes));
  }

  private parserFor(uri: vscode.Uri): ParsedBibliographies {
    return formatOf(uri.path) === 'hayagriva' ? this.parsedHayagriva : this.parsed;
  }

  /**
   * Cites the paper into the target .bib of `document`: decides the key first (the .bib's own key for the paper,
   * else `paper.key` made unique in the .bib), lets `writeCitation` put that key into the text — and, for an
   * undeclared target, the declaration of the .bib, in the same edit so that one Undo takes both back — then
   * appends the entry under it unless the .bib has the paper. Undefined when `writeCitation` wrote nothing.
   * The caller has checked that the target may be written (`decideWrite`).
   */
  cite(document: vscode.TextDocument, target: BibliographyTarget, paper: LoadedPaper, writeCitation: CitationWriter): Promise<CiteResult | undefined> {
    // One at a time: two concurrent cites of one paper would both find it missing and append it twice, and two
    // papers with one base key would both be written with the same free key.
    const result = this.pending.then(() => this.citeNow(document, target, paper, writeCitation));
    this.pending = result.catch(() => undefined);
    return result;
  }

  private pending: Promise<unknown> = Promise.resolve();

  private async citeNow(document: vscode.TextDocument, target: BibliographyTarget, paper: LoadedPaper, writeCitation: CitationWriter): Promise<CiteResult | undefined> {
    const { uri } = target;
    const text = await readText(uri, this.config.value.maxFileBytes);
    const own = text === undefined ? [] : await this.parserFor(uri).entriesOfText(uri.toString(), text);
    const beside = (await this.entriesBeside(document, uri)).flatMap((other) => other.entries);
    const { key, inBibliography } = keyInBibliography([...own, ...beside], paper);
    const language = bibliographyLanguage(document.languageId);
    const declare = target.undeclared && language ? (documentText: string) => bibliographyDeclaration(documentText, language, path.basename(uri.path)) : undefined;
    const declared = declare?.(document.getText()) !== undefined;
    if (!(await writeCitation(key, declare))) return undefined;

    if (!inBibliography) {
      const edit = new vscode.WorkspaceEdit();
      // A biblatex document's .bib takes UTF-8 (biber's convention); classic BibTeX's, LaTeX escapes.
      const encoding = bibliographyLanguage(document.languageId) === 'latex' ? bibtexEncodingFor(document.getText()) : 'latex';
      const entry = formatOf(uri.path) === 'hayagriva' ? toHayagrivaEntry(paper, key) : await bibliographyEntryFor(paper, key, text, { encoding });
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
    }
    return { key, added: !inBibliography, ...(target.undeclared ? { declared } : {}) };
  }
}

/**
 * Writes the citation of a paper under `key`; given `declare`, also the declaration of the .bib it returns for
 * the document's text, in the same edit. Resolves false when nothing was written.
 */
export type CitationWriter = (key: string, declare?: Declare) => Thenable<boolean>;

/** Where and what to insert so that a document with `text` declares the .bib; undefined where it cannot be. */
export type Declare = (text: string) => TextInsertion | undefined;

/** Real paths outside the workspace folders the user agreed to have written in this session. */
const approvedOutside = new Set<string>();

/**
 * Whether a bibliography may be written at `uri` (see src/citation/writeTarget.ts). Files of other URI schemes
 * than `file` (virtual workspaces) have no symlinks to resolve: their paths are judged as they are.
 */
export function decideWrite(uri: vscode.Uri, origin: TargetOrigin, formats: readonly BibliographyFormat[] = WRITTEN_FORMATS): Promise<WriteTargetDecision> {
  const local = uri.scheme === 'file';
  const asPath = (file: vscode.Uri): string => (local ? file.fsPath : file.path);
  return decideWriteTarget(asPath(uri), origin, {
    realpath: local ? realpath : (file) => Promise.resolve(file),
    readlink: local ? readlink : () => Promise.reject(Object.assign(new Error('no symlinks here'), { code: 'EINVAL' })),
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === uri.scheme).map((folder) => asPath(folder.uri)),
    trusted: vscode.workspace.isTrusted,
    approved: approvedOutside,
    formats,
  });
}

/** Asks the question of an `ask` decision in a modal dialog; a yes holds for that real path for the session. */
export async function confirmWrite(decision: Extract<WriteTargetDecision, { action: 'ask' }>): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(plainForMessage(decision.question), { modal: true, detail: plainForMessage(decision.detail) }, decision.confirm);
  if (answer !== decision.confirm) return false;
  approvedOutside.add(decision.realPath);
  return true;
}

/** `decideWrite`, then the refusal shown or the question asked: true when writing may go ahead. */
export async function mayWrite(uri: vscode.Uri, origin: TargetOrigin): Promise<boolean> {
  const decision = await decideWrite(uri, origin);
  if (decision.action === 'refuse') void vscode.window.showWarningMessage(plainForMessage(decision.message));
  return decision.action === 'write' || (decision.action === 'ask' && (await confirmWrite(decision)));
}

/** The bibliography formats written for a document in `languageId`: Hayagriva YAML only for Typst. */
export function writtenFormatsFor(languageId: string): readonly BibliographyFormat[] {
  return bibliographyLanguage(languageId) === 'typst' ? TYPST_WRITTEN_FORMATS : WRITTEN_FORMATS;
}

/** The bibliography conventions a language follows, if any. */
export function bibliographyLanguage(languageId: string): CitationLanguage | undefined {
  if (languageId === 'latex' || languageId === 'tex') return 'latex';
  if (languageId === 'typst') return 'typst';
  if (languageId === 'markdown' || languageId === 'quarto' || languageId === 'rmd') return 'markdown';
  return undefined;
}

function besides(file: vscode.Uri, relative: string): vscode.Uri {
  return path.isAbsolute(relative) ? file.with({ path: relative }) : vscode.Uri.joinPath(file, '..', relative);
}

/**
 * The text of a file: its open buffer (saved or not), else the disk; undefined when it does not exist. Only a
 * regular file of at most `maxBytes` is read (src/sources/regularFile.ts); anything else rejects with a message
 * that names the file.
 */
export async function readText(uri: vscode.Uri, maxBytes = maxFileBytes(undefined)): Promise<string | undefined> {
  const open = openDocument(uri);
  if (open) {
    const text = open.getText();
    if (text.length > maxBytes) throw tooBigError(uri.path, text.length, maxBytes);
    return text;
  }
  try {
    return new TextDecoder().decode(uri.scheme === 'file' ? await readRegularFile(uri.fsPath, { maxBytes }) : await readWholeFile(uri, maxBytes));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
}

function isNotFound(error: unknown): boolean {
  return (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') || (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * What a file is now, cheaply: its open buffer's version, else its size and modification time; undefined when
 * it does not exist. A file that is not regular gets a stamp too, so that reading it is what reports it.
 */
async function stampOf(uri: vscode.Uri): Promise<string | undefined> {
  const open = openDocument(uri);
  if (open) return `buffer ${open.version}`;
  try {
    if (uri.scheme === 'file') {
      const stats = await statRegularFile(uri.fsPath).catch((error: unknown) => (isNotFound(error) ? Promise.reject(error) : undefined));
      return stats ? `file ${stats.size} ${stats.mtimeMs}` : 'not a regular file';
    }
    const stat = await vscode.workspace.fs.stat(uri);
    return `file ${stat.size} ${stat.mtime}`;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
