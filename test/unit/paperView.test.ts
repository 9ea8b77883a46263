import { strict as assert } from 'node:assert';
import type { LoadedPaper } from '../../src/papers/paper';
import type { FieldMatch } from '../../src/search/search';
import { describeAuthorsAndYear, highlightedSnippet, httpsUrl, isPaperLink, panelTitle, paperLinks, readableSnippet, toPaperListItem, toPaperView } from '../../src/protocol/paperView';
import { isAbstractPanelState, isPanelMessage, isPapersViewState, isViewMessage, PAPER_ACTIONS } from '../../src/protocol/protocol';

const paper = (fields: Partial<LoadedPaper> = {}): LoadedPaper => ({
  id: 'attention',
  title: 'Attention Is All You Need',
  abstract: 'The dominant sequence transduction models…',
  key: 'vaswaniAttentionAllYou2017',
  source: 'Bundled papers',
  ...fields,
});

describe('paper view', () => {
  describe('paperLinks', () => {
    it('links the arXiv abstract page and the DOI resolver', () => {
      assert.deepEqual(paperLinks({ arxivId: '1706.03762', doi: '10.5555/3295222.3295349' }), [
        { label: 'arXiv:1706.03762', href: 'https://arxiv.org/abs/1706.03762' },
        { label: 'doi:10.5555/3295222.3295349', href: 'https://doi.org/10.5555/3295222.3295349' },
      ]);
    });

    it('keeps the slash of an old-style arXiv id and encodes DOI characters that would start a query or fragment', () => {
      assert.deepEqual(paperLinks({ arxivId: 'hep-th/9901001' }), [{ label: 'arXiv:hep-th/9901001', href: 'https://arxiv.org/abs/hep-th/9901001' }]);
      const [doiLink] = paperLinks({ doi: '10.1002/(SICI)1097-4571#x?y' });
      assert.equal(doiLink.href, 'https://doi.org/10.1002/(SICI)1097-4571%23x%3Fy');
      assert.equal(new URL(doiLink.href).host, 'doi.org');
    });

    it('cannot be pointed at another host by a crafted identifier', () => {
      for (const link of paperLinks({ arxivId: '//evil.example/x', doi: '@evil.example' })) {
        assert.match(new URL(link.href).host, /^(arxiv|doi)\.org$/);
      }
    });

    it('adds the paper url, labelled by its host, only when it is https', () => {
      assert.deepEqual(paperLinks({ url: 'https://openreview.net/forum?id=abc' }), [{ label: 'openreview.net', href: 'https://openreview.net/forum?id=abc' }]);
      assert.deepEqual(paperLinks({ url: 'http://example.com/paper.pdf' }), []);
      assert.deepEqual(paperLinks({ url: 'javascript:alert(1)' }), []);
      assert.deepEqual(paperLinks({ url: 'JavaScript:alert(document.cookie)//https://x' }), []);
      assert.deepEqual(paperLinks({ url: 'file:///etc/passwd' }), []);
      assert.deepEqual(paperLinks({ url: 'not a url' }), []);
    });

    it('leaves out a url that repeats the arXiv link', () => {
      assert.deepEqual(paperLinks({ arxivId: '1706.03762', url: 'https://arxiv.org/abs/1706.03762' }).map((link) => link.href), ['https://arxiv.org/abs/1706.03762']);
    });

    it('has no links when the paper has no identifiers, or only blank ones', () => {
      assert.deepEqual(paperLinks({}), []);
      assert.deepEqual(paperLinks({ arxivId: ' ', doi: '', url: '' }), []);
    });
  });

  describe('isPaperLink', () => {
    const withLinks = paper({ arxivId: '1706.03762', url: 'https://example.com/a' });

    it('accepts exactly the links built for the paper', () => {
      assert.equal(isPaperLink(withLinks, 'https://arxiv.org/abs/1706.03762'), true);
      assert.equal(isPaperLink(withLinks, 'https://example.com/a'), true);
    });

    it('refuses any other URL, even https, and non-https schemes', () => {
      assert.equal(isPaperLink(withLinks, 'https://evil.example/'), false);
      assert.equal(isPaperLink(withLinks, 'https://arxiv.org/abs/1706.03762?x'), false);
      assert.equal(isPaperLink(withLinks, 'http://arxiv.org/abs/1706.03762'), false);
      assert.equal(isPaperLink(paper({ url: 'javascript:alert(1)' }), 'javascript:alert(1)'), false);
    });
  });

  describe('httpsUrl', () => {
    it('normalizes https URLs and rejects everything else', () => {
      assert.equal(httpsUrl('HTTPS://Example.COM'), 'https://example.com/');
      assert.equal(httpsUrl('http://example.com'), undefined);
      assert.equal(httpsUrl('data:text/html,<script>'), undefined);
      assert.equal(httpsUrl('/relative'), undefined);
    });
  });

  describe('toPaperView', () => {
    it('carries the displayed fields and the checked links', () => {
      const view = toPaperView(paper({ authors: ['Ashish Vaswani', 'Noam Shazeer'], year: 2017, venue: 'NeurIPS', arxivId: '1706.03762' }));
      assert.deepEqual(view, {
        id: 'attention',
        key: 'vaswaniAttentionAllYou2017',
        title: 'Attention Is All You Need',
        abstract: 'The dominant sequence transduction models…',
        authors: ['Ashish Vaswani', 'Noam Shazeer'],
        year: 2017,
        venue: 'NeurIPS',
        source: 'Bundled papers',
        links: [{ label: 'arXiv:1706.03762', href: 'https://arxiv.org/abs/1706.03762' }],
      });
    });

    it('fills in missing optional fields: no authors, no year, venue or links', () => {
      const view = toPaperView(paper({ abstract: '', venue: '' }));
      assert.deepEqual(view.authors, []);
      assert.deepEqual(view.links, []);
      assert.equal(view.abstract, '');
      assert.equal('year' in view, false);
      assert.equal('venue' in view, false);
    });

    it('holds only JSON-safe values, so postMessage delivers it unchanged', () => {
      const view = toPaperView(paper({ authors: ['A'], year: 2020, doi: '10.1/x' }));
      assert.deepEqual(JSON.parse(JSON.stringify(view)), view);
    });
  });

  describe('toPaperListItem', () => {
    const found = paper({ title: 'Pointer Networks', abstract: 'We introduce a new neural architecture to learn pointers.', authors: ['Oriol Vinyals'], year: 2015 });

    it('highlights the matched title ranges and the matched abstract words in a snippet for a search result', () => {
      const matches: FieldMatch[] = [
        { field: 'title', ranges: [[8, 16], [0, 7]] },
        { field: 'abstract', ranges: [[49, 57]] },
      ];
      assert.deepEqual(toPaperListItem(found, matches), {
        id: 'attention',
        title: { text: 'Pointer Networks', highlights: [[0, 7], [8, 16]] },
        description: 'Oriol Vinyals · 2015',
        snippet: { text: 'We introduce a new neural architecture to learn pointers.', highlights: [[49, 57]] },
      });
    });

    it('shows no snippet outside search results, and no description without authors or year', () => {
      assert.deepEqual(toPaperListItem(paper()), { id: 'attention', title: { text: 'Attention Is All You Need', highlights: [] } });
    });
  });

  describe('highlightedSnippet', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`);
    const text = words.join(' ');

    it('moves the ranges inside the snippet to its offsets and drops the rest', () => {
      const target = text.indexOf('word40');
      const snippet = highlightedSnippet(text, [[target, target + 6], [0, 5]], 80);
      assert.ok(snippet.text.startsWith('…') && snippet.text.endsWith('…'), snippet.text);
      assert.equal(snippet.highlights.length, 1);
      const [[start, end]] = snippet.highlights;
      assert.equal(snippet.text.slice(start, end), 'word40');
    });

    it('clips a range cut by the snippet and joins overlapping ones', () => {
      const snippet = highlightedSnippet('short text here', [[0, 5], [3, 10], [12, 99]]);
      assert.deepEqual(snippet, { text: 'short text here', highlights: [[0, 10], [12, 15]] });
    });

    it('never cuts math or a LaTeX command, so the snippet reads as it does in the abstract', () => {
      const text = `${'filler '.repeat(20)}the model \\( x'(t) = Ax(t) + Bu(t) \\) and 91\\% accuracy${' more'.repeat(40)}`;
      for (let width = 60; width <= 160; width += 7) {
        const target = text.indexOf('accuracy');
        const snippet = highlightedSnippet(text, [[target, target + 8]], width);
        const inner = snippet.text.replace(/^…|…$/g, '');
        assert.ok(text.includes(inner));
        // Either all of the math is in, or none of it.
        assert.equal(inner.includes('\\('), inner.includes('\\)'), snippet.text);
        assert.doesNotMatch(inner, /^\\?%|\\$/);
        const [[start, end]] = snippet.highlights;
        assert.equal(snippet.text.slice(start, end), 'accuracy');
      }
    });
  });

  describe('readableSnippet', () => {
    it('is plain text around the match, LaTeX decoded and math without delimiters', () => {
      const text = `${'filler '.repeat(30)}reaching 91\\% accuracy and $60\\times$ faster generation${' more'.repeat(30)}`;
      const target = text.indexOf('accuracy');
      const snippet = readableSnippet(text, [[target, target + 8]], 80);
      assert.match(snippet, /91% accuracy and 60\\times faster/);
      assert.doesNotMatch(snippet, /\$|\\%/);
    });
  });

  describe('describeAuthorsAndYear', () => {
    it('names three authors, then et al., and the year', () => {
      assert.equal(describeAuthorsAndYear({ authors: ['A', 'B', 'C', 'D'], year: 2020 }), 'A, B, C et al. · 2020');
      assert.equal(describeAuthorsAndYear({ year: 2020 }), '2020');
      assert.equal(describeAuthorsAndYear({}), undefined);
    });
  });

  describe('panelTitle', () => {
    it('keeps a short title and collapses its whitespace', () => {
      assert.equal(panelTitle('  Attention   Is All\nYou Need '), 'Attention Is All You Need');
    });

    it('cuts a long title with an ellipsis, never inside a surrogate pair', () => {
      const title = panelTitle('A Very Long Title About Transformers And Many Other Things');
      assert.equal(title, 'A Very Long Title About Transformers An…');
      assert.equal(Array.from(title).length, 40);
      assert.equal(panelTitle('😀😀😀😀', 3), '😀😀…');
    });

    it('shows a LaTeX title as plain text, math as its source', () => {
      assert.equal(panelTitle('From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$'), 'From dyadic \\Lambda_{\\alpha} to \\Lambda…');
      assert.equal(panelTitle('G\\"odel and {\\em Proof}'), 'Gödel and Proof');
    });
  });
});

describe('paper view: bidirectional controls', () => {
  const RLO = '\u202e';
  const hostile = paper({ title: `${RLO}exe.live\u202c Graph Paper`, abstract: `A graph ${RLO}desrever\u202c here.`, authors: [`${RLO}Eve`], key: `key${RLO}x` });

  it('reach the webviews inert: none is left to reorder a title, a name, a key or an abstract', () => {
    const view = toPaperView(hostile);
    for (const text of [view.title, view.abstract, view.key, ...view.authors]) assert.doesNotMatch(text, /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/, JSON.stringify(text));
    assert.equal(view.title, '\u200bexe.live\u200b Graph Paper');
  });

  it('keep the highlights on the matched words', () => {
    const start = hostile.title.indexOf('Graph');
    const item = toPaperListItem(hostile, [{ field: 'title', ranges: [[start, start + 5]] }]);
    const [[from, to]] = item.title.highlights;
    assert.equal(item.title.text.slice(from, to), 'Graph');
  });
});

describe('webview protocol guards', () => {
  const readerMessages = [
    ...PAPER_ACTIONS.map((type) => ({ type, paperId: 'a' })),
    { type: 'open', paperId: 'a' },
    { type: 'openLink', paperId: 'a', href: 'https://arxiv.org/abs/1' },
  ];
  const malformed = [
    undefined, null, 'ready', 42, [], {}, { type: 'nope' }, { type: 'copyKey' }, { type: 'insertCitation', paperId: 7 },
    { type: 'copyBibtex', paperId: ['a'] }, { type: 'open' }, { type: 'openLink', href: 'https://arxiv.org/abs/1' },
    { type: 'openLink', paperId: 'a', href: { toString: () => 'x' } }, { type: 'toString', paperId: 'a' },
  ];

  it('accepts every well-formed panel message', () => {
    for (const message of [{ type: 'ready' }, ...readerMessages]) assert.equal(isPanelMessage(message), true, JSON.stringify(message));
  });

  it('accepts every well-formed view message', () => {
    for (const message of [
      { type: 'viewReady', state: { query: '' } },
      { type: 'viewReady', state: { query: 'ssm', paperId: 'a' } },
      { type: 'search', query: 'state space' },
      ...readerMessages,
    ]) {
      assert.equal(isViewMessage(message), true, JSON.stringify(message));
    }
  });

  it('rejects malformed messages, and messages meant for the other webview', () => {
    for (const message of malformed) {
      assert.equal(isPanelMessage(message), false, JSON.stringify(message));
      assert.equal(isViewMessage(message), false, JSON.stringify(message));
    }
    assert.equal(isPanelMessage({ type: 'search', query: 'x' }), false);
    assert.equal(isViewMessage({ type: 'ready' }), false);
    assert.equal(isViewMessage({ type: 'viewReady' }), false);
    assert.equal(isViewMessage({ type: 'viewReady', state: { query: 1 } }), false);
    assert.equal(isViewMessage({ type: 'search' }), false);
  });

  it('recognises saved view state', () => {
    assert.equal(isPapersViewState({ query: '' }), true);
    assert.equal(isPapersViewState({ query: 'a', paperId: 'b' }), true);
    assert.equal(isPapersViewState({ query: 'a', paperId: 2 }), false);
    assert.equal(isPapersViewState({ paperId: 'b' }), false);
  });

  it('recognises saved panel state', () => {
    assert.equal(isAbstractPanelState({ paperId: 'attention' }), true);
    assert.equal(isAbstractPanelState(undefined), false);
    assert.equal(isAbstractPanelState({ paperId: 1 }), false);
  });
});
