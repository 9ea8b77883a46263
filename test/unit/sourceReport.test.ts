import { strict as assert } from 'node:assert';
import { loadSeverity, readingSentence, sourceDescription, sourceReports } from '../../src/catalog/sourceReport';
import type { IndexProblem } from '../../src/sources/parseIndex';

const problem = (file: string, line: number, severity: IndexProblem['severity'] = 'error'): IndexProblem => ({ severity, file, line, column: 1, message: `at ${line}` });

describe('source reports (the Sources view and the Problems panel)', () => {
  it('puts each problem under its own source, errors first, then by line', () => {
    const reports = sourceReports(
      [
        { name: 'Bundled papers', location: '/ext/data/papers.json', paperCount: 46, errorCount: 0 },
        { name: 'lab.bib', location: '/w/lab.bib', paperCount: 3, errorCount: 1 },
      ],
      [problem('/w/lab.bib', 9, 'warning'), problem('/w/lab.bib', 20), problem('/w/lab.bib', 4, 'warning')],
    );
    assert.deepEqual(reports.map((report) => [report.name, report.paperCount, report.severity]), [
      ['Bundled papers', 46, 'ok'],
      ['lab.bib', 3, 'error'],
    ]);
    assert.deepEqual(reports[1].problems.map((p) => [p.severity, p.line]), [['error', 20], ['warning', 4], ['warning', 9]]);
  });

  it('never loses a problem whose file is no source', () => {
    const reports = sourceReports([], [problem('/w/gone.json', 1)]);
    assert.deepEqual(reports.map((report) => [report.name, report.location, report.paperCount, report.problems.length]), [['gone.json', '/w/gone.json', 0, 1]]);
  });

  it('calls a load with any error an error, with only warnings a warning', () => {
    assert.equal(loadSeverity([]), 'ok');
    assert.equal(loadSeverity([problem('a', 1, 'warning')]), 'warning');
    assert.equal(loadSeverity([problem('a', 1, 'warning'), problem('b', 2)]), 'error');
  });

  it("says on each source's row how long reading it took, or that it came from the cache", () => {
    const reports = sourceReports(
      [
        { name: 'Bundled papers', location: '/ext/data/papers.json', paperCount: 46, errorCount: 0, reading: { in: 'host', ms: 3.4 } },
        { name: 'arxiv.jsonl', location: '/w/arxiv.jsonl', paperCount: 1204, errorCount: 0, reading: { in: 'worker', ms: 2140 } },
        { name: 'lab.bib', location: '/w/lab.bib', paperCount: 1, errorCount: 1, reading: { in: 'cache' } },
        { name: 'cli.json', location: '/w/cli.json', paperCount: 2, errorCount: 0 },
      ],
      [problem('/w/lab.bib', 9), problem('/w/lab.bib', 12, 'warning')],
    );
    assert.deepEqual(reports.map(sourceDescription), ['46 papers · 3 ms', '1,204 papers · 2.1 s', '1 paper · from cache · 2 problems', '2 papers']);
    assert.deepEqual(
      reports.flatMap((report) => (report.reading ? [readingSentence(report.reading)] : [])),
      [
        'Read in 3 ms by the extension host.',
        'Read in 2.1 s by the background worker that builds big catalogs.',
        'Read from the index cache, with the other cached sources.',
      ],
    );
  });
});
