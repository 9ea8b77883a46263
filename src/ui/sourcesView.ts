/**
 * The Sources view (in the Papers side bar) and the index files' diagnostics: after every load, each source
 * with its paper count, how long reading it took and its problems, a problem opening its file at its line; the same
 * problems are diagnostics on the index files, so they are in the Problems panel too. Glue over
 * ../catalog/sourceReport.ts.
 */
import * as vscode from 'vscode';
import { SOURCES_VIEW_ID } from './contributionIds';
import type { PaperCatalog } from '../catalog/catalog';
import type { IndexProblem } from '../sources/parseIndex';
import { formatMs, readingSentence, sourceDescription, sourceReports, type SourceReport } from '../catalog/sourceReport';
import { plainForLabel, plainLine } from '../shared/untrustedText';


type Node = { readonly kind: 'source'; readonly report: SourceReport } | { readonly kind: 'problem'; readonly problem: IndexProblem };

export class SourcesView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private reports: SourceReport[] = [];
  private loadMs: number | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('paperLookup.indexes');
  private readonly treeView = vscode.window.createTreeView(SOURCES_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });

  /** Shows this catalog's sources and problems; `loadMs`: how long loading it took. */
  update(catalog: PaperCatalog, loadMs?: number): void {
    this.reports = sourceReports(catalog.sources, catalog.problems);
    this.loadMs = loadMs;
    const total = catalog.size.toLocaleString('en-US');
    this.treeView.description = plainForLabel(loadMs === undefined ? `${total} papers` : `${total} papers in ${formatMs(loadMs)}`);
    this.changeEmitter.fire(undefined);
    this.diagnostics.clear();
    for (const report of this.reports) {
      if (report.problems.length === 0) continue;
      const uri = uriOf(report.location);
      if (uri) this.diagnostics.set(uri, report.problems.map(toDiagnostic));
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'source') {
      const { report } = node;
      const item = new vscode.TreeItem(plainForLabel(report.name), report.problems.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
      item.description = plainForLabel(sourceDescription(report));
      // What a screen reader says: the name, the counts and the reading time (with a file behind it, VS Code would read the path).
      item.accessibilityInformation = { label: plainForLabel(`${report.name}, ${item.description}`) };
      item.tooltip = [
        plainLine(report.location),
        ...(report.reading ? [readingSentence(report.reading)] : []),
        ...(this.loadMs === undefined ? [] : [`The whole load, merging and indexing included, took ${formatMs(this.loadMs)}.`]),
      ].join('\n');
      item.iconPath = new vscode.ThemeIcon(
        report.severity === 'error' ? 'error' : report.severity === 'warning' ? 'warning' : 'book',
        report.severity === 'error' ? new vscode.ThemeColor('problemsErrorIcon.foreground') : report.severity === 'warning' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined,
      );
      const uri = uriOf(report.location);
      if (uri) {
        item.resourceUri = uri;
        item.command = { command: 'vscode.open', title: 'Open Index File', arguments: [uri] };
      }
      item.contextValue = 'paperLookup.source';
      return item;
    }
    const { problem } = node;
    const item = new vscode.TreeItem(plainForLabel(problem.message), vscode.TreeItemCollapsibleState.None);
    item.description = plainForLabel(`line ${problem.line}, column ${problem.column}`);
    item.tooltip = `${plainLine(`${problem.file}:${problem.line}:${problem.column}`)}\n${plainLine(problem.message)}`;
    item.iconPath = new vscode.ThemeIcon(problem.severity === 'error' ? 'error' : 'warning');
    const uri = uriOf(problem.file);
    if (uri) {
      const at = new vscode.Position(problem.line - 1, problem.column - 1);
      item.command = { command: 'vscode.open', title: 'Go to Problem', arguments: [uri, { selection: new vscode.Range(at, at) } satisfies vscode.TextDocumentShowOptions] };
    }
    return item;
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.reports.map((report) => ({ kind: 'source', report }));
    return node.kind === 'source' ? node.report.problems.map((problem) => ({ kind: 'problem', problem })) : [];
  }

  /** Brings the view into sight. */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${SOURCES_VIEW_ID}.focus`);
  }

  dispose(): void {
    this.treeView.dispose();
    this.diagnostics.dispose();
    this.changeEmitter.dispose();
  }
}

function toDiagnostic(problem: IndexProblem): vscode.Diagnostic {
  const at = new vscode.Position(Math.max(0, problem.line - 1), Math.max(0, problem.column - 1));
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(at, at),
    plainLine(problem.message),
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = 'Paper Lookup';
  return diagnostic;
}

/** A source's location as a URI: an absolute path, or a URI string (files not on disk). Undefined for a setting entry that named no file. */
function uriOf(location: string): vscode.Uri | undefined {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(location)) return vscode.Uri.parse(location);
  return location.startsWith('/') || /^[a-z]:[\\/]/i.test(location) ? vscode.Uri.file(location) : undefined;
}
