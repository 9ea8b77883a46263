/**
 * Citation diagnostics: every key a Markdown, Quarto, LaTeX or Typst document cites is checked against the document's
 * bibliography (../citation/citationCheck.ts), so a citation never lacks its entry without the user seeing it.
 * A key of ours missing from the .bib is a warning with quick fixes "Add "key" to references.bib" and "Add all N
 * missing citations to references.bib", naming the document's .bib; a key found nowhere is a warning "unknown
 * citation key". Checked when a document opens, as it is
 * typed (debounced), when a .bib changes and when the papers reload.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkCitations, type CitationFinding } from '../citation/citationCheck';
import { citedKeysIn } from '../citation/citationContext';
import { plainLine } from '../shared/untrustedText';
import type { PaperLibrary } from './paperLibrary';
import { bibliographyLanguage } from './bibliographies';
import type { BibliographyEntries } from './citationProviders';
import { CITATION_LANGUAGES } from './contributionIds';
import type { AddToBibliographyArgs } from './commands';

const DIAGNOSTIC_SOURCE = 'Paper Lookup';
const MISSING_ENTRY = 'missing-entry';
/** Typing pauses this long before a document is checked again. */
const CHECK_DELAY_MS = 400;
export const ADD_MISSING_COMMAND = 'paperLookup.addMissingToBibliography';

interface FindingDiagnostic {
  readonly diagnostic: vscode.Diagnostic;
  readonly finding: CitationFinding;
}

export class CitationDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('paperLookup.citations');
  /** Per document, the findings behind its diagnostics and the name of the .bib they are about, for the quick fixes. */
  private readonly findings = new Map<string, { readonly bibName: string; readonly entries: readonly FindingDiagnostic[] }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Per document, a counter: a check that finishes after a newer one started is dropped. */
  private readonly generations = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(
    private readonly library: PaperLibrary,
    private readonly bibliographyEntries: BibliographyEntries,
  ) {
    // Hayagriva YAML too: a Typst document's bibliography may be one.
    const bibWatcher = vscode.workspace.createFileSystemWatcher('**/*.{bib,yml,yaml}');
    const recheckAll = (): void => {
      for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
    };
    this.disposables.push(
      bibWatcher,
      bibWatcher.onDidChange(recheckAll),
      bibWatcher.onDidCreate(recheckAll),
      bibWatcher.onDidDelete(recheckAll),
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument(({ document }) => (document.languageId === 'bibtex' || /\.(?:bib|ya?ml)$/i.test(document.uri.path) ? recheckAll() : this.schedule(document, CHECK_DELAY_MS))),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      library.onDidChange(recheckAll),
      vscode.languages.registerCodeActionsProvider(CITATION_LANGUAGES, this, { providedCodeActionKinds: CitationDiagnostics.providedCodeActionKinds }),
      vscode.commands.registerCommand(ADD_MISSING_COMMAND, (documentUri?: string) => this.addAllMissing(documentUri)),
    );
    recheckAll();
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!bibliographyLanguage(document.languageId)) return;
    const uri = document.uri.toString();
    clearTimeout(this.timers.get(uri));
    this.timers.set(uri, setTimeout(() => void this.check(document), delayMs));
  }

  /** Checks the document now; resolves when its diagnostics are up to date. */
  async check(document: vscode.TextDocument): Promise<void> {
    const language = bibliographyLanguage(document.languageId);
    if (!language || document.isClosed) return;
    const uri = document.uri.toString();
    const generation = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, generation);
    const cited = citedKeysIn(document.getText(), language);
    const bibliography = cited.length > 0 ? await this.bibliographyEntries.of(document) : undefined;
    if (this.generations.get(uri) !== generation || document.isClosed) return;
    const keys = new Set(bibliography?.entries.map((entry) => entry.key));
    if (!bibliography?.target || cited.every(({ key }) => keys.has(key))) {
      // Nothing to look up among our papers: the catalog is not loaded for this (opening a document stays cheap).
      this.set(document.uri, '', []);
      return;
    }
    const catalog = await this.library.catalog();
    if (this.generations.get(uri) !== generation || document.isClosed) return;
    const bibName = path.basename(bibliography.target.uri.path);
    const findings = checkCitations({
      cited,
      inBibliography: (key) => keys.has(key),
      paperIdForKey: (key) => catalog.getByKey(key)?.id,
      reportUnknown: !bibliography.target.undeclared,
    });
    this.set(
      document.uri,
      bibName,
      findings.map((finding) => {
        const range = new vscode.Range(document.positionAt(finding.cited.range.start), document.positionAt(finding.cited.range.end));
        const message = finding.kind === MISSING_ENTRY
          ? `"${finding.cited.key}" has no entry in ${bibName}: the citation will not resolve. Use the quick fix to add it.`
          : `Unknown citation key "${finding.cited.key}": it is neither in ${bibName} nor among the loaded papers.`;
        // The key and the .bib's name are the document's text: on one line, with no bidi control to reorder the message.
        const diagnostic = new vscode.Diagnostic(range, plainLine(message), vscode.DiagnosticSeverity.Warning);
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = finding.kind;
        return { diagnostic, finding };
      }),
    );
  }

  private set(uri: vscode.Uri, bibName: string, entries: readonly FindingDiagnostic[]): void {
    this.findings.set(uri.toString(), { bibName, entries });
    this.collection.set(uri, entries.map(({ diagnostic }) => diagnostic));
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.findings.delete(key);
    this.generations.delete(key);
    this.collection.delete(uri);
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const { bibName, entries } = this.findings.get(document.uri.toString()) ?? { bibName: '', entries: [] };
    const missing = entries.filter(({ finding }) => finding.kind === MISSING_ENTRY);
    const actions: vscode.CodeAction[] = [];
    for (const { diagnostic, finding } of missing) {
      if (finding.kind !== MISSING_ENTRY || !diagnostic.range.intersection(range)) continue;
      const action = new vscode.CodeAction(plainLine(`Add "${finding.cited.key}" to ${bibName}`), vscode.CodeActionKind.QuickFix);
      const args: AddToBibliographyArgs = { paperId: finding.paperId, documentUri: document.uri.toString(), key: finding.cited.key };
      action.command = { title: action.title, command: 'paperLookup.addToBibliography', arguments: [args] };
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      actions.push(action);
    }
    const distinct = new Set(missing.map(({ finding }) => finding.cited.key));
    if (actions.length > 0 && distinct.size > 1) {
      const all = new vscode.CodeAction(plainLine(`Add all ${distinct.size} missing citations to ${bibName}`), vscode.CodeActionKind.QuickFix);
      all.command = { title: all.title, command: ADD_MISSING_COMMAND, arguments: [document.uri.toString()] };
      all.diagnostics = missing.map(({ diagnostic }) => diagnostic);
      actions.push(all);
    }
    return actions;
  }

  /** Adds an entry for every key of ours the document cites that its .bib lacks, each once, in text order. */
  private async addAllMissing(documentUri?: string): Promise<number> {
    const document = documentUri ? vscode.workspace.textDocuments.find((open) => open.uri.toString() === documentUri) : vscode.window.activeTextEditor?.document;
    if (!document) return 0;
    await this.check(document);
    const seen = new Set<string>();
    let added = 0;
    for (const { finding } of this.findings.get(document.uri.toString())?.entries ?? []) {
      if (finding.kind !== MISSING_ENTRY || seen.has(finding.cited.key)) continue;
      seen.add(finding.cited.key);
      const args: AddToBibliographyArgs = { paperId: finding.paperId, documentUri: document.uri.toString(), key: finding.cited.key };
      if (await vscode.commands.executeCommand<string | undefined>('paperLookup.addToBibliography', args)) added++;
    }
    await this.check(document);
    return added;
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
