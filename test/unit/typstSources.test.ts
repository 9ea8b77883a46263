/**
 * Papers from every source cited in a Typst document and compiled by the real Typst compiler (./typstCompiler.ts):
 * the bundled papers, a JSON index, a JSON Lines index of real arXiv records with TeX in their titles, and real .bib
 * files with accents and `@string` macros (test/fixtures/realworld, sources in its README). Each document cites every
 * paper as Insert Citation writes it, with the entries Insert Citation writes — into a .bib (the paper's own entry
 * copied whole, else one written from its fields) and into a Hayagriva .yml — and must compile without errors with
 * every title in the PDF's text.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { bibliographyEntryFor } from '../../src/bibtex/bibEntryCopy';
import { appendEntryText, parseBibEntries } from '../../src/bibtex/bibliography';
import { PaperCatalog } from '../../src/catalog/catalog';
import { toHayagrivaEntry } from '../../src/citation/hayagriva';
import { typstCitation } from '../../src/citation/typst';
import { foldToAscii } from '../../src/papers/keys';
import type { LoadedPaper } from '../../src/papers/paper';
import { latexRuns } from '../../src/shared/latexText';
import { readSourceFile } from '../../src/sources/sourceFiles';
import { compileTypst, requirePdftotext } from './typstCompiler';

const root = path.join(__dirname, '..', '..');

const SOURCES: Readonly<Record<string, readonly string[]>> = {
  'bundled papers': ['data/papers.json'],
  'a JSON index': ['test/fixtures/workspace/lab-index.json', 'test/fixtures/indexes/valid.json'],
  'a JSON Lines index (arXiv records with TeX titles)': ['test/fixtures/sources/arxiv-abs-tex-titles.jsonl'],
  '.bib files with accents and @string macros': [
    'test/fixtures/realworld/jabref-complex.bib',
    'test/fixtures/realworld/bbt-string-substitutions-154.bib',
    'test/fixtures/realworld/bbt-string-spaces-1081.bib',
    'test/fixtures/realworld/bbt-ring-above-1115.bib',
    'test/fixtures/realworld/bbt-german-title-1350.bib',
  ],
};

/** The papers of the files, with their keys, as the extension loads them. */
async function papersOf(files: readonly string[]): Promise<LoadedPaper[]> {
  const sources = await Promise.all(files.map(async (file) => (await readSourceFile(path.join(root, file), { parseBib: parseBibEntries }))!));
  for (const source of sources) assert.ok(source.papers.length > 0, `${source.location} has papers`);
  return new PaperCatalog(sources).papersByKeyPrefix('', Infinity);
}

/** Letters and digits, folded and lower-cased: what a title must keep through Typst's typesetting and pdftotext. */
const comparable = (text: string): string => foldToAscii(text.normalize('NFKC')).toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The words of a title's text, outside its math, each `comparable`. Math is left out: Typst reads TeX math in a .bib
 * title as Typst math (`$B^0_s\to\mu^+\mu^-$` prints as "𝐵𝑠0 𝑡𝑜𝑚𝑢+ 𝑚𝑢−"), and our Hayagriva entries write it as
 * its TeX source; so are LaTeX commands a .bib entry of the user's holds, which Typst prints as written
 * (`\textit{Procolophon}`): the words around them must still be there, in order.
 */
function titleWords(title: string): string[] {
  return latexRuns(title).flatMap((run) => (run.kind === 'text' ? run.text.split(/\s+/) : [])).map(comparable).filter((word) => word !== '');
}
/** A document citing every paper as Insert Citation writes it, one paragraph each, declaring `bibliography`. */
function citingDocument(papers: readonly LoadedPaper[], bibliography: string): string {
  return `${papers.map((paper, i) => `Paper ${i}: ${typstCitation(paper.key, '.')}.`).join('\n\n')}\n\n#bibliography("${bibliography}")\n`;
}

/** Every paper's title words appear in the printed text, in the title's order. */
function assertEveryTitle(papers: readonly LoadedPaper[], text: string | undefined, what: string): void {
  const printed = comparable(text ?? '');
  const missing = papers.filter((paper) => {
    let from = 0;
    for (const word of titleWords(paper.title)) {
      from = printed.indexOf(word, from);
      if (from < 0) return true;
      from += word.length;
    }
    return false;
  });
  assert.deepEqual(missing.map((paper) => paper.title), [], `titles missing from the compiled ${what}`);
}

describe('Typst compiles citations of papers from every source', function () {
  this.timeout(120_000);
  for (const [name, files] of Object.entries(SOURCES)) {
    describe(name, () => {
      let papers: LoadedPaper[];
      before(async () => {
        papers = await papersOf(files);
      });

      it('into a .bib', async function () {
        requirePdftotext(this);
        let bib = '';
        for (const paper of papers) bib += appendEntryText(bib, await bibliographyEntryFor(paper, paper.key, bib));
        const outcome = compileTypst({ 'main.typ': citingDocument(papers, 'refs.bib'), 'refs.bib': bib });
        assert.deepEqual(outcome.errors, []);
        assert.deepEqual(outcome.citedLabels, papers.map((paper) => paper.key));
        assertEveryTitle(papers, outcome.text, 'document with a .bib');
        // The entries copied whole carry their `@string` macros expanded (bbt-string-substitutions-154.bib's publisher).
        if (files.some((file) => file.endsWith('.bib'))) assert.match(outcome.text ?? '', /Freds Publishing/);
      });

      it('into a Hayagriva .yml', function () {
        requirePdftotext(this);
        let yml = '';
        for (const paper of papers) yml += appendEntryText(yml, toHayagrivaEntry(paper, paper.key));
        const outcome = compileTypst({ 'main.typ': citingDocument(papers, 'refs.yml'), 'refs.yml': yml });
        assert.deepEqual(outcome.errors, []);
        assert.deepEqual(outcome.citedLabels, papers.map((paper) => paper.key));
        assertEveryTitle(papers, outcome.text, 'document with a .yml');
      });
    });
  }
});
