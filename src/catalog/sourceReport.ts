/**
 * What the Sources view and the Problems panel show about a loaded catalog: each source with its paper count
 * and its own problems, worst first, and the severity the whole load deserves. Pure: no `vscode` import.
 *
 * Invariant: every problem of the catalog appears exactly once, under the source whose location is its file;
 * a problem whose file is no source's (a duplicate id found while merging names the later file, which is a
 * source, but be safe) goes under a source of its own named after the file.
 */
import * as path from 'node:path';
import type { SourceSummary } from './catalog';
import type { IndexProblem } from '../sources/parseIndex';

export type Severity = 'error' | 'warning' | 'ok';

export interface SourceReport {
  readonly name: string;
  readonly location: string;
  readonly paperCount: number;
  /** The source's problems: errors first, then by line and column. */
  readonly problems: readonly IndexProblem[];
  readonly severity: Severity;
}

export function sourceReports(sources: readonly SourceSummary[], problems: readonly IndexProblem[]): SourceReport[] {
  const byFile = new Map<string, IndexProblem[]>();
  for (const problem of problems) {
    const list = byFile.get(problem.file) ?? [];
    list.push(problem);
    byFile.set(problem.file, list);
  }
  const reports: SourceReport[] = sources.map((source) => report(source.name, source.location, source.paperCount, byFile.get(source.location) ?? []));
  const known = new Set(sources.map((source) => source.location));
  for (const [file, fileProblems] of byFile) {
    if (!known.has(file)) reports.push(report(path.basename(file), file, 0, fileProblems));
  }
  return reports;
}

/** The severity of a whole load: what the status bar shows and what kind of notification it gets. */
export function loadSeverity(problems: readonly IndexProblem[]): Severity {
  if (problems.some((problem) => problem.severity === 'error')) return 'error';
  return problems.length > 0 ? 'warning' : 'ok';
}

function report(name: string, location: string, paperCount: number, problems: readonly IndexProblem[]): SourceReport {
  const sorted = [...problems].sort(
    (a, b) => rank(a.severity) - rank(b.severity) || a.line - b.line || a.column - b.column,
  );
  return { name, location, paperCount, problems: sorted, severity: loadSeverity(sorted) };
}

function rank(severity: IndexProblem['severity']): number {
  return severity === 'error' ? 0 : 1;
}
