import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  decodeLatexAccents,
  MAX_REPORTED_PROBLEMS,
  parseArxivJsonl,
  readArxivJsonl,
  recordToPaper,
  splitAuthors,
  type LineProblem,
} from '../../src/sources/jsonlSource';
import type { Paper } from '../../src/papers/paper';

const sources = path.join(__dirname, '..', 'fixtures', 'sources');
const sampleFile = path.join(sources, 'arxiv-snapshot-sample.jsonl');
const sample = readFileSync(sampleFile);

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

async function* once(text: string): AsyncGenerator<string> {
  yield text;
}

describe('arXiv JSON Lines sources', () => {
  it('maps a snapshot record to a paper', async () => {
    const { papers } = await parseArxivJsonl(chunksOf(sample, 1 << 16), sampleFile);
    assert.deepEqual(papers[0], {
      id: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: 'A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at hadron colliders.',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      year: 2007,
      arxivId: '0704.0001',
      arxivCategory: 'hep-ph',
      doi: '10.1103/PhysRevD.76.013009',
      url: 'https://arxiv.org/abs/0704.0001',
      venue: 'Phys.Rev.D76:013009,2007',
    });
  });

  it('takes the first of the categories, the primary one, as the arXiv category', async () => {
    const { papers } = await parseArxivJsonl(chunksOf(sample, 1 << 16), sampleFile);
    assert.deepEqual(papers.map((paper) => paper.arxivCategory), ['hep-ph', 'math.CO', 'hep-th', undefined, 'cs.LG']);
    const line = (categories: unknown): unknown => recordToPaper(JSON.stringify({ id: '2101.00001', title: 'T', categories }));
    assert.equal((line('  stat.ML   cs.LG ') as Paper).arxivCategory, 'stat.ML');
    for (const notOne of ['', '{cs.LG}', 42, null]) assert.equal((line(notOne) as Paper).arxivCategory, undefined, JSON.stringify(notOne));
  });

  it('reads every good line and reports each bad one with its line number', async () => {
    const { papers, problems } = await parseArxivJsonl(chunksOf(sample, 1 << 16), sampleFile);
    assert.deepEqual(papers.map((paper) => paper.id), ['0704.0001', '0704.0002', 'hep-th/9901001', '0704.0005', '2403.12345']);
    assert.deepEqual(
      problems.map(({ line, severity, file }) => ({ line, severity, file })),
      [5, 6, 8, 9].map((line) => ({ line, severity: 'error', file: sampleFile })),
    );
    assert.match(problems[0].message, /^Invalid JSON/);
    assert.match(problems[1].message, /"0704\.0004" has no title/);
    assert.match(problems[2].message, /Duplicate id "0704\.0002"/);
    assert.match(problems[3].message, /one JSON object per line/);
  });

  it('gives the same result however the bytes are chunked, even inside a multi-byte character', async () => {
    const whole = await parseArxivJsonl(chunksOf(sample, sample.byteLength), sampleFile);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      assert.deepEqual(await parseArxivJsonl(chunksOf(sample, size), sampleFile), whole, `chunks of ${size} bytes`);
    }
    assert.deepEqual(await parseArxivJsonl(once(sample.toString('utf8')), sampleFile), whole, 'one string');
  });

  it('takes a byte-order mark, CRLF line ends and a last line without a newline', async () => {
    const file = path.join(sources, 'arxiv-crlf-bom.jsonl');
    const { papers, problems } = await parseArxivJsonl(chunksOf(readFileSync(file), 5), file);
    assert.deepEqual(problems, []);
    assert.deepEqual(papers.map((paper) => paper.id), ['0704.0001', '0704.0002', 'hep-th/9901001']);
  });

  it('yields batches as the chunks arrive, with the lines read so far', async () => {
    let pulled = 0;
    async function* counting(): AsyncGenerator<string> {
      for (const line of sample.toString('utf8').split(/(?<=\n)/)) {
        pulled++;
        yield line;
      }
    }
    const seen: { lines: number; pulled: number }[] = [];
    for await (const batch of readArxivJsonl(counting(), sampleFile)) seen.push({ lines: batch.lines, pulled });
    assert.equal(seen[0].pulled, 1, 'the first batch comes after the first chunk, not after the whole file');
    assert.deepEqual(seen.map((batch) => batch.lines), [...seen.map((batch) => batch.lines)].sort((a, b) => a - b));
    assert.equal(seen[seen.length - 1].lines, 10);
  });

  it(`lists at most ${MAX_REPORTED_PROBLEMS} problems and counts the rest`, async () => {
    const text = 'not json\n'.repeat(MAX_REPORTED_PROBLEMS + 5);
    const { problems } = await parseArxivJsonl(once(text), 'bad.jsonl');
    assert.equal(problems.length, MAX_REPORTED_PROBLEMS + 1);
    assert.match(problems[MAX_REPORTED_PROBLEMS].message, /and 5 more problems/);
  });

  it('takes the year from the first version, else the id, else update_date', () => {
    const year = (record: object): number | undefined => (recordToPaper(JSON.stringify({ title: 'T', ...record })) as { year?: number }).year;
    assert.equal(year({ id: '0704.0001', versions: [{ created: 'Mon, 2 Apr 2007 19:18:42 GMT' }], update_date: '2010-01-01' }), 2007);
    assert.equal(year({ id: '1912.00001', update_date: '2021-01-01' }), 2019);
    assert.equal(year({ id: 'math.GT/9801001' }), 1998);
    assert.equal(year({ id: 'local-1', update_date: '2015-06-30' }), 2015);
    assert.equal(year({ id: 'local-2' }), undefined);
  });

  it('reports a record without an id', () => {
    assert.match((recordToPaper('{"title": "T"}') as LineProblem).message, /Missing "id"/);
    assert.match((recordToPaper('{"id": 704.0001, "title": "T"}') as LineProblem).message, /must be strings/);
  });

  it('splits author lists at commas and "and", dropping affiliations and "et al."', () => {
    assert.deepEqual(splitAuthors('A. One, B. Two and C. Three'), ['A. One', 'B. Two', 'C. Three']);
    assert.deepEqual(splitAuthors('A. One (MIT, Cambridge), B. Two (ETH), and C. Three et al.'), ['A. One', 'B. Two', 'C. Three et al.']);
    assert.deepEqual(splitAuthors('A. One, B. Two, et al'), ['A. One', 'B. Two']);
    assert.deepEqual(splitAuthors('Alexander Anderson and Sandra Band'), ['Alexander Anderson', 'Sandra Band']);
    assert.deepEqual(splitAuthors('ATLAS Collaboration'), ['ATLAS Collaboration']);
  });

  it('does not split a name at a wrapped line, and drops nested affiliations', () => {
    assert.deepEqual(splitAuthors('Luisa M. Rebull, Nicholas\n  Chapman, Neal J. Evans II'), ['Luisa M. Rebull', 'Nicholas Chapman', 'Neal J. Evans II']);
    assert.deepEqual(splitAuthors('Arthur Jaffe (1) and Gordon Ritter (1) ((1) Harvard University)'), ['Arthur Jaffe', 'Gordon Ritter']);
    assert.deepEqual(
      splitAuthors('A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, Japan\n  Science and Technology Agency, (2) Russian Research Centre)'),
      ['A. S. Mishchenko', 'N. Nagaosa'],
    );
    assert.deepEqual(splitAuthors('D. R.\n  Yakovlev (1), A. D. Wieck (3), and M. Bayer (1)'), ['D. R. Yakovlev', 'A. D. Wieck', 'M. Bayer']);
  });

  it('prefers authors_parsed, arXiv\'s own split, to the authors string', () => {
    const paper = recordToPaper(JSON.stringify({
      id: '0704.0001',
      title: 'T',
      authors: 'C. Bal\\\'azs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan',
      authors_parsed: [['Balázs', 'C.', ''], ['Berger', 'E. L.', ''], ['Evans', 'Neal J.', 'II'], ['Yuan', 'C. -P.', '', 'Michigan State U.']],
    })) as Paper;
    assert.deepEqual(paper.authors, ['C. Balázs', 'E. L. Berger', 'Neal J. Evans II', 'C.-P. Yuan']);
    const withoutParsed = recordToPaper(JSON.stringify({ id: '1', title: 'T', authors: 'A. One and B. Two', authors_parsed: [] })) as Paper;
    assert.deepEqual(withoutParsed.authors, ['A. One', 'B. Two']);
  });

  // 200 real records: the first lines of Kaggle's arXiv metadata snapshot (see test/fixtures/sources/README.md).
  describe('on 200 real snapshot records', () => {
    const snapshotFile = path.join(sources, 'arxiv-snapshot-2007-04.jsonl');
    const records = readFileSync(snapshotFile, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { id: string; authors: string; authors_parsed: string[][] });

    it('loads every record, with authors', async () => {
      const { papers, problems } = await parseArxivJsonl(chunksOf(readFileSync(snapshotFile), 1 << 14), snapshotFile);
      assert.deepEqual(problems, []);
      assert.equal(papers.length, 200);
      for (const paper of papers) {
        assert.ok(paper.authors && paper.authors.length > 0, paper.id);
        for (const name of paper.authors) assert.doesNotMatch(name, /[()\n\\]|^and\b|\band$/, `${paper.id}: ${name}`);
      }
    });

    it('splits every authors string into the people arXiv itself found, in order', () => {
      const disagreements = records.filter((record) => {
        const names = splitAuthors(record.authors).map((name) => decodeLatexAccents(name));
        const lastNames = record.authors_parsed.map(([last]) => last);
        return names.length !== lastNames.length || lastNames.some((last, i) => !names[i].includes(last));
      });
      assert.deepEqual(disagreements.map((record) => record.id), []);
    });
  });

  it('decodes LaTeX accents into letters', () => {
    assert.equal(decodeLatexAccents("C. Bal\\'azs"), 'C. Balázs');
    assert.equal(decodeLatexAccents('Kurt G\\"odel'), 'Kurt Gödel');
    assert.equal(decodeLatexAccents("{\\'E}variste"), 'Évariste');
    assert.equal(decodeLatexAccents('{\\v C}eby{\\v s}ev'), 'Čebyšev');
    assert.equal(decodeLatexAccents('Erd\\H{o}s and \\L{}ukasiewicz and Stra\\ss e and \\o{}re'), 'Erdős and Łukasiewicz and Straße and øre');
    assert.equal(decodeLatexAccents('Fran\\c{c}ois, Fran\\c cois'), 'François, François');
    assert.equal(decodeLatexAccents("na\\\"{\\i}ve"), 'naïve');
    assert.equal(decodeLatexAccents('$\\alpha$-stable \\emph{x}'), '$\\alpha$-stable \\emph{x}');
  });
});
