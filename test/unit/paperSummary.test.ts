import { strict as assert } from 'node:assert';
import type { BibEntry } from '../../src/bibtex/bibliography';
import {
  authorList,
  bibEntryHover,
  commandLink,
  escapeMarkdown,
  excerpt,
  firstSentences,
  paperDocumentation,
  paperHover,
  yearAndVenue,
} from '../../src/citation/paperSummary';
import type { Paper } from '../../src/papers/paper';

const POINTER_NETWORKS: Paper = {
  id: 'pointer-networks',
  title: 'Pointer Networks',
  authors: ['Oriol Vinyals', 'Meire Fortunato', 'Navdeep Jaitly'],
  year: 2015,
  venue: 'NIPS 2015',
  abstract:
    'We introduce a new neural architecture to learn the conditional probability of an output sequence. '
    + 'Such problems cannot be trivially addressed by existent approaches. We call this architecture a Pointer Net.',
};

const HOSTILE_TEXT = '[click](command:paperLookup.addToBibliography?%5B%5D) <img src=x onerror=alert(1)> **bold** `code` &amp; # h https://example.com $(zap)';

/** Every ASCII punctuation character in `markdown` is backslash-escaped, so the text renders literally. */
function assertAllPunctuationEscaped(markdown: string): void {
  for (let i = 0; i < markdown.length; i++) {
    if (!/[!-/:-@[-`{-~]/.test(markdown[i])) continue;
    assert.equal(markdown[i], '\\', `unescaped ${JSON.stringify(markdown[i])} at ${i} in ${markdown}`);
    i++;
  }
}

describe('paperSummary', () => {
  describe('LaTeX in a paper from a .bib', () => {
    const texbook: Paper = {
      id: 'knuth1984',
      title: 'The {\\TeX}book',
      authors: ['Donald E. Knuth', 'Garc{\\\'\\i}a, Mar{\\\'\\i}a'],
      year: 1984,
      venue: 'Addison-Wesley Professional',
      abstract: 'Reaches 91\\% accuracy. The rest follows.',
    };

    /** The text the Markdown renders: its escapes removed. */
    const rendered = (markdown: string): string => markdown.replace(/\\(?=[!-/:-@[-`{-~])/g, '');

    it('shows in a hover as the text it typesets, not as its source', () => {
      const hover = rendered(paperHover(texbook, []));
      assert.match(hover, /The TeXbook/);
      assert.match(hover, /García, María/);
      assert.match(hover, /Reaches 91% accuracy/);
      assert.doesNotMatch(hover, /\\/, 'no LaTeX source left');
    });

    it('shows in completion documentation as the text it typesets', () => {
      const documentation = rendered(paperDocumentation(texbook));
      assert.match(documentation, /García, María/);
      assert.match(documentation, /Reaches 91% accuracy/);
    });
  });

  describe('firstSentences', () => {
    it('returns the first sentences, whitespace collapsed', () => {
      assert.equal(
        firstSentences(POINTER_NETWORKS.abstract, 2),
        'We introduce a new neural architecture to learn the conditional probability of an output sequence. Such problems cannot be trivially addressed by existent approaches.',
      );
      assert.equal(firstSentences('One.\n\n  Two!  Three?', 2), 'One. Two!');
    });

    it('returns all of a text with fewer sentences', () => {
      assert.equal(firstSentences('Only one sentence here.', 2), 'Only one sentence here.');
      assert.equal(firstSentences('No final period', 2), 'No final period');
      assert.equal(firstSentences('', 2), '');
    });

    it('does not end a sentence at an abbreviation, an initial, a decimal or before a lower-case word', () => {
      const text = 'Model families (e.g. ResNet) and work by Vaswani et al. Sections show J. Smith gets 3.5 points vs. Baseline. The end. More.';
      assert.equal(firstSentences(text, 2), 'Model families (e.g. ResNet) and work by Vaswani et al. Sections show J. Smith gets 3.5 points vs. Baseline. The end.');
      assert.equal(firstSentences('It works. we think so. Yes.', 2), 'It works. we think so. Yes.');
    });

    it('keeps closing quotes and brackets with their sentence', () => {
      assert.equal(firstSentences('He said "stop." (It stopped.) Then more.', 2), 'He said "stop." (It stopped.)');
    });
  });

  describe('excerpt', () => {
    it('keeps short text and cuts long text at a word boundary with an ellipsis', () => {
      assert.equal(excerpt('short  text', 20), 'short text');
      assert.equal(excerpt('one two three four', 12), 'one two…');
      assert.equal(excerpt('one two, three', 9), 'one two…');
    });

    it('cuts a text without spaces at a character boundary, never inside a surrogate pair', () => {
      assert.equal(excerpt('𝔸𝔹ℂ𝔻𝔼', 3), '𝔸𝔹ℂ…');
    });
  });

  describe('authorList and yearAndVenue', () => {
    it('names up to five authors, then et al.', () => {
      assert.equal(authorList(['A', 'B']), 'A, B');
      assert.equal(authorList(['A', 'B', 'C', 'D', 'E', 'F']), 'A, B, C, D, E et al.');
      assert.equal(authorList([]), '');
    });

    it('joins what it has with a middle dot', () => {
      assert.equal(yearAndVenue({ year: 2015, venue: 'NIPS 2015' }), '2015 · NIPS 2015');
      assert.equal(yearAndVenue({ year: 2015 }), '2015');
      assert.equal(yearAndVenue({ venue: 'ICML' }), 'ICML');
      assert.equal(yearAndVenue({}), '');
    });
  });

  describe('escapeMarkdown', () => {
    it('escapes every ASCII punctuation character and flattens the text to one line', () => {
      const escaped = escapeMarkdown(`${HOSTILE_TEXT}\n\n- item\n1. item`);
      assertAllPunctuationEscaped(escaped);
      assert.ok(!escaped.includes('\n'));
      assert.equal(escaped.replace(/\\(.)/g, '$1'), `${HOSTILE_TEXT} - item 1. item`);
    });

    it('leaves letters, digits and non-ASCII text alone', () => {
      assert.equal(escapeMarkdown('Gödel 1931 – “Über”'), 'Gödel 1931 – “Über”');
    });
  });

  describe('commandLink', () => {
    it('encodes the arguments as JSON in the query, with brackets percent-encoded too', () => {
      const link = commandLink({ label: 'Open abstract', command: 'paperLookup.showAbstract', args: ['odd (id)'] });
      assert.equal(link, '[Open abstract](command:paperLookup.showAbstract?%5B%22odd%20%28id%29%22%5D)');
      const query = /\?([^)]*)\)$/.exec(link)?.[1] ?? '';
      assert.deepEqual(JSON.parse(decodeURIComponent(query)), ['odd (id)']);
    });

    it('escapes its label', () => {
      assert.match(commandLink({ label: '[x]', command: 'c', args: [] }), /^\[\\\[x\\\]\]\(command:c\?/);
    });
  });

  describe('paperDocumentation', () => {
    it('shows authors, year · venue and the first two sentences of the abstract', () => {
      assert.equal(
        paperDocumentation(POINTER_NETWORKS),
        [
          'Oriol Vinyals\\, Meire Fortunato\\, Navdeep Jaitly',
          '2015 · NIPS 2015',
          'We introduce a new neural architecture to learn the conditional probability of an output sequence\\. Such problems cannot be trivially addressed by existent approaches\\.',
        ].join('\n\n'),
      );
    });

    it('leaves out what the paper lacks', () => {
      assert.equal(paperDocumentation({ id: 'x', title: 'X', abstract: '' }), '');
    });

    it('escapes hostile paper data', () => {
      const hostile: Paper = { id: 'x', title: HOSTILE_TEXT, authors: [HOSTILE_TEXT], venue: HOSTILE_TEXT, abstract: HOSTILE_TEXT };
      for (const paragraph of paperDocumentation(hostile).split('\n\n')) assertAllPunctuationEscaped(paragraph.replace(/ · /g, ' '));
    });
  });

  describe('paperHover', () => {
    const links = [
      { label: 'Open abstract', command: 'paperLookup.showAbstract', args: ['pointer-networks'] },
      { label: 'Add to bibliography', command: 'paperLookup.addToBibliography', args: [{ paperId: 'pointer-networks' }] },
    ];

    it('shows the bold title, authors, year · venue, the abstract and the command links', () => {
      const markdown = paperHover(POINTER_NETWORKS, links);
      const [title, authors, yearVenue, abstract, actions] = markdown.split('\n\n');
      assert.equal(title, '**Pointer Networks**');
      assert.equal(authors, 'Oriol Vinyals\\, Meire Fortunato\\, Navdeep Jaitly');
      assert.equal(yearVenue, '2015 · NIPS 2015');
      assert.ok(abstract.startsWith('We introduce a new neural architecture'), abstract);
      assert.equal(
        actions,
        '[Open abstract](command:paperLookup.showAbstract?%5B%22pointer-networks%22%5D) · [Add to bibliography](command:paperLookup.addToBibliography?%5B%7B%22paperId%22%3A%22pointer-networks%22%7D%5D)',
      );
    });

    it('cuts the abstract to about 300 characters and escapes plain-text actions', () => {
      const long: Paper = { ...POINTER_NETWORKS, abstract: 'word '.repeat(200) };
      const abstract = paperHover(long, []).split('\n\n')[3];
      assert.ok(abstract.length <= 301 && abstract.endsWith('word…'), abstract);
      assert.ok(paperHover(POINTER_NETWORKS, ['in refs.bib as a_b']).endsWith('in refs\\.bib as a\\_b'));
    });

    it('escapes hostile paper data, so the only links are the ones it was given', () => {
      const hostile: Paper = { id: 'x', title: HOSTILE_TEXT, authors: [HOSTILE_TEXT], venue: HOSTILE_TEXT, abstract: HOSTILE_TEXT };
      const paragraphs = paperHover(hostile, links).split('\n\n');
      const actions = paragraphs.pop() ?? '';
      assert.equal(actions, paperHover(POINTER_NETWORKS, links).split('\n\n').pop());
      for (const paragraph of paragraphs) assertAllPunctuationEscaped(paragraph.replace(/^\*\*|\*\*$/g, '').replace(/ · /g, ' '));
    });
  });

  describe('bibEntryHover', () => {
    const entry: BibEntry = { key: 'mine2020', type: 'misc', title: 'My *own* entry', authors: ['Jane Doe', 'John Roe'], year: '2020' };

    it('shows the .bib fields and names the .bib', () => {
      assert.equal(bibEntryHover(entry, 'refs.bib'), '**My \\*own\\* entry**\n\nJane Doe\\, John Roe\n\n2020\n\n*from refs\\.bib*');
    });

    it('shows the venue and the start of the abstract when the .bib has them', () => {
      const full: BibEntry = { ...entry, venue: 'Journal of Things', abstract: `Short start ${'word '.repeat(100)}` };
      const [, , yearVenue, abstract] = bibEntryHover(full, 'refs.bib').split('\n\n');
      assert.equal(yearVenue, '2020 · Journal of Things');
      assert.ok(abstract.startsWith('Short start word') && abstract.endsWith('…') && abstract.length <= 301, abstract);
    });

    it('falls back to the key for an entry without a title', () => {
      assert.equal(bibEntryHover({ key: 'anon_1', type: 'misc', authors: [] }, 'r.bib'), '**anon\\_1**\n\n*from r\\.bib*');
    });
  });
});
