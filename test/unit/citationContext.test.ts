import { strict as assert } from 'node:assert';
import { citationAt, citedKeyAt, completionContext, keyInsertion, type CitationLanguage } from '../../src/citation/citationContext';

const CURSOR = '$$CURSOR$$';

/** The fixture's text without the marker, and the marker's offset. */
function fixture(marked: string): { text: string; cursor: number } {
  const cursor = marked.indexOf(CURSOR);
  assert.ok(cursor >= 0 && marked.indexOf(CURSOR, cursor + 1) < 0, 'a fixture has exactly one cursor marker');
  return { text: marked.replace(CURSOR, ''), cursor };
}

/** The text after adding `key` to the citation at the cursor, or undefined when the cursor is in none. */
function extended(marked: string, language: CitationLanguage, key = 'key'): string | undefined {
  const { text, cursor } = fixture(marked);
  const citation = citationAt(text, cursor, language);
  if (!citation) return undefined;
  const { offset, text: inserted } = keyInsertion(citation, key);
  return text.slice(0, offset) + inserted + text.slice(offset);
}

/** The prefix a completion at the cursor would filter by, checked against its range. */
function typedPrefix(marked: string, language: CitationLanguage): string | undefined {
  const { text, cursor } = fixture(marked);
  const context = completionContext(text, cursor, language);
  if (!context) return undefined;
  assert.equal(context.range.end, cursor);
  assert.equal(text.slice(context.range.start, context.range.end), context.prefix);
  return context.prefix;
}

describe('citation context: LaTeX', () => {
  it('extends the citation the cursor is in', () => {
    assert.equal(extended(String.raw`See \cite{a$$CURSOR$$}.`, 'latex'), String.raw`See \cite{a,key}.`);
    assert.equal(extended(String.raw`\cite{a,b$$CURSOR$$}`, 'latex'), String.raw`\cite{a,b,key}`);
  });

  it('puts the key right after the key the cursor is in, keeping the others in order', () => {
    assert.equal(extended(String.raw`\cite{a$$CURSOR$$,b}`, 'latex'), String.raw`\cite{a,key,b}`);
    assert.equal(extended(String.raw`\cite{ab$$CURSOR$$c, d}`, 'latex'), String.raw`\cite{abc,key, d}`);
    assert.equal(extended(String.raw`\cite{a, $$CURSOR$$b}`, 'latex'), String.raw`\cite{a, b,key}`);
  });

  it('fills an empty slot without an extra comma', () => {
    assert.equal(extended(String.raw`\cite{$$CURSOR$$}`, 'latex'), String.raw`\cite{key}`);
    assert.equal(extended(String.raw`\cite{a,$$CURSOR$$}`, 'latex'), String.raw`\cite{a,key}`);
    assert.equal(extended(String.raw`\cite{a, $$CURSOR$$ ,b}`, 'latex'), String.raw`\cite{a, key ,b}`);
  });

  it('knows the natbib and biblatex commands, starred forms and optional arguments', () => {
    for (const command of ['citep', 'citet', 'citeauthor', 'citeyear', 'parencite', 'autocite', 'textcite', 'footcite', 'Textcite', 'citep*', 'citet*']) {
      assert.equal(extended(`\\${command}{a$$CURSOR$$}`, 'latex'), `\\${command}{a,key}`, command);
    }
    assert.equal(extended(String.raw`\citep[see][p.~3]{a$$CURSOR$$}`, 'latex'), String.raw`\citep[see][p.~3]{a,key}`);
    assert.equal(extended(String.raw`\parencite[{chap. [2]}]{a$$CURSOR$$}`, 'latex'), String.raw`\parencite[{chap. [2]}]{a,key}`);
    assert.equal(extended('\\citep [p.~3]\n  {a$$CURSOR$$}', 'latex'), '\\citep [p.~3]\n  {a,key}');
  });

  it('appends to the key list when the cursor is on the command name or in an optional argument', () => {
    assert.equal(extended(String.raw`\ci$$CURSOR$$te{a,b}`, 'latex'), String.raw`\cite{a,b,key}`);
    assert.equal(extended(String.raw`\citep[p.~3$$CURSOR$$]{a}`, 'latex'), String.raw`\citep[p.~3]{a,key}`);
  });

  it('lists the cited keys with their ranges', () => {
    const { text, cursor } = fixture(String.raw`x \citep[p.~3]{ alpha, beta$$CURSOR$$ } y`);
    const citation = citationAt(text, cursor, 'latex');
    assert.ok(citation);
    assert.deepEqual(citation.keys.map(({ key, range }) => [key, text.slice(range.start, range.end)]), [['alpha', 'alpha'], ['beta', 'beta']]);
    assert.equal(text.slice(citation.range.start, citation.range.end), String.raw`\citep[p.~3]{ alpha, beta }`);
  });

  it('is not in a citation before its backslash, after its closing brace, in other commands or across a blank line', () => {
    for (const marked of [
      String.raw`$$CURSOR$$\cite{a}`,
      String.raw`\cite{a}$$CURSOR$$`,
      String.raw`\ref{a$$CURSOR$$}`,
      String.raw`\emph{a$$CURSOR$$}`,
      'plain text$$CURSOR$$',
      '\\cite{a\n\nb$$CURSOR$$}',
    ]) {
      assert.equal(extended(marked, 'latex'), undefined, marked);
    }
  });

  it('offers completion after \\cite{ and after a comma inside one', () => {
    assert.equal(typedPrefix(String.raw`\cite{$$CURSOR$$}`, 'latex'), '');
    assert.equal(typedPrefix(String.raw`\cite{pu$$CURSOR$$}`, 'latex'), 'pu');
    assert.equal(typedPrefix(String.raw`\citep[p.~3]{a, pu$$CURSOR$$}`, 'latex'), 'pu');
    assert.equal(typedPrefix(String.raw`\autocite*{a,$$CURSOR$$`, 'latex'), '');
    assert.equal(typedPrefix(String.raw`\cite{punyEqui$$CURSOR$$variant}`, 'latex'), 'punyEqui');
    assert.equal(typedPrefix(String.raw`\cite{a} and \citep{b, c$$CURSOR$$}`, 'latex'), 'c');
  });

  it('offers no completion outside a key list', () => {
    for (const marked of [String.raw`\cite{a} b$$CURSOR$$`, String.raw`\citep[p$$CURSOR$$]{a}`, String.raw`\label{a$$CURSOR$$}`, 'text$$CURSOR$$']) {
      assert.equal(typedPrefix(marked, 'latex'), undefined, marked);
    }
  });
});

describe('citation context: Markdown', () => {
  it('extends a bracketed citation with "; @key"', () => {
    assert.equal(extended('As shown [@a$$CURSOR$$].', 'markdown'), 'As shown [@a; @key].');
    assert.equal(extended('[see @a, p. 3$$CURSOR$$]', 'markdown'), '[see @a, p. 3; @key]');
    assert.equal(extended('[@a$$CURSOR$$; @b]', 'markdown'), '[@a; @key; @b]');
    assert.equal(extended('[-@a$$CURSOR$$]', 'markdown'), '[-@a; @key]');
    assert.equal(extended('[@a; see @b, chap. 1$$CURSOR$$ ]', 'markdown'), '[@a; see @b, chap. 1; @key ]');
  });

  it('fills an empty item or a bare @', () => {
    assert.equal(extended('[@a; $$CURSOR$$]', 'markdown'), '[@a; @key]');
    assert.equal(extended('[@$$CURSOR$$]', 'markdown'), '[@key]');
    assert.equal(extended('[@a; @$$CURSOR$$]', 'markdown'), '[@a; @key]');
  });

  it('lists the cited keys, including keys with internal punctuation', () => {
    const { text, cursor } = fixture('[see @doe:2020.a, p. 3; -@{Smith & Co}$$CURSOR$$]');
    assert.deepEqual(citationAt(text, cursor, 'markdown')?.keys.map((cited) => cited.key), ['doe:2020.a', '{Smith & Co}']);
  });

  it('is not in a citation in links, images, footnotes, e-mail addresses or plain brackets', () => {
    for (const marked of [
      '[@a$$CURSOR$$](https://example.com)',
      '[text @a$$CURSOR$$][ref]',
      '![@a$$CURSOR$$]',
      '[^1$$CURSOR$$]',
      '[write to a@b.com$$CURSOR$$]',
      '[see note$$CURSOR$$]',
      '[@a] after$$CURSOR$$',
      '- [ $$CURSOR$$] task',
      '[@a\n\n$$CURSOR$$]',
      String.raw`\[@a$$CURSOR$$]`,
    ]) {
      assert.equal(extended(marked, 'markdown'), undefined, marked);
    }
  });

  it('offers completion after [@, ; @ and a blank before @', () => {
    assert.equal(typedPrefix('[@$$CURSOR$$', 'markdown'), '');
    assert.equal(typedPrefix('[@pu$$CURSOR$$]', 'markdown'), 'pu');
    assert.equal(typedPrefix('[@a; @pu$$CURSOR$$]', 'markdown'), 'pu');
    assert.equal(typedPrefix('[@a;@pu$$CURSOR$$]', 'markdown'), 'pu');
    assert.equal(typedPrefix('As @pu$$CURSOR$$ says', 'markdown'), 'pu');
    assert.equal(typedPrefix('line one\n@pu$$CURSOR$$', 'markdown'), 'pu');
    assert.equal(typedPrefix('[-@doe:20$$CURSOR$$]', 'markdown'), 'doe:20');
  });

  it('offers no completion inside an e-mail address or a URL', () => {
    for (const marked of ['mail a@b$$CURSOR$$', 'me@$$CURSOR$$', 'https://x.org/@us$$CURSOR$$', '[x-@a$$CURSOR$$]', 'no at sign$$CURSOR$$']) {
      assert.equal(typedPrefix(marked, 'markdown'), undefined, marked);
    }
  });
});

describe('the cited key at the cursor', () => {
  /** The key at the cursor, checked against its range. */
  const keyAt = (marked: string, language: CitationLanguage): string | undefined => {
    const { text, cursor } = fixture(marked);
    const cited = citedKeyAt(text, cursor, language);
    if (cited) assert.equal(text.slice(cited.range.start, cited.range.end), cited.key);
    return cited?.key;
  };

  it('finds a key in a citation', () => {
    assert.equal(keyAt(String.raw`See \cite{a,vin$$CURSOR$$yals}.`, 'latex'), 'vinyals');
    assert.equal(keyAt('See [@a; @vin$$CURSOR$$yals, p. 3].', 'markdown'), 'vinyals');
  });

  it('finds a bare in-text @key in Markdown, from its @ to its end, without trailing punctuation', () => {
    assert.equal(keyAt('As @vinyals$$CURSOR$$2015 shows.', 'markdown'), 'vinyals2015');
    assert.equal(keyAt('As $$CURSOR$$@vinyals2015 shows.', 'markdown'), 'vinyals2015');
    assert.equal(keyAt('As shown by @vinyals2015$$CURSOR$$.', 'markdown'), 'vinyals2015');
    assert.equal(keyAt('Line one.\n@first and @sec$$CURSOR$$ond:2015, too.', 'markdown'), 'second:2015');
    assert.equal(keyAt('As @{my key}$$CURSOR$$ shows.', 'markdown'), '{my key}');
  });

  it('finds no key in an e-mail address, beside a key, or as a bare @key in LaTeX', () => {
    assert.equal(keyAt('Write to ann@exam$$CURSOR$$ple.org.', 'markdown'), undefined);
    assert.equal(keyAt('As @vinyals2015 $$CURSOR$$shows.', 'markdown'), undefined);
    assert.equal(keyAt('As @vinyals$$CURSOR$$2015 shows.', 'latex'), undefined);
  });
});
