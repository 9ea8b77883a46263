import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { IndexFileV1 } from '../../src/papers/paper';
import {
  ARXIV_ID_PATTERN,
  BUNDLED_INDEX_NAME,
  MAX_TITLE_LENGTH,
  SeedFormatError,
  buildIndex,
  parseMetadata,
  parseTrendingPage,
  restoreTimesSigns,
  serializeIndex,
} from '../../scripts/seedPage';
import { MAX_SLUG_LENGTH, foldTitle, slugify } from '../../src/papers/slug';

const repoRoot = path.resolve(__dirname, '..', '..');
const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'seed');
const realSeedDir = path.resolve(repoRoot, '..', 'shared', 'seed');
const papersJsonPath = path.join(repoRoot, 'data', 'papers.json');
const schemaPath = path.join(repoRoot, 'data', 'paper-index.schema.json');

function readText(file: string): string {
  return readFileSync(file, 'utf8');
}

/** A paragraph long enough to be taken for an abstract. */
function abstractText(label: string): string {
  return `${label} `.repeat(Math.ceil((MAX_TITLE_LENGTH + 1) / (label.length + 1))).trim();
}

function fixtureImport() {
  const seedPapers = parseTrendingPage(readText(path.join(fixtureDir, 'hf-trending-papers.txt')));
  const metadata = parseMetadata(JSON.parse(readText(path.join(fixtureDir, 'metadata.json'))));
  return buildIndex(seedPapers, metadata, BUNDLED_INDEX_NAME);
}

describe('slugify', () => {
  it('lower-cases and joins words with single dashes', () => {
    assert.equal(slugify('Pointer Networks'), 'pointer-networks');
    assert.equal(slugify('  Graph   Mamba  '), 'graph-mamba');
  });

  it('folds accents to ASCII', () => {
    assert.equal(slugify('Café Über Naïve Señor'), 'cafe-uber-naive-senor');
  });

  it('collapses punctuation and trims dashes at both ends', () => {
    assert.equal(slugify('MgNO: Efficient Parameterization'), 'mgno-efficient-parameterization');
    assert.equal(slugify('What learning algorithm is in-context learning?'), 'what-learning-algorithm-is-in-context-learning');
    assert.equal(slugify('--"Quoted" (title) & more!--'), 'quoted-title-more');
  });

  it('returns an empty slug for a title without ASCII letters or digits', () => {
    assert.equal(slugify('—?!'), '');
  });

  it('cuts long titles at the last word boundary within the limit', () => {
    const title =
      'SortedNet, a Place for Every Network and Every Network in its Place: Towards a Generalized Solution for Training Many-in-One Neural Networks';
    const slug = slugify(title);
    assert.equal(slug, 'sortednet-a-place-for-every-network-and-every-network-in-its-place-towards-a');
    assert.ok(slug.length <= MAX_SLUG_LENGTH);
  });

  it('keeps a slug of exactly the limit, and cuts a single over-long word mid-word', () => {
    const exact = `${'a'.repeat(MAX_SLUG_LENGTH - 2)} b`;
    assert.equal(slugify(exact), `${'a'.repeat(MAX_SLUG_LENGTH - 2)}-b`);
    assert.equal(slugify(`${exact} c`), `${'a'.repeat(MAX_SLUG_LENGTH - 2)}-b`);
    assert.equal(slugify('x'.repeat(MAX_SLUG_LENGTH + 20)), 'x'.repeat(MAX_SLUG_LENGTH));
  });

  it('foldTitle ignores case, accents, punctuation and spacing', () => {
    assert.equal(foldTitle('Café  Attention: Über Napkins'), foldTitle('cafe attention - uber napkins'));
  });
});

describe('parseTrendingPage', () => {
  it('finds the fixture papers and skips the boilerplate before them', () => {
    const papers = parseTrendingPage(readText(path.join(fixtureDir, 'hf-trending-papers.txt')));
    assert.deepEqual(
      papers.map((paper) => [paper.title, paper.line]),
      [
        ['A Toy Model of Delayed Copying', 11],
        ['Café Attention: Über Napkins', 15],
        ['Papers Without Metadata', 19],
      ],
    );
    assert.deepEqual(
      papers.map((paper) => paper.abstract.slice(0, 30)),
      ['We study a toy model of sequen', 'Attention layers are usually d', 'Third and last paper of the fi'],
    );
    assert.ok(papers[2].abstract.endsWith('as the real saved page does.'));
  });

  it('trims and normalises whitespace in titles and abstracts', () => {
    const papers = parseTrendingPage(readText(path.join(fixtureDir, 'hf-trending-papers.txt')));
    for (const paper of papers) {
      assert.equal(paper.title, paper.title.replace(/\s+/g, ' ').trim());
      assert.equal(paper.abstract, paper.abstract.replace(/\s+/g, ' ').trim());
    }
    assert.ok(papers[0].abstract.includes('after a delay. The model is deliberately simple'));
  });

  it('accepts CRLF line endings, whitespace-only blank lines and an abstract wrapped over several lines', () => {
    const page = `Subscribe\r\n \r\nFirst Title\r\n\r\n${abstractText('one')}\r\n\t\r\nSecond Title\n\nwrapped\n${abstractText('two')}\n`;
    assert.deepEqual(
      parseTrendingPage(page).map((paper) => [paper.title, paper.abstract.slice(0, 11)]),
      [
        ['First Title', 'one one one'],
        ['Second Title', 'wrapped two'],
      ],
    );
  });

  it('gives back the times signs the saved page lost from arXiv\'s math ("60times" was $60\\times$)', () => {
    assert.equal(restoreTimesSigns('while performing generation 60times faster (iii)'), 'while performing generation 60$\\times$ faster (iii)');
    assert.equal(restoreTimesSigns('a lower loss with 1.37times/1.24times faster'), 'a lower loss with 1.37$\\times$/1.24$\\times$ faster');
    assert.equal(restoreTimesSigns('sometimes 3 times, at times'), 'sometimes 3 times, at times');
  });

  it('fails with the line number when a title has no abstract after it', () => {
    const page = `Subscribe\n\nFirst Title\n\n${abstractText('one')}\n\nSecond Title\n\nThird Title\n\n${abstractText('three')}`;
    assert.throws(
      () => parseTrendingPage(page),
      (error: unknown) => error instanceof SeedFormatError && error.line === 9 && /line 9: expected the abstract of "Second Title"/.test(error.message),
    );
  });

  it('fails when the page ends on a title', () => {
    const page = `First Title\n\n${abstractText('one')}\n\nDangling Title\n`;
    assert.throws(() => parseTrendingPage(page), /line 5: the title "Dangling Title" is not followed by an abstract/);
  });

  it('fails when two abstracts follow each other', () => {
    const page = `First Title\n\n${abstractText('one')}\n\n${abstractText('two')}\n`;
    assert.throws(() => parseTrendingPage(page), /line 5: expected a title/);
  });

  it('fails when a title and its abstract are not separated by a blank line', () => {
    const page = `First Title\n\n${abstractText('one')}\n\nSecond Title\nsecond line\n\n${abstractText('two')}\n`;
    assert.throws(() => parseTrendingPage(page), /line 5: expected a one-line title/);
  });

  it('fails when the page has no abstract at all', () => {
    assert.throws(() => parseTrendingPage('new\n\nSubscribe\n'), /line 1: no paper found/);
  });
});

describe('parseMetadata and buildIndex', () => {
  it('fills only the fields that the metadata has, in the index key order', () => {
    const { index } = fixtureImport();
    assert.deepEqual(
      index.papers.map((paper) => Object.keys(paper)),
      [
        ['id', 'title', 'authors', 'year', 'arxivId', 'url', 'abstract'],
        ['id', 'title', 'authors', 'year', 'venue', 'arxivId', 'doi', 'url', 'abstract'],
        ['id', 'title', 'abstract'],
      ],
    );
    const [copying, cafe] = index.papers;
    assert.deepEqual(copying.authors, ['Ada Example', 'Ben Placeholder']);
    assert.equal(copying.year, 2024);
    assert.equal(copying.url, 'https://arxiv.org/abs/2401.01234');
    assert.equal(cafe.id, 'cafe-attention-uber-napkins');
    assert.equal(cafe.title, 'Café Attention: Über Napkins', 'the page title wins over the metadata title');
    assert.equal(cafe.venue, 'Journal of Invented Results');
    assert.equal(cafe.doi, '10.1234/fixture.5678');
    assert.equal(cafe.url, 'https://arxiv.org/abs/hep-th/9901001v2');
  });

  it('never copies research notes or null values', () => {
    const text = serializeIndex(fixtureImport().index);
    for (const absent of ['sources', 'confidence', 'note', 'null', 'example.org']) {
      assert.ok(!text.includes(absent), absent);
    }
  });

  it('reports papers without metadata and metadata without a paper', () => {
    const { papersWithoutMetadata, unmatchedMetadata } = fixtureImport();
    assert.deepEqual(papersWithoutMetadata, ['Papers Without Metadata']);
    assert.deepEqual(unmatchedMetadata, ['A Paper That Is Not On The Page']);
  });

  it('serialises deterministically with a 2-space indent and a trailing newline', () => {
    const first = serializeIndex(fixtureImport().index);
    assert.equal(serializeIndex(fixtureImport().index), first);
    assert.ok(first.startsWith('{\n  "version": 1,\n  "name": "Hugging Face trending papers (bundled)",\n  "papers": ['));
    assert.ok(first.endsWith('}\n') && !first.endsWith('\n\n'));
  });

  it('rejects metadata values of the wrong type', () => {
    assert.throws(() => parseMetadata([{ title: 'T', year: '2020' }]), /metadata entry 0 \("T"\): "year" must be a four-digit integer/);
    assert.throws(() => parseMetadata([{ title: 'T', year: 23 }]), /"year" must be a four-digit integer/);
    assert.throws(() => parseMetadata([{ title: 'T', authors: [] }]), /"authors" must be a non-empty array/);
    assert.throws(() => parseMetadata([{ title: 'T', arxivId: 'arXiv:2302.11556' }]), /"arxivId" must be an arXiv id/);
    assert.throws(() => parseMetadata([{ title: 'T', doi: 'https://doi.org/10.1/x' }]), /"doi" must be a DOI/);
    assert.throws(() => parseMetadata([{ authors: ['A'] }]), /metadata entry 0: expected an object with a non-empty "title"/);
    assert.throws(() => parseMetadata({}), /must be a JSON array/);
  });

  it('fails on two metadata entries for the same title', () => {
    const metadata = parseMetadata([{ title: 'Pointer Networks' }, { title: 'pointer networks!' }]);
    assert.throws(() => buildIndex([], metadata, 'x'), /two metadata entries have the same title/);
  });

  it('fails when two titles give the same id, naming both', () => {
    const seedPapers = [
      { title: 'Pointer Networks', abstract: 'a', line: 3 },
      { title: 'Pointer networks?', abstract: 'b', line: 7 },
    ];
    assert.throws(
      () => buildIndex(seedPapers, [], 'x'),
      /line 7: the title "Pointer networks\?" has the id "pointer-networks", already taken by "Pointer Networks" \(line 3\)/,
    );
  });

  it('fails when a title gives an empty id', () => {
    assert.throws(() => buildIndex([{ title: '—?!', abstract: 'a', line: 2 }], [], 'x'), /line 2: .*no ASCII letters or digits/);
  });
});

describe('scripts/import-seed.ts', () => {
  it('writes the same bytes on every run and reports unmatched titles', function () {
    const outDir = mkdtempSync(path.join(tmpdir(), 'import-seed-'));
    try {
      const outFile = path.join(outDir, 'papers.json');
      const run = () =>
        execFileSync(process.execPath, ['--import', 'tsx', 'scripts/import-seed.ts', '--seed', fixtureDir, '--out', outFile], {
          cwd: repoRoot,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      assert.match(run(), /Parsed 3 papers/);
      const first = readText(outFile);
      run();
      assert.equal(readText(outFile), first);
      assert.equal(first, serializeIndex(fixtureImport().index));
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe('data/papers.json (the bundled index)', () => {
  const index = JSON.parse(readText(papersJsonPath)) as IndexFileV1;

  it('is version 1 with the bundled name and 46 papers', () => {
    assert.equal(index.version, 1);
    assert.equal(index.name, BUNDLED_INDEX_NAME);
    assert.equal(index.papers.length, 46);
  });

  it('has unique, non-empty slug ids', () => {
    const ids = index.papers.map((paper) => paper.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const paper of index.papers) {
      assert.equal(paper.id, slugify(paper.title));
      assert.ok(paper.id.length > 0);
    }
  });

  it('gives every paper a title and an abstract', () => {
    for (const paper of index.papers) {
      assert.ok(paper.title.trim().length > 0, paper.id);
      assert.ok(paper.abstract.trim().length > MAX_TITLE_LENGTH, paper.id);
    }
  });

  it('gives authors to every paper that has metadata, and a url only from its arXiv id', () => {
    for (const paper of index.papers) {
      const hasMetadata = [paper.year, paper.venue, paper.arxivId, paper.doi].some((value) => value !== undefined);
      if (hasMetadata) {
        assert.ok(paper.authors !== undefined && paper.authors.length > 0, paper.id);
      }
      assert.equal(paper.url, paper.arxivId === undefined ? undefined : `https://arxiv.org/abs/${paper.arxivId}`);
    }
  });

  it('matches the schema patterns', () => {
    const schema = JSON.parse(readText(schemaPath));
    const paperSchema = schema.$defs.paper;
    assert.equal(new RegExp(paperSchema.properties.arxivId.pattern).source, ARXIV_ID_PATTERN.source);
    const doiPattern = new RegExp(paperSchema.properties.doi.pattern);
    const schemaYear = paperSchema.properties.year;
    const allowedKeys = new Set(Object.keys(paperSchema.properties));
    for (const paper of index.papers) {
      assert.ok(Object.keys(paper).every((key) => allowedKeys.has(key)), paper.id);
      if (paper.arxivId !== undefined) {
        assert.match(paper.arxivId, ARXIV_ID_PATTERN);
      }
      if (paper.doi !== undefined) {
        assert.match(paper.doi, doiPattern);
      }
      if (paper.year !== undefined) {
        assert.ok(Number.isInteger(paper.year) && paper.year >= schemaYear.minimum && paper.year <= schemaYear.maximum, paper.id);
      }
    }
    assert.deepEqual(Object.keys(index), ['version', 'name', 'papers']);
  });

  it('is what the importer builds from the seed page and metadata', function () {
    const pagePath = path.join(realSeedDir, 'hf-trending-papers.txt');
    if (!existsSync(pagePath)) {
      this.skip();
    }
    const metadataPath = path.join(realSeedDir, 'metadata.json');
    const metadata = existsSync(metadataPath) ? parseMetadata(JSON.parse(readText(metadataPath))) : [];
    const built = buildIndex(parseTrendingPage(readText(pagePath)), metadata, BUNDLED_INDEX_NAME);
    assert.equal(serializeIndex(built.index), readText(papersJsonPath));
  });
});
