import { strict as assert } from 'node:assert';
import { isInLineComment, lineCommentToken } from '../../src/citation/codeComments';
import { citationAtCursor } from '../../src/citation/format';

const REFERENCE = 'Oriol Vinyals et al. (2015). Pointer Networks. https://arxiv.org/abs/1506.03134';

/** The line with the reference inserted where `$$CURSOR$$` is, as Insert Citation writes it into `languageId`. */
function inserted(line: string, languageId: string, languages: Readonly<Record<string, string>> = {}): string {
  const [before, after = ''] = line.split('$$CURSOR$$');
  return before + citationAtCursor(REFERENCE, languageId, before, { languages }) + after;
}

describe('citations in code files', () => {
  it('comments the reference out on a line of code or a blank line', () => {
    assert.equal(inserted('$$CURSOR$$', 'python'), `# ${REFERENCE}`);
    assert.equal(inserted('    $$CURSOR$$', 'python'), `    # ${REFERENCE}`);
    assert.equal(inserted('model = fit(x)$$CURSOR$$', 'python'), `model = fit(x) # ${REFERENCE}`);
    assert.equal(inserted('const x = 1; $$CURSOR$$', 'typescript'), `const x = 1; // ${REFERENCE}`);
    assert.equal(inserted('$$CURSOR$$', 'sql'), `-- ${REFERENCE}`);
    assert.equal(inserted('$$CURSOR$$', 'matlab'), `% ${REFERENCE}`);
    assert.equal(inserted('(defn f [])$$CURSOR$$', 'clojure'), `(defn f []) ; ${REFERENCE}`);
  });

  it('writes the reference as is inside a line comment', () => {
    assert.equal(inserted('# ref: $$CURSOR$$', 'python'), `# ref: ${REFERENCE}`);
    assert.equal(inserted('x = 1  # see$$CURSOR$$', 'python'), `x = 1  # see ${REFERENCE}`);
    assert.equal(inserted('// $$CURSOR$$ for the method', 'rust'), `// ${REFERENCE} for the method`);
    assert.equal(inserted('fn f<\'a>(x: &\'a str) // $$CURSOR$$', 'rust'), `fn f<'a>(x: &'a str) // ${REFERENCE}`);
  });

  it('a reference inserted right after another one in a comment is set apart by a space', () => {
    assert.equal(inserted(`# ${REFERENCE}$$CURSOR$$`, 'python'), `# ${REFERENCE} ${REFERENCE}`);
  });

  it('does not take a comment token inside a string for a comment', () => {
    assert.equal(inserted('url = "https://example.com/a#b"$$CURSOR$$', 'python'), `url = "https://example.com/a#b" # ${REFERENCE}`);
    assert.equal(inserted("const u = 'http://x'; $$CURSOR$$", 'javascript'), `const u = 'http://x'; // ${REFERENCE}`);
    assert.equal(inserted('s = "say \\"# not\\"" $$CURSOR$$', 'ruby'), `s = "say \\"# not\\"" # ${REFERENCE}`);
    assert.equal(inserted('const t = `a // b` $$CURSOR$$', 'typescript'), `const t = \`a // b\` // ${REFERENCE}`);
  });

  it('leaves languages without line comments, and the citation languages, alone', () => {
    for (const languageId of ['plaintext', 'json', 'html', 'css', 'markdown', 'latex', 'restructuredtext', 'unknown-language']) {
      assert.equal(inserted('text $$CURSOR$$', languageId), `text ${REFERENCE}`, languageId);
    }
  });

  it('a style of its own in paperLookup.citation.languages wins', () => {
    assert.equal(inserted('$$CURSOR$$', 'python', { python: 'plain' }), REFERENCE);
    assert.equal(inserted('x = 1 $$CURSOR$$', 'python', { python: '# ${authors} ${link}' }), `x = 1 ${REFERENCE}`);
    assert.equal(inserted('$$CURSOR$$', 'typescript', { python: 'plain' }), `// ${REFERENCE}`);
  });

  it('knows the comment token of common languages', () => {
    const expected: Record<string, string> = { python: '#', r: '#', shellscript: '#', yaml: '#', julia: '#', typescript: '//', c: '//', go: '//', lua: '--', haskell: '--', matlab: '%', clojure: ';' };
    for (const [languageId, token] of Object.entries(expected)) assert.equal(lineCommentToken(languageId), token, languageId);
    assert.equal(lineCommentToken('constructor'), undefined);
  });

  it('finds the comment token outside strings only', () => {
    assert.equal(isInLineComment('', '#'), false);
    assert.equal(isInLineComment('print("#")', '#'), false);
    assert.equal(isInLineComment("print('#') # ", '#'), true);
    assert.equal(isInLineComment('a = "unclosed # ', '#'), false);
    assert.equal(isInLineComment('x = 1 / 2', '//'), false);
    assert.equal(isInLineComment("Dim s = \"it's\" ' ", "'"), true);
  });
});
