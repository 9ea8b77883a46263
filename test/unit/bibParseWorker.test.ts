/**
 * .bib and Hayagriva parsing off the extension host's thread (src/sources/bibParseWorker.ts) and the parse kept per
 * file (src/citation/parsedBibliographies.ts): the worker gives the entries the in-thread parser gives, entries too
 * long to parse keep their keys, a parse that runs too long is stopped, and hovering twice parses once.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parseBibEntries, type BibEntry } from '../../src/bibtex/bibliography';
import { workerBibParser } from '../../src/sources/bibParseWorker';
import { ParsedBibliographies, KEPT_BIBLIOGRAPHIES } from '../../src/citation/parsedBibliographies';
import { parseBibliographyWithin } from '../../src/sources/bibSource';
import { parseHayagrivaEntries } from '../../src/citation/hayagriva';

/** Built by `npm run build`, which `npm run test:unit` runs first. */
const workerFile = path.join(__dirname, '..', '..', 'dist', 'indexWorker.js');

const BIB = `@string{neurips = "Advances in Neural Information Processing Systems"}
@inproceedings{vaswani2017,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam},
  booktitle = neurips,
  year = {2017},
  eprint = {1706.03762}
}
@article{long,
  title = {A Paper With A Very Long Abstract},
  abstract = {${'word '.repeat(60_000)}}
}
@misc{after, title = {After The Long One}, doi = {10.1000/after}}
`;

describe('.bib parsing in a worker thread', function () {
  this.timeout(30_000);

  it('gives the entries the parser gives in this thread, and lists an entry too long to parse by its key', async () => {
    const parser = workerBibParser(workerFile);
    const inWorker = await parser.parse(BIB).finally(() => parser.dispose());
    assert.deepEqual(inWorker.map((entry) => entry.key), ['vaswani2017', 'after', 'long']);
    const withoutLong = BIB.replace(/@article\{long,[^@]*/, '');
    assert.deepEqual(inWorker.slice(0, 2), await parseBibEntries(withoutLong));
    assert.deepEqual(inWorker[2], { key: 'long', type: 'article', authors: [] });
    assert.equal(inWorker[0].venue, 'Advances in Neural Information Processing Systems', '@string macros before the long entry still apply');
  });

  it('keeps the key of an entry too long to parse taken, so a new entry is not added under it', async () => {
    const entries = await parseBibliographyWithin(BIB);
    assert.ok(entries.some((entry) => entry.key === 'long'));
  });

  it('stops a parse that takes longer than its limit', async () => {
    const parser = workerBibParser(workerFile, 1);
    try {
      await assert.rejects(parser.parse(BIB), /took longer than/);
    } finally {
      parser.dispose();
    }
  });

  it('reads Hayagriva YAML in the worker too: the entries the reader gives in this thread, and a parse over its limit is stopped', async () => {
    const yaml = ['vaswani2017:', '  type: article', '  title: Attention Is All You Need', '  author: ["Vaswani, Ashish", "Shazeer, Noam"]', '  date: 2017', '  serial-number:', '    arxiv: "1706.03762"', ''].join('\n');
    const parser = workerBibParser(workerFile);
    const inWorker = await parser.parseHayagriva(yaml).finally(() => parser.dispose());
    assert.deepEqual(inWorker, parseHayagrivaEntries(yaml));
    assert.equal(inWorker[0].arxivId, '1706.03762');
    const slow = workerBibParser(workerFile, 1);
    try {
      await assert.rejects(slow.parseHayagriva(yaml), /took longer than/);
    } finally {
      slow.dispose();
    }
  });

  it('answers parses asked at once, each with its own entries, in one worker', async () => {
    const parser = workerBibParser(workerFile);
    try {
      const texts = ['a', 'b', 'c'].map((key) => `@misc{${key}, title = {Paper ${key}}}`);
      const results = await Promise.all(texts.map((text) => parser.parse(text)));
      assert.deepEqual(results.map((entries) => entries.map((entry) => entry.key)), [['a'], ['b'], ['c']]);
    } finally {
      parser.dispose();
    }
  });
});

describe('ParsedBibliographies (the parse kept per file)', () => {
  const entry = (key: string): BibEntry => ({ key, type: 'misc', authors: [] });
  const counting = (): { parses: string[]; parsed: ParsedBibliographies } => {
    const parses: string[] = [];
    return { parses, parsed: new ParsedBibliographies(async (text) => (parses.push(text), [entry(text)])) };
  };

  it('reads and parses a file once while its stamp stays the same, again when it changes', async () => {
    const { parses, parsed } = counting();
    let reads = 0;
    const read = async (): Promise<string> => `text ${++reads}`;
    assert.deepEqual(await parsed.entries('refs.bib', 'buffer 1', read), [entry('text 1')]);
    assert.deepEqual(await parsed.entries('refs.bib', 'buffer 1', read), [entry('text 1')], 'hovering twice');
    assert.equal(reads, 1);
    assert.deepEqual(await parsed.entries('refs.bib', 'buffer 2', read), [entry('text 2')]);
    assert.deepEqual(parses, ['text 1', 'text 2']);
  });

  it('a file that does not exist has no entries', async () => {
    const { parses, parsed } = counting();
    assert.deepEqual(await parsed.entries('missing.bib', 'file 0 0', async () => undefined), []);
    assert.deepEqual(parses, []);
  });

  it('keeps a failed parse for its stamp: a hostile file costs one parse per change, not one per hover', async () => {
    let parses = 0;
    const parsed = new ParsedBibliographies(async () => {
      parses++;
      throw new Error('Parsing the BibTeX file took longer than 60 s; stopped.');
    });
    for (let hover = 0; hover < 3; hover++) await assert.rejects(parsed.entries('hostile.bib', 'file 1 1', async () => 'x'), /took longer/);
    assert.equal(parses, 1);
  });

  it('parses a text just read only when it is not the text parsed last', async () => {
    const { parses, parsed } = counting();
    await parsed.entriesOfText('refs.bib', 'a');
    await parsed.entriesOfText('refs.bib', 'a');
    await parsed.entriesOfText('refs.bib', 'b');
    assert.deepEqual(parses, ['a', 'b']);
  });

  it(`keeps the ${KEPT_BIBLIOGRAPHIES} files used last`, async () => {
    const { parses, parsed } = counting();
    const read = (id: string) => async (): Promise<string> => id;
    for (let i = 0; i <= KEPT_BIBLIOGRAPHIES; i++) await parsed.entries(`${i}.bib`, 's', read(`${i}.bib`));
    await parsed.entries(`${KEPT_BIBLIOGRAPHIES}.bib`, 's', read('again'));
    await parsed.entries('0.bib', 's', read('0.bib again'));
    assert.equal(parses.length, KEPT_BIBLIOGRAPHIES + 2, 'the newest was kept, the oldest dropped');
    assert.equal(parses.at(-1), '0.bib again');
  });
});
