/**
 * What the Sources view and the Problems panel show about a loaded catalog: each source with its paper count, how
 * long reading it took and its own problems, worst first, and the severity the whole load deserves; and the words
 * for them. Pure: no `vscode` import.
 *
 * Invariant: every problem of the catalog appears exactly once, under the source whose location is its file;
 * a problem whose file is no source's (a duplicate id found while merging names the later file, which is a
 * source, but be safe) goes under a source of its own named after the file.
 */
import * as path from 'node:path';
import type { SourceReading, SourceSummary } from './catalog';
import type { IndexProblem } from '../sources/parseIndex';

export type Severity = 'error' | 'warning' | 'ok';

export interface SourceReport {
  readonly name: string;
  readonly location: string;
  readonly paperCount: number;
  /** How its papers were had; absent for a file with problems that is no source, and where no read was timed. */
  readonly reading?: SourceReading;
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
  const reports: SourceReport[] = sources.map((source) => report(source.name, source.location, source.paperCount, byFile.get(source.location) ?? [], source.reading));
  const known = new Set(sources.map((source) => source.location));
  for (const [file, fileProblems] of byFile) {
    if (!known.has(file)) reports.push(report(path.basename(file), file, 0, fileProblems));
  }
  return reports;
}

/** What a source's row says after its name: "1,204 papers · 38 ms · 2 problems", "46 papers · from cache". */
export function sourceDescription(report: SourceReport): string {
  const problems = report.problems.length;
  return [
    countOf(report.paperCount, 'paper'),
    ...(report.reading ? [readingLabel(report.reading)] : []),
    ...(problems > 0 ? [countOf(problems, 'problem')] : []),
  ].join(' · ');
}

/** A reading in a few words: "38 ms", "2.1 s", "from cache". */
export function readingLabel(reading: SourceReading): string {
  return reading.in === 'cache' ? 'from cache' : formatMs(reading.ms);
}

/** A reading as a sentence, saying where the source was read: "Read in 2.1 s by the background worker that builds big catalogs." */
export function readingSentence(reading: SourceReading): string {
  if (reading.in === 'cache') return 'Read from the index cache, with the other cached sources.';
  return `Read in ${formatMs(reading.ms)} by ${reading.in === 'host' ? 'the extension host' : 'the background worker that builds big catalogs'}.`;
}

/** A duration for people: "38 ms" under a second, "2.1 s" from one on. */
export function formatMs(ms: number): string {
  return Math.round(ms) >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function countOf(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** The severity of a whole load: what the status bar shows and what kind of notification it gets. */
export function loadSeverity(problems: readonly IndexProblem[]): Severity {
  if (problems.some((problem) => problem.severity === 'error')) return 'error';
  return problems.length > 0 ? 'warning' : 'ok';
}

function report(name: string, location: string, paperCount: number, problems: readonly IndexProblem[], reading?: SourceReading): SourceReport {
  const sorted = [...problems].sort(
    (a, b) => rank(a.severity) - rank(b.severity) || a.line - b.line || a.column - b.column,
  );
  return { name, location, paperCount, ...(reading && { reading }), problems: sorted, severity: loadSeverity(sorted) };
}

function rank(severity: IndexProblem['severity']): number {
  return severity === 'error' ? 0 : 1;
}
