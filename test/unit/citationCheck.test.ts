import { strict as assert } from 'node:assert';
import { checkCitations } from '../../src/citation/citationCheck';
import { citedKeysIn } from '../../src/citation/citationContext';

const keys = (text: string, language: 'latex' | 'markdown'): string[] => citedKeysIn(text, language).map((cited) => cited.key);

describe('every cited key of a document', () => {
  it('LaTeX: every \\cite-like command, with optional arguments, not in comments, not \\nocite{*}', () => {
    const text = [
      'As shown \\cite{a,b} and \\citep[see][p.~3]{c}.',
      '% \\cite{commented}',
      'Costs 5\\% \\textcite{d} \\nocite{*}',
      '\\parencite*{ e , f }',
    ].join('\n');
    assert.deepEqual(keys(text, 'latex'), ['a', 'b', 'c', 'd', 'e', 'f']);
    const [first] = citedKeysIn(text, 'latex');
    assert.equal(text.slice(first.range.start, first.range.end), 'a');
  });

  it('Markdown: bracketed and in-text keys, braced keys, not in code, front matter, comments, links or e-mail addresses', () => {
    const text = [
      '---',
      'title: "@notakey"',
      'bibliography: refs.bib',
      '---',
      'See [@smith2020; -@doe2019, p. 4] and @roe2021 says so. Mail me at me@example.com.',
      '`@inline` and <!-- @comment --> and [a link](https://medium.com/@author) and <https://x.org/@handle>.',
      '```python',
      '@decorator',
      '```',
      'Finally @{weird key} and [@last].',
    ].join('\n');
    assert.deepEqual(keys(text, 'markdown'), ['smith2020', 'doe2019', 'roe2021', 'weird key', 'last']);
    const braced = citedKeysIn(text, 'markdown')[3];
    assert.equal(text.slice(braced.range.start, braced.range.end), 'weird key');
  });
});

describe('citation check (the diagnostics policy)', () => {
  const cited = citedKeysIn('[@inbib; @ours; @nowhere]', 'markdown');
  const input = {
    cited,
    inBibliography: (key: string) => key === 'inbib',
    paperIdForKey: (key: string) => (key === 'ours' || key === 'inbib' ? `id-${key}` : undefined),
  };

  it('finds a key of ours missing from the .bib, and a key found nowhere', () => {
    assert.deepEqual(
      checkCitations({ ...input, reportUnknown: true }).map((finding) => [finding.kind, finding.cited.key, 'paperId' in finding ? finding.paperId : undefined]),
      [['missing-entry', 'ours', 'id-ours'], ['unknown-key', 'nowhere', undefined]],
    );
  });

  it('leaves keys found nowhere alone when the document has no bibliography to check against', () => {
    assert.deepEqual(checkCitations({ ...input, reportUnknown: false }).map((finding) => finding.cited.key), ['ours']);
  });
});
