/**
 * Typst citations, bibliography declarations and Hayagriva entries, each checked against the real Typst compiler
 * (./typstCompiler.ts): what we write compiles and cites the paper meant, and what we read as cited is what Typst cites.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import * as path from 'node:path';
import { runCli } from '../../src/cli';
import { citationAt, citedKeyAt, citedKeysIn, completionContext, keyInsertion } from '../../src/citation/citationContext';
import { bibliographyDeclaration, declaredBibliographies } from '../../src/citation/documentBibliographies';
import { citationStyleFor, formatCitation } from '../../src/citation/format';
import { HayagrivaSyntaxError, parseHayagrivaEntries, toHayagrivaEntry, yamlString } from '../../src/citation/hayagriva';
import { typstCitation } from '../../src/citation/typst';
import { decideWriteTarget, TYPST_WRITTEN_FORMATS, type WriteTargetEnvironment } from '../../src/citation/writeTarget';
import type { LoadedPaper } from '../../src/papers/paper';
import { readableText } from '../../src/shared/latexText';
import { compileTypst, requirePdftotext } from './typstCompiler';

const CURSOR = '$$CURSOR$$';

function fixture(marked: string): { text: string; cursor: number } {
  const cursor = marked.indexOf(CURSOR);
  assert.ok(cursor >= 0);
  return { text: marked.replace(CURSOR, ''), cursor };
}

/** The text after adding `key` to the citation at the cursor, or undefined when the cursor is in none. */
function extended(marked: string, key = 'key'): string | undefined {
  const { text, cursor } = fixture(marked);
  const citation = citationAt(text, cursor, 'typst');
  if (!citation) return undefined;
  const { offset, text: inserted } = keyInsertion(citation, key);
  return text.slice(0, offset) + inserted + text.slice(offset);
}

function typedPrefix(marked: string): string | undefined {
  const { text, cursor } = fixture(marked);
  const context = completionContext(text, cursor, 'typst');
  if (!context) return undefined;
  assert.equal(text.slice(context.range.start, context.range.end), context.prefix);
  return context.prefix;
}

/** Keys with every kind of character a bibliography key may hold, and the titles of their entries. */
const ODD_KEYS: Readonly<Record<string, string>> = {
  vaswaniAttentionAllYou2017: 'Plain Key Title',
  'x_1-2': 'Underscore Hyphen Title',
  'doe2020.': 'Trailing Dot Title',
  'doe2021:': 'Trailing Colon Title',
  'sec:intro.v2': 'Inner Colon Dot Title',
  Müller2020: 'Umlaut Key Title',
  'a/b+c': 'Slash Plus Title',
  "o'neil2019": 'Apostrophe Title',
  'with space': 'Space Title',
  'quote"d\\key': 'Quote Backslash Title',
};

/** A Hayagriva file with an entry for each of `ODD_KEYS` (YAML keys can be anything, quoted). */
const ODD_KEYS_YAML = Object.entries(ODD_KEYS).map(([key, title]) => `${yamlString(key)}:\n  type: book\n  title: ${yamlString(title)}\n`).join('\n');

describe('Typst citations', () => {
  it('are @key where Typst reads the key, #cite(<key>) where a label literal holds it, else #cite(label("…"))', () => {
    assert.equal(typstCitation('vaswaniAttentionAllYou2017'), '@vaswaniAttentionAllYou2017');
    assert.equal(typstCitation('Müller2020'), '@Müller2020');
    assert.equal(typstCitation('doe2020.'), '#cite(<doe2020.>)');
    assert.equal(typstCitation('sec:intro.v2'), '@sec:intro.v2');
    assert.equal(typstCitation('a/b+c'), '#cite(label("a/b+c"))');
    assert.equal(typstCitation('quote"d\\key'), '#cite(label("quote\\"d\\\\key"))');
    // Text right after that would run on into the key, or read as a supplement or arguments.
    assert.equal(typstCitation('knuth', 'ian'), '#cite(<knuth>)');
    assert.equal(typstCitation('knuth', '[p. 7]'), '#cite(<knuth>);');
    assert.equal(typstCitation('knuth', '. Next'), '@knuth');
    assert.equal(formatCitation({ id: 'k', title: 'T', abstract: '', key: 'knuth', source: 's' }, citationStyleFor('typst')), '@knuth');
  });

  it('compile and cite the entry meant, for every kind of key and whatever text follows them', function () {
    this.timeout(60_000);
    requirePdftotext(this);
    for (const after of ['', '. Then', 'ian text', '[p. 7]', ': and', '(x)']) {
      const lines = Object.keys(ODD_KEYS).map((key, i) => `Item ${i}: ${typstCitation(key, after)}${after}`);
      const outcome = compileTypst({ 'main.typ': `${lines.join('\n\n')}\n\n#bibliography("refs.yml")\n`, 'refs.yml': ODD_KEYS_YAML });
      assert.deepEqual(outcome.errors, [], `followed by ${JSON.stringify(after)}`);
      assert.deepEqual(outcome.citedLabels, Object.keys(ODD_KEYS), `followed by ${JSON.stringify(after)}`);
      for (const title of Object.values(ODD_KEYS)) assert.ok(outcome.text?.includes(title), `${title} in the bibliography`);
      // The text that followed the cursor is still there, right after the citation's number.
      for (const [i] of Object.keys(ODD_KEYS).entries()) assert.ok(outcome.text?.includes(`Item ${i}: [${i + 1}]${after}`), `Item ${i} followed by ${JSON.stringify(after)}:\n${outcome.text}`);
    }
  });

  it('extends the citation at the cursor with a citation of its own, after the one the cursor is in', () => {
    assert.equal(extended('See @a$$CURSOR$$ here.'), 'See @a @key here.');
    assert.equal(extended('See @a$$CURSOR$$.'), 'See @a @key.');
    assert.equal(extended('See @$$CURSOR$$a.'), 'See @a @key.');
    assert.equal(extended('See @a[p. 7$$CURSOR$$] and more.'), 'See @a[p. 7] @key and more.');
    assert.equal(extended('See #cite(<a>, form: "p$$CURSOR$$rose") now.'), 'See #cite(<a>, form: "prose") @key now.');
    assert.equal(extended('See #cite(label("a b")$$CURSOR$$)x'), 'See #cite(label("a b")) #cite(<key>)x');
    assert.equal(extended('@a$$CURSOR$$ @b', 'b'), '@a @b @b');
    assert.equal(extended('See @a$$CURSOR$$ here.', 'doe2020.'), 'See @a #cite(<doe2020.>) here.');
    assert.equal(extended('See $$CURSOR$$ here.'), undefined);
    assert.equal(extended('// @a$$CURSOR$$'), undefined);
    assert.equal(extended('mail \\@a$$CURSOR$$'), undefined);
  });

  it('knows the citations next to the one at the cursor: Typst prints them as one group', () => {
    const { text, cursor } = fixture('As @a @b$$CURSOR$$ #cite(<c>) show, and @d.');
    assert.deepEqual(citationAt(text, cursor, 'typst')?.keys.map(({ key }) => key), ['a', 'b', 'c']);
  });

  it('offers completion after @ and in #cite(< and #cite(label("', () => {
    assert.equal(typedPrefix('See @$$CURSOR$$'), '');
    assert.equal(typedPrefix('See @vasw$$CURSOR$$'), 'vasw');
    assert.equal(typedPrefix('#cite(<$$CURSOR$$'), '');
    assert.equal(typedPrefix('#cite(<doe2020.$$CURSOR$$'), 'doe2020.');
    assert.equal(typedPrefix('#cite(label("a/b$$CURSOR$$'), 'a/b');
    assert.equal(typedPrefix('See \\@$$CURSOR$$'), undefined);
    assert.equal(typedPrefix('// note @$$CURSOR$$'), undefined);
    assert.equal(typedPrefix('`code @$$CURSOR$$'), '');
    assert.equal(typedPrefix('See https://x.org/@$$CURSOR$$'), undefined);
    assert.equal(typedPrefix('See @.$$CURSOR$$'), undefined);
  });

  it('finds the key at the cursor for hover', () => {
    const { text, cursor } = fixture('As #cite(label("a/b$$CURSOR$$+c")) and @knuth shows.');
    assert.equal(citedKeyAt(text, cursor, 'typst')?.key, 'a/b+c');
    const at = fixture('As @knu$$CURSOR$$th. shows.');
    assert.deepEqual(citedKeyAt(at.text, at.cursor, 'typst'), { key: 'knuth', range: { start: 4, end: 9 } });
  });

  it('reads the keys a document cites exactly as the Typst compiler does', () => {
    const document = [
      '#set heading(numbering: "1.")',
      '= Introduction <intro>',
      'As @knuth and @doe2020. show, and #cite(<doe2021:>, form: "prose") says (@sec:intro.v2[p. 7]).',
      'See @intro, #cite(label("a/b+c")) and $x = 2$ in math.',
      '// @commented out, /* @blocked */ and `@raw` and \\@escaped are no citations, nor is https://x.org/@handle.',
      '```',
      '@fenced',
      '```',
      '#link("mailto:me@example.org")[mail] then @Müller2020:',
      '#figure(rect(), caption: [A box]) <fig:box>',
      'and @fig:box is a figure.',
      '#bibliography("refs.yml")',
    ].join('\n');
    const ours = citedKeysIn(document, 'typst').map(({ key }) => key);
    assert.deepEqual(ours, ['knuth', 'doe2020', 'doe2021:', 'sec:intro.v2', 'a/b+c', 'Müller2020']);
    const refs = `knuth:\n  type: book\n  title: The TeXbook\ndoe2020:\n  type: book\n  title: Doe\n${ODD_KEYS_YAML}`;
    const outcome = compileTypst({ 'main.typ': document, 'refs.yml': refs });
    assert.deepEqual(outcome.errors, []);
    assert.deepEqual(outcome.citedLabels, ours);
  });
});

describe('Typst citations in any text', () => {
  it('are read without failing, each key where its range says', () => {
    const typstish = fc.stringMatching(/^[@#<>()"\\/*`$a-z.:[\] \n-]*$/);
    fc.assert(
      fc.property(typstish, fc.nat(), (text, at) => {
        const cursor = at % (text.length + 1);
        for (const { key, range } of citedKeysIn(text, 'typst')) {
          assert.ok(range.start >= 0 && range.end <= text.length && range.start <= range.end);
          // A key in `label("…")` is the string's value: its text in the document differs where it has escapes.
          if (!text.slice(range.start, range.end).includes('\\')) assert.equal(text.slice(range.start, range.end), key);
        }
        const citation = citationAt(text, cursor, 'typst');
        if (citation) assert.ok(citation.keyOffset >= 0 && citation.keyOffset <= text.length);
        const typed = completionContext(text, cursor, 'typst');
        if (typed) assert.equal(text.slice(typed.range.start, typed.range.end), typed.prefix);
        declaredBibliographies(text, 'typst');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Typst bibliographies', () => {
  it('reads #bibliography with one file, an array, named arguments and in a show rule', () => {
    assert.deepEqual(declaredBibliographies('Text\n#bibliography("refs.bib")\n', 'typst'), ['refs.bib']);
    assert.deepEqual(declaredBibliographies('#bibliography(("a.bib", "b.yml"), title: [Sources], style: "apa")', 'typst'), ['a.bib', 'b.yml']);
    assert.deepEqual(declaredBibliographies('#show: doc => [#doc #bibliography("refs.yaml")]', 'typst'), ['refs.yaml']);
    assert.deepEqual(declaredBibliographies('#show bibliography: set text(8pt)\n// #bibliography("old.bib")\n#bibliography(\n  "sub/r\\"efs.bib",\n)', 'typst'), ['sub/r"efs.bib']);
    assert.deepEqual(declaredBibliographies('No bibliography here; bibliography("x.bib") in `raw` is not one: `#bibliography("y.bib")`', 'typst'), ['x.bib']);
  });

  it('declares references.bib at the end of the document, which then compiles', function () {
    requirePdftotext(this);
    const document = 'As @vaswani2017 shows.';
    const declaration = bibliographyDeclaration(document, 'typst', 'references.bib');
    assert.deepEqual(declaration, { offset: document.length, text: '\n\n#bibliography("references.bib")\n' });
    assert.deepEqual(bibliographyDeclaration('A\r\n', 'typst', 'references.bib'), { offset: 3, text: '\r\n#bibliography("references.bib")\r\n' });
    assert.deepEqual(declaredBibliographies(document + declaration!.text, 'typst'), ['references.bib']);
    const outcome = compileTypst({
      'main.typ': document + declaration!.text,
      'references.bib': '@article{vaswani2017,\n  title = {Attention Is All You Need},\n  author = {Vaswani, Ashish},\n  year = {2017},\n}\n',
    });
    assert.deepEqual(outcome.errors, []);
    assert.match(outcome.text ?? '', /Attention Is All You Need/);
  });

  it('writes .yml and .yaml files only for Typst documents', async () => {
    const environment: WriteTargetEnvironment = {
      realpath: async (file) => file,
      readlink: async () => Promise.reject(Object.assign(new Error('no link'), { code: 'EINVAL' })),
      workspaceFolders: ['/work'],
      trusted: true,
    };
    assert.equal((await decideWriteTarget('/work/refs.yml', 'document', environment)).action, 'refuse');
    assert.equal((await decideWriteTarget('/work/refs.yml', 'document', { ...environment, formats: TYPST_WRITTEN_FORMATS })).action, 'write');
    assert.equal((await decideWriteTarget('/work/refs.yaml', 'document', { ...environment, formats: TYPST_WRITTEN_FORMATS })).action, 'write');
    const json = await decideWriteTarget('/work/refs.json', 'document', { ...environment, formats: TYPST_WRITTEN_FORMATS });
    assert.equal(json.action, 'refuse');
    assert.match(json.action === 'refuse' ? json.message : '', /only into \.bib, \.yml, \.yaml files/);
  });
});

describe('Hayagriva entries', () => {
  const paper: LoadedPaper = {
    id: 'p',
    key: 'p',
    source: 's',
    abstract: '',
    title: 'On $\\alpha$-stable {BERT} Models: 50% of {\\"U}ber {ImageNet} \\& GPT-4 \\{x\\}',
    authors: ['Ekin Akyürek', 'Johannes Diderik van der Waals', 'Lipton, Zachary C.'],
    year: 2020,
    venue: 'Journal of Hostile Titles & Co.',
    doi: '10.1000/a_b#c',
    arxivId: '2001.00001',
    url: 'https://example.com/a?b=1&c=2',
  };

  it('are Hayagriva YAML with the fields Typst prints', () => {
    assert.equal(
      toHayagrivaEntry(paper, 'akyurek:2020'),
      [
        '"akyurek:2020":',
        '  type: article',
        '  title: "On \\\\\\\\alpha-stable {BERT} Models: 50% of Über {ImageNet} & {GPT-4} \\\\{x\\\\}"',
        '  author: ["Akyürek, Ekin", "van der Waals, Johannes Diderik", "Lipton, Zachary C."]',
        '  date: 2020',
        '  parent:',
        '    type: periodical',
        '    title: "Journal of Hostile Titles & Co."',
        '  serial-number:',
        '    doi: "10.1000/a_b#c"',
        '    arxiv: "2001.00001"',
        '  url: "https://example.com/a?b=1&c=2"',
      ].join('\n'),
    );
  });

  it('are read back with their keys and the fields that identify the paper', () => {
    const [entry] = parseHayagrivaEntries(toHayagrivaEntry(paper, 'akyurek:2020'));
    assert.equal(entry.key, 'akyurek:2020');
    assert.equal(entry.title, 'On \\alpha-stable BERT Models: 50% of Über ImageNet & GPT-4 {x}');
    assert.deepEqual(entry.authors, ['Ekin Akyürek', 'Johannes Diderik van der Waals', 'Zachary C. Lipton']);
    assert.equal(entry.doi, '10.1000/a_b#c');
    assert.equal(entry.arxivId, '2001.00001');
    assert.equal(entry.year, '2020');
    assert.equal(entry.venue, 'Journal of Hostile Titles & Co.');
  });

  it('reads the YAML Hayagriva files are written in, and names the line it cannot read', () => {
    const entries = parseHayagrivaEntries([
      '# My papers',
      'harry:',
      '    type: Book',
      '    title: Harry Potter and the Order of the Phoenix # a comment',
      '    author: Rowling, J. K.',
      '    date: 2003-06-21',
      '',
      'kinetics:',
      '    type: Article',
      "    title: 'Kinetics: it''s fast'",
      '    author:',
      '      - Doan, T. D.',
      '      - given-name: Hartmut',
      '        name: Haug',
      '    serial-number:',
      '        doi: "10.1103/PhysRevB.102.165126"',
      '    parent:',
      '        - type: Periodical',
      '          title: Physical Review B',
      '    abstract: >-',
      '      Two lines',
      '      folded.',
      '    url: { value: http://www.techno.org/electronic-music-guide/, date: 2020-11-30 }',
    ].join('\n'));
    assert.deepEqual(entries.map((entry) => [entry.key, entry.title, entry.authors, entry.year, entry.doi, entry.venue, entry.abstract, entry.url]), [
      ['harry', 'Harry Potter and the Order of the Phoenix', ['J. K. Rowling'], '2003', undefined, undefined, undefined, undefined],
      ['kinetics', "Kinetics: it's fast", ['T. D. Doan', 'Hartmut Haug'], undefined, '10.1103/PhysRevB.102.165126', 'Physical Review B', 'Two lines folded.', 'http://www.techno.org/electronic-music-guide/'],
    ]);
    assert.throws(() => parseHayagrivaEntries('a:\n  title: "unclosed\n'), /line 2: unclosed double quote/);
    assert.throws(() => parseHayagrivaEntries('a:\n  title: x\na:\n  title: y\n'), /line 3: the key "a" appears twice/);
    assert.throws(() => parseHayagrivaEntries('- a\n- b\n'), /a mapping from keys to entries/);
  });

  it('read back any key, title, names and identifiers they were written with', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.array(fc.string()), fc.string(), (key, title, authors, doi) => {
        const written: LoadedPaper = { id: 'x', key, source: 's', abstract: '', title, authors, doi };
        const [entry] = parseHayagrivaEntries(toHayagrivaEntry(written, key));
        assert.equal(entry.key, key);
        // Titles are LaTeX-bearing text, written as their text with blanks collapsed; the braces the writer adds
        // around case-keeping words are dropped again when read.
        assert.equal(entry.title ?? '', readableText(title).replace(/\s+/g, ' ').trim());
        assert.equal(entry.doi, doi.trim() || undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('fail on malformed YAML only with a message naming the line', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseHayagrivaEntries(text);
        } catch (error) {
          assert.ok(error instanceof HayagrivaSyntaxError, String(error));
          assert.match(error.message, /^line \d+: /);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('compile in Typst with the title, names and venue as written', function () {
    requirePdftotext(this);
    const outcome = compileTypst({ 'main.typ': '@p\n#bibliography("refs.yml")\n', 'refs.yml': toHayagrivaEntry(paper, 'p') + '\n' });
    assert.deepEqual(outcome.errors, []);
    const text = (outcome.text ?? '').replace(/\s+/g, ' ');
    for (const part of ['E. Akyürek', 'J. D. van der Waals', 'Z. C. Lipton', '\\alpha-stable BERT Models: 50% of Über ImageNet & GPT-4 {x}', 'Journal of Hostile Titles & Co.', '2020']) {
      assert.ok(text.includes(part), `${part} in: ${text}`);
    }
  });
});

describe('paper-lookup cite --format typst and hayagriva', () => {
  async function run(...argv: string[]): Promise<{ code: number; stdout: string }> {
    const stdout: string[] = [];
    const code = await runCli(argv, { stdout: (text) => stdout.push(text), stderr: () => undefined, bundledIndex: path.join(__dirname, '..', '..', 'data', 'papers.json') });
    return { code, stdout: stdout.join('\n') };
  }

  it('prints the Typst citation and the Hayagriva entry, which compile together', async function () {
    requirePdftotext(this);
    const typst = await run('cite', 'pointer-networks', '--format', 'typst');
    assert.deepEqual(typst, { code: 0, stdout: '@vinyalsPointerNetworks2015' });
    const hayagriva = await run('cite', 'pointer-networks', '--format', 'hayagriva');
    assert.equal(hayagriva.code, 0);
    assert.match(hayagriva.stdout, /^vinyalsPointerNetworks2015:\n {2}type: /);
    const outcome = compileTypst({ 'main.typ': `See ${typst.stdout}.\n#bibliography("refs.yml")\n`, 'refs.yml': hayagriva.stdout + '\n' });
    assert.deepEqual(outcome.errors, []);
    assert.match(outcome.text ?? '', /Pointer Networks/);
  });
});
