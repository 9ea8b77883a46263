import { strict as assert } from 'node:assert';
import type { LoadedPaper } from '../../src/index/paper';
import { httpsUrl, isPaperLink, panelTitle, paperLinks, toPaperView } from '../../src/shared/paperView';
import { isAbstractPanelState, isWebviewMessage } from '../../src/shared/protocol';

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
  });
});

describe('webview protocol guards', () => {
  it('accepts every well-formed webview message', () => {
    assert.equal(isWebviewMessage({ type: 'ready' }), true);
    assert.equal(isWebviewMessage({ type: 'insertCitation', paperId: 'a' }), true);
    assert.equal(isWebviewMessage({ type: 'copyKey', paperId: 'a' }), true);
    assert.equal(isWebviewMessage({ type: 'openLink', href: 'https://arxiv.org/abs/1' }), true);
  });

  it('rejects malformed messages', () => {
    for (const message of [undefined, null, 'ready', 42, [], {}, { type: 'nope' }, { type: 'copyKey' }, { type: 'insertCitation', paperId: 7 }, { type: 'openLink', href: { toString: () => 'x' } }]) {
      assert.equal(isWebviewMessage(message), false, JSON.stringify(message));
    }
  });

  it('recognises saved panel state', () => {
    assert.equal(isAbstractPanelState({ paperId: 'attention' }), true);
    assert.equal(isAbstractPanelState(undefined), false);
    assert.equal(isAbstractPanelState({ paperId: 1 }), false);
  });
});
