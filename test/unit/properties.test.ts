/**
 * Property-based tests (fast-check) of the code that turns untrusted text into other text: the BibTeX writer read back
 * by the BibTeX reader, the citation-context parser, the index parser, citation keys and links. Runs are bounded so
 * the file stays within a few seconds; a failure prints its seed and a shrunk counterexample to replay.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseBibEntries } from '../../src/bibtex/bibliography';
import { bibtexEntryType, toBibtexEntry } from '../../src/bibtex/entryWriter';
import { citationAt, completionContext, keyInsertion, type CitationLanguage } from '../../src/citation/citationContext';
import { paperLink } from '../../src/citation/format';
import { assignCitationKeys } from '../../src/papers/keys';
import type { LoadedPaper, Paper } from '../../src/papers/paper';
import { parseIndexText } from '../../src/sources/parseIndex';
import { isPaperLink, paperLinks } from '../../src/protocol/paperView';

/**
 * Text as both the BibTeX writer and the index parser document it: whitespace and control characters collapsed to
 * one space, trimmed. The writer also composes it (NFC); the parser does not.
 */
// eslint-disable-next-line no-control-regex
const collapsed = (text: string): string => text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
const asWritten = (text: string): string => collapsed(text.normalize('NFC'));

/** Greek letters shaped like Latin ones, which LaTeX math writes as those (`$K$` for Κ). */
const GREEK_AS_LATIN: Readonly<Record<string, string>> = Object.fromEntries([...'ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο'].map((letter, i) => [letter, 'ABEZHIKMNOPTYXo'[i]]));

/**
 * Text with the letters outside ASCII reduced to their base letters (`ả` → a, `ĭ` → i, `ａ` → a, `Ί` → I): the BibTeX
 * writer writes them as LaTeX accents on a base letter, or without the accents pdflatex's T1 fonts lack, and the
 * reader gives some accents back on a dotless ı or apart from their letter; Greek goes out as math. Whatever is not
 * a letter (symbols, emoji, syntax, spacing) must come back exactly.
 */
const t1Folded = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ı/g, 'i')
    .replace(/\p{L}/gu, (letter) => GREEK_AS_LATIN[letter] ?? letter);

/**
 * The HTML tags the BibTeX reader marks text up with (see `PARSER_MARKUP` in src/bibtex/bibliography.ts): a title
 * that spells one out cannot be told from the markup, so the round trip leaves such titles out.
 */
const READER_MARKUP = /<\/?(?:a|b|br|code|i|li|ncx|p|span|sub|sup)(?:\s[^>]*)?>/;

/** One piece of a title: what TeX, BibTeX, Markdown or HTML treat as syntax, and text in many scripts. */
const titlePiece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'{}\\%&$#_~^<>'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom(...'-`\',".:;!?()[]/@=+*|'.split('')) },
  { weight: 2, arbitrary: fc.constantFrom(' ', ' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u2028') },
  { weight: 4, arbitrary: fc.constantFrom('Graph', 'neural', 'Über', 'ICML', 'and', 'x', 'A', 'of', 'Fourier', 'valueOf', 'toString', '2023') },
  // Accents precomposed and combining, right-to-left text and controls, CJK, emoji.
  { weight: 2, arbitrary: fc.constantFrom('é', 'e\u0301', 'ñ', 'Ł', 'ß', '\u05e9\u05dc\u05d5\u05dd', '\u0639\u0627\u0644\u0645', '\u202e', '\u2067', '深層学習', '😀', '👩‍👩‍👧') },
  { weight: 2, arbitrary: fc.constantFrom('$x^2$', '$\\alpha_i$', '\\(a+b\\)', '\\frac{1}{2}', '\\emph{x}', '\\\\', '--', '---', '``', "''", '!`', '?`', ',,') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
);

/** Text for a title or venue: some non-blank text, and nothing the reader would take for its own markup. */
const titleText = fc
  .array(titlePiece, { minLength: 1, maxLength: 12 })
  .map((pieces) => pieces.join(''))
  .filter((text) => asWritten(text) !== '' && !READER_MARKUP.test(text));

/** A word of a name: no blank and no comma, which structure a BibTeX name. */
const nameWord = fc
  .array(titlePiece, { minLength: 1, maxLength: 3 })
  .map((pieces) => pieces.join('').replace(/[\s,]+/g, ''))
  .filter((word) => asWritten(word) !== '' && !READER_MARKUP.test(word));

/** An author as an index writes one, and as BibTeX reads it back: "Given Family" either way. */
const author = fc.oneof(
  fc.array(nameWord, { minLength: 1, maxLength: 4 }).map((words) => ({ written: words.join(' '), readBack: words.join(' ') })),
  fc
    .tuple(fc.array(nameWord, { minLength: 1, maxLength: 2 }), fc.array(nameWord, { minLength: 1, maxLength: 2 }))
    .map(([family, given]) => ({ written: `${family.join(' ')}, ${given.join(' ')}`, readBack: `${given.join(' ')} ${family.join(' ')}` })),
);

describe('property: a BibTeX entry reads back as the paper it was written from', function () {
  this.timeout(60_000);

  it('has the same title, authors, year and venue (after collapsing whitespace and composing)', async () => {
    await fc.assert(
      fc.asyncProperty(
        titleText,
        fc.array(author, { maxLength: 5 }),
        fc.option(fc.integer({ min: 1000, max: 9999 }), { nil: undefined }),
        fc.option(fc.oneof(titleText, fc.constantFrom('ICML 2023', 'Journal of Machine Learning Research', 'Physica A 626 (2023)')), { nil: undefined }),
        async (title, authors, year, venue) => {
          const fields: Paper = { id: 'p', title, abstract: '', authors: authors.map((name) => name.written), year, venue };
          const [key] = assignCitationKeys([fields]);
          const paper: LoadedPaper = { ...fields, key, source: 'generated' };
          const entries = await parseBibEntries(await toBibtexEntry(paper));
          assert.equal(entries.length, 1);
          const [entry] = entries;
          assert.equal(entry.key, key);
          // TeX math in a title is written as math, which the reader gives back typeset (`$x^2$` → x²).
          // So is a character LaTeX writes only as math (a symbol, a superscript digit, a Greek letter: `$\blacktriangleright$`,
          // `$^{0}$`, `$\alpha$`), in a title, a name or a venue: it comes back as that math, kept for the reader to typeset.
          const dollars = (text: string | undefined): number => (text ?? '').split('$').length - 1;
          const cameBackAsMath = (written: string, read: string | undefined): boolean => dollars(read) > dollars(written);
          if (!/(?<!\\)\$(?=[^\s$])(?:[^$\\]|\\[\s\S])*?[^\s\\]\$(?!\d)|\\\(/.test(title) && !cameBackAsMath(title, entry.title)) assert.equal(t1Folded(entry.title ?? ''), t1Folded(asWritten(title)));
          // A name holding the word "and" is written braced, as one name, and comes back as written.
          const holdsAnd = (name: string): boolean => /(?:^|\s)and(?:\s|$)/i.test(asWritten(name));
          const compared = authors.map((name, i) => [name, entry.authors[i]] as const).filter(([name, read]) => !cameBackAsMath(name.written, read));
          assert.equal(entry.authors.length, authors.length);
          assert.deepEqual(compared.map(([, read]) => t1Folded(read)), compared.map(([name]) => t1Folded(asWritten(holdsAnd(name.written) ? name.written : name.readBack))));
          assert.equal(entry.year, year?.toString());
          // The reader reads the venue of a journal or a conference; a @misc keeps it in howpublished.
          if (venue !== undefined && bibtexEntryType(venue) !== 'misc' && !cameBackAsMath(venue, entry.venue)) assert.equal(t1Folded(entry.venue ?? ''), t1Folded(asWritten(venue)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Citation context

/** Blanks where LaTeX and pandoc allow them, including a line break (but never a blank line on purpose). */
const blank = fc.constantFrom('', '', ' ', '  ', '\n', '\t');

/** Keys as they appear in documents: ours (letters and digits) and others' (`a:b`, `x.y`, accents). */
const citedKey = fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{1,10}$/), fc.constantFrom('a:b', 'x.y', 'é2020', 'k_1', 'a-b', 'Key/2', 'a+b'));

const latexCitation = fc
  .record({
    command: fc.constantFrom('cite', 'citep', 'citet', 'parencite', 'textcite', 'Cite', 'footcite', 'citeauthor', 'autocite'),
    star: fc.constantFrom('', '*'),
    space: blank,
    optionals: fc.array(fc.string({ maxLength: 6 }).map((text) => `[${text.replace(/[\]{}]/g, '')}]`), { maxLength: 2 }),
    slots: fc.array(fc.tuple(blank, fc.option(citedKey, { nil: '' }), blank), { minLength: 1, maxLength: 4 }),
    closed: fc.boolean(),
  })
  .map(({ command, star, space, optionals, slots, closed }) => `\\${command}${star}${space}${optionals.join('')}{${slots.map((slot) => slot.join('')).join(',')}${closed ? '}' : ''}`);

const markdownItem = fc.oneof(
  fc.tuple(fc.constantFrom('', 'see ', 'e.g. '), fc.constantFrom('', '-'), citedKey, fc.constantFrom('', ', p. 3', ' chap. 2')).map(([prefix, minus, key, suffix]) => `${prefix}${minus}@${key}${suffix}`),
  fc.constantFrom('', ' ', '@', '-@', '@{braced key}'),
);

/** A pandoc citation, sometimes made an image, a link or an escaped bracket by what stands around it. */
const markdownCitation = fc
  .tuple(fc.array(fc.tuple(blank, markdownItem, blank), { minLength: 1, maxLength: 4 }), fc.constantFrom('', '', '!', '\\'), fc.constantFrom('', '', '(x)', '[y]', ']'))
  .map(([items, before, after]) => `${before}[${items.map((item) => item.join('')).join(';')}]${after}`);

/** Text between citations: brackets, braces, `@` and separators out of place, blank lines, any characters. */
const noise = fc.oneof(fc.constantFrom(' ', '\n', '\n\n', 'text', '{', '}', '[', ']', '@', ',', ';', '\\', '%', 'é😀', 'a@b.com', '\\cite'), fc.string({ maxLength: 4 }));

const documentWith = (citation: fc.Arbitrary<string>) => fc.array(fc.oneof(citation, noise), { maxLength: 8 }).map((parts) => parts.join(''));

/** The keys Insert Citation adds. */
const ourKey = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);

const LANGUAGES: readonly [CitationLanguage, fc.Arbitrary<string>][] = [
  ['latex', documentWith(latexCitation)],
  ['markdown', documentWith(markdownCitation)],
];

describe('property: the citation-context parser', function () {
  // Bounded runs take well under a second each; the margin is for slow machines (mocha --no-config allows 2 s).
  this.timeout(30_000);
  for (const [language, documentText] of LANGUAGES) {
    describe(language, () => {
      it('never throws on any text and cursor, and every offset it returns is inside the text', () => {
        fc.assert(
          fc.property(fc.oneof(documentText, fc.string({ unit: 'binary', maxLength: 40 })), fc.nat(), (text, cursorSeed) => {
            const cursor = cursorSeed % (text.length + 1);
            const completion = completionContext(text, cursor, language);
            if (completion) {
              assert.equal(completion.range.end, cursor);
              assert.ok(completion.range.start >= 0 && completion.range.start <= cursor);
              assert.equal(text.slice(completion.range.start, completion.range.end), completion.prefix);
            }
            const citation = citationAt(text, cursor, language);
            if (!citation) return;
            const { range } = citation;
            assert.ok(range.start >= 0 && range.start <= cursor && cursor <= range.end && range.end <= text.length, JSON.stringify(range));
            assert.ok(range.start <= citation.keyOffset && citation.keyOffset <= range.end, `keyOffset ${citation.keyOffset}`);
            for (const cited of citation.keys) {
              assert.ok(range.start <= cited.range.start && cited.range.end <= range.end, JSON.stringify(cited));
              assert.equal(text.slice(cited.range.start, cited.range.end), cited.key);
            }
          }),
          { numRuns: 500 },
        );
      });

      it('finds a key inserted where keyInsertion says, beside the keys already cited', () => {
        fc.assert(
          fc.property(documentText, fc.nat(), ourKey, (text, cursorSeed, key) => {
            const citation = citationAt(text, cursorSeed % (text.length + 1), language);
            fc.pre(citation !== undefined);
            const insertion = keyInsertion(citation!, key);
            const edited = text.slice(0, insertion.offset) + insertion.text + text.slice(insertion.offset);
            const again = citationAt(edited, insertion.offset + insertion.text.length, language);
            assert.ok(again, `no citation in ${JSON.stringify(edited)}`);
            const keys = again.keys.map((cited) => cited.key);
            assert.ok(keys.includes(key), `${key} is not among ${JSON.stringify(keys)} in ${JSON.stringify(edited)}`);
            for (const cited of citation!.keys) assert.ok(keys.includes(cited.key), `${cited.key} was lost from ${JSON.stringify(edited)}`);
          }),
          { numRuns: 500 },
        );
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Index parser

/** Checks what parseIndexText promises whatever it was given. */
function assertWellFormed(result: ReturnType<typeof parseIndexText>, text: string): void {
  const lines = text.split('\n');
  for (const problem of result.problems) {
    assert.equal(problem.file, 'generated.json');
    assert.ok(problem.severity === 'error' || problem.severity === 'warning');
    assert.ok(problem.line >= 1 && problem.line <= lines.length, `line ${problem.line}`);
    assert.ok(problem.column >= 1 && problem.column <= lines[problem.line - 1].length + 1, `column ${problem.column}`);
  }
  const ids = new Set<string>();
  for (const paper of result.papers) {
    assert.ok(paper.title !== '' && paper.title === collapsed(paper.title), `title ${JSON.stringify(paper.title)}`);
    assert.equal(typeof paper.abstract, 'string');
    assert.ok(!ids.has(paper.id), `duplicate id ${paper.id}`);
    ids.add(paper.id);
    if (paper.year !== undefined) assert.ok(Number.isInteger(paper.year) && paper.year >= 1000 && paper.year <= 9999);
    if (paper.url !== undefined) assert.match(paper.url, /^https:\/\/\S+$/);
    for (const name of paper.authors ?? []) assert.ok(name !== '' && name === collapsed(name));
  }
}

/** A schema-valid paper whose text fields hold anything, including what the parser must collapse. */
const indexPaper = fc.record(
  {
    title: titleText.filter((text) => collapsed(text) !== ''),
    abstract: fc.string({ unit: 'binary', maxLength: 30 }),
    authors: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((name) => collapsed(name) !== ''), { minLength: 1, maxLength: 3 }),
    year: fc.integer({ min: 1000, max: 9999 }),
    venue: titleText.filter((text) => collapsed(text) !== ''),
    url: fc.webUrl({ validSchemes: ['https'] }),
  },
  { requiredKeys: ['title', 'abstract'] },
);

/** A valid index, laid out one paper per line, with the offset at which each paper's text ends. */
const validIndex = fc.array(indexPaper, { maxLength: 6 }).map((papers) => {
  const entries = papers.map((paper, i) => JSON.stringify({ id: `p${i}`, ...paper }));
  let text = '{\n  "version": 1,\n  "papers": [\n';
  const ends: number[] = [];
  entries.forEach((entry, i) => {
    text += `    ${entry}`;
    ends.push(text.length);
    text += i < entries.length - 1 ? ',\n' : '\n';
  });
  text += '  ]\n}\n';
  const expected: Paper[] = papers.map((paper, i) => ({
    id: `p${i}`,
    title: collapsed(paper.title),
    abstract: collapsed(paper.abstract),
    ...(paper.authors ? { authors: paper.authors.map(collapsed) } : {}),
    ...(paper.year !== undefined ? { year: paper.year } : {}),
    ...(paper.url !== undefined ? { url: paper.url } : {}),
    ...(paper.venue !== undefined ? { venue: collapsed(paper.venue) } : {}),
  }));
  return { text, ends, expected };
});

/** Fields in the order parseIndexText writes them, so `deepEqual` compares values, not key order. */
const comparable = (paper: Paper): Record<string, unknown> => Object.fromEntries(Object.entries(paper).sort(([a], [b]) => a.localeCompare(b)));

describe('property: parseIndexText', function () {
  this.timeout(30_000);
  it('never throws on arbitrary strings, and what it returns is well formed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.constantFrom(...'{}[]",:0123456789.-eE truefalsnul\\/\n'.split('')), maxLength: 200 })), (text) => {
        assertWellFormed(parseIndexText(text, 'generated.json'), text);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary JSON values, at the top level or as papers and fields', () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    const paperLike = fc.dictionary(fc.constantFrom('id', 'title', 'abstract', 'authors', 'year', 'venue', 'arxivId', 'doi', 'url', '__proto__', 'constructor'), value, { maxKeys: 8 });
    const document = fc.oneof(value, fc.record({ version: fc.oneof(fc.constant(1), value), name: value, papers: fc.oneof(value, fc.array(fc.oneof(value, paperLike), { maxLength: 5 })) }, { requiredKeys: [] }));
    fc.assert(
      fc.property(document, fc.constantFrom(undefined, 2), (json, indent) => {
        const text = JSON.stringify(json, null, indent);
        assertWellFormed(parseIndexText(text, 'generated.json'), text);
      }),
      { numRuns: 500 },
    );
  });

  it('loads every paper of a valid index, its text collapsed as documented, and reports nothing', () => {
    fc.assert(
      fc.property(validIndex, ({ text, expected }) => {
        const result = parseIndexText(text, 'generated.json');
        assert.deepEqual(result.problems, []);
        assert.deepEqual(result.papers.map(comparable), expected.map(comparable));
      }),
      { numRuns: 300 },
    );
  });

  it('cut short anywhere, loads exactly the papers whose text ends before the cut', () => {
    fc.assert(
      fc.property(validIndex, fc.nat(), ({ text, ends, expected }, cutSeed) => {
        const cut = cutSeed % (text.length + 1);
        const truncated = text.slice(0, cut);
        const result = parseIndexText(truncated, 'generated.json');
        assertWellFormed(result, truncated);
        const complete = ends.filter((end) => end <= cut).length;
        assert.deepEqual(result.papers.map(comparable), expected.slice(0, complete).map(comparable));
      }),
      { numRuns: 300 },
    );
  });

  it('with any character inserted anywhere, still loads every paper that ends before it', () => {
    fc.assert(
      fc.property(validIndex, fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }), ({ text, ends, expected }, atSeed, inserted) => {
        const at = atSeed % (text.length + 1);
        const damaged = text.slice(0, at) + inserted + text.slice(at);
        const result = parseIndexText(damaged, 'generated.json');
        assertWellFormed(result, damaged);
        const before = ends.filter((end) => end <= at).length;
        assert.deepEqual(result.papers.slice(0, before).map(comparable), expected.slice(0, before).map(comparable));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// What we derive from hostile fields: links and keys

/** A url, arXiv id or DOI from a hostile file: any string, or one that starts with a scheme we must never link. */
const hostileIdentifier = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.tuple(
    fc.constantFrom('javascript:', 'JaVaScRiPt:', ' javascript:', 'command:', 'vscode:', 'data:', 'http:', 'file:', 'https:', 'https://', 'HTTPS://', '//', '\\\\', 'https:/\\'),
    fc.string({ maxLength: 20 }),
  ).map(([scheme, rest]) => scheme + rest),
  fc.webUrl(),
);

describe('property: links and keys from hostile data', function () {
  this.timeout(30_000);
  it('every link for the webview is https, and the arXiv and DOI links stay on arxiv.org and doi.org', () => {
    fc.assert(
      fc.property(fc.option(hostileIdentifier, { nil: undefined }), fc.option(hostileIdentifier, { nil: undefined }), fc.option(hostileIdentifier, { nil: undefined }), (arxivId, doi, url) => {
        const paper = { arxivId, doi, url };
        for (const link of paperLinks(paper)) {
          const parsed = new URL(link.href);
          assert.equal(parsed.protocol, 'https:', link.href);
          if (link.label.startsWith('arXiv:')) assert.equal(parsed.host, 'arxiv.org');
          if (link.label.startsWith('doi:')) assert.equal(parsed.host, 'doi.org');
          assert.ok(isPaperLink(paper, link.href));
        }
        const citationLink = paperLink(paper);
        if (citationLink === undefined) return;
        const parsed = new URL(citationLink);
        assert.equal(parsed.protocol, 'https:', citationLink);
        if (arxivId) assert.equal(parsed.host, 'arxiv.org');
        else if (doi) assert.equal(parsed.host, 'doi.org');
      }),
      { numRuns: 500 },
    );
  });

  it('citation keys are ASCII letters and digits, and unique, whatever the titles, authors and template', () => {
    const keyFields = fc.record(
      {
        title: fc.oneof(titleText, fc.string({ unit: 'binary', maxLength: 20 })),
        authors: fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('van der Berg, Jan', '__proto__', '李 小龍', 'O\'Brien-Łukasz', ',', '')), { maxLength: 3 }),
        year: fc.integer({ min: 1000, max: 9999 }),
      },
      { requiredKeys: ['title'] },
    );
    const template = fc.constantFrom(undefined, '[auth:lower][shorttitle3_3][year]', '[authors2][year]', '[title:upper]', '[veryshorttitle][auth:capitalize]', 'x[year]', '[bogus]');
    fc.assert(
      fc.property(fc.array(keyFields, { minLength: 1, maxLength: 8 }), template, (papers, keyTemplate) => {
        const keys = assignCitationKeys(papers, keyTemplate);
        for (const key of keys) assert.match(key, /^[A-Za-z0-9]+$/);
        assert.equal(new Set(keys).size, keys.length);
      }),
      { numRuns: 500 },
    );
  });
});
