import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { highlightedRuns, latexRuns, readableText, readableTextWithMap, widenToWholeRuns, type LatexRun } from '../../src/shared/latexText';

/** Runs as a compact picture: text as it is, `_x_` italic, `*x*` bold, `` `x` `` monospace, math as `⟨tex⟩` or `⟪tex⟫` (display). */
function picture(runs: readonly LatexRun[]): string {
  return runs.map((run) => {
    if (run.kind === 'math') return run.display ? `⟪${run.tex}⟫` : `⟨${run.tex}⟩`;
    if (run.text === '') return '';
    let text = run.text;
    if (run.style.monospace) text = `\`${text}\``;
    if (run.style.bold) text = `*${text}*`;
    if (run.style.italic) text = `_${text}_`;
    return text;
  }).join('');
}

const show = (source: string): string => picture(latexRuns(source));

describe('LaTeX in titles, names and abstracts, as text to show', () => {
  // Real titles and abstracts: the bundled S4 abstract (arXiv 2111.00396) and records of the arXiv snapshot sample.
  const table: [string, string, string][] = [
    ['inline math \\( … \\)', "the fundamental state space model (SSM) \\( x'(t) = Ax(t) + Bu(t), y(t) = Cx(t) + Du(t) \\), and", "the fundamental state space model (SSM) ⟨x'(t) = Ax(t) + Bu(t), y(t) = Cx(t) + Du(t)⟩, and"],
    ['an escaped percent', 'including (i) 91\\% accuracy on sequential CIFAR-10', 'including (i) 91% accuracy on sequential CIFAR-10'],
    ['a times sign in math', 'while performing generation $60\\times$ faster', 'while performing generation ⟨60\\times⟩ faster'],
    ['math in a title', 'From dyadic $\\Lambda_{\\alpha}$ to $\\Lambda_{\\alpha}$', 'From dyadic ⟨\\Lambda_{\\alpha}⟩ to ⟨\\Lambda_{\\alpha}⟩'],
    ['math glued to a word', 'the $(k,\\ell)$-pebble game with colors', 'the ⟨(k,\\ell)⟩-pebble game with colors'],
    ['an accent with braces after the command', "defined by means of semicubes, and Djokovi\\'{c}'s and Winkler's relations", "defined by means of semicubes, and Djoković's and Winkler's relations"],
    ['an accent in the middle of a word', "Muskhelishvili-Omn\\`es equations, Yndur\\'ain", 'Muskhelishvili-Omnès equations, Ynduráin'],
    ['TeX quotes', "Russian Research Centre ``Kurchatov Institute''", 'Russian Research Centre “Kurchatov Institute”'],
    ['display math', 'is $$E = mc^2$$ and \\[ a^2 + b^2 \\]', 'is ⟪E = mc^2⟫ and ⟪a^2 + b^2⟫'],
    ['a math environment', 'so \\begin{equation} x = 1 \\end{equation} holds', 'so ⟪\\begin{equation} x = 1 \\end{equation}⟫ holds'],
    ['dashes', 'pages 1--10 --- and a-b', 'pages 1–10 — and a-b'],
    ['emphasis', 'an \\emph{exact} and \\textit{fast} and \\textbf{bold} \\texttt{code}', 'an _exact_ and _fast_ and *bold* `code`'],
    ['emphasis by declaration', 'a {\\em new} and {\\bf strong} {\\it claim}', 'a _new_ and *strong* _claim_'],
    ['escaped specials', 'R\\&D costs \\$5 \\# 1 a\\_b \\{x\\}', 'R&D costs $5 # 1 a_b {x}'],
    ['a tie between words is a no-break space', 'Fig.~3 and Smith~et~al.', 'Fig.\u00a03 and Smith\u00a0et\u00a0al.'],
    ['a tilde before a number is a tilde', 'costs ~40% less', 'costs ~40% less'],
    ['dollar amounts stay text', 'between $5 and $10 a month', 'between $5 and $10 a month'],
    ['a lone dollar stays text', 'US$ and $ alone', 'US$ and $ alone'],
    ['unclosed math stays text', 'unclosed \\( x and \\[ y', 'unclosed \\( x and \\[ y'],
    ['a percent sign is no comment', '91% of the rest', '91% of the rest'],
    ['braces group and are not shown', 'The {\\TeX}book on {GPU}s', 'The TeXbook on GPUs'],
    ['letters of their own', '{\\O}stergaard, Stra\\ss e, \\L ukasiewicz, Erd\\H{o}s, {\\aa}ngstr{\\"o}m', 'Østergaard, Straße, Łukasiewicz, Erdős, ångström'],
    ['accented dotless i', "Garc{\\'\\i}a and na\\\"{\\i}ve", 'García and naïve'],
    ['accents become precomposed letters', 'M{\\"u}ller \\v{S}ekoranja Fran\\c{c}ois', 'Müller Šekoranja François'],
    ['macros around a title', '\\foreignlanguage{german}{Über Napkins} and \\bibcyr{Kniga}', 'Über Napkins and Kniga'],
    ['a link shows its text, a URL as it is', '\\href{https://example.org}{our code} at \\url{https://x.org/a_b}', 'our code at `https://x.org/a_b`'],
    ['an unknown command is shown, not dropped', 'the \\la r^2\\ra value', 'the \\la r^2\\ra value'],
    ['symbols', '\\LaTeX\\ and \\ldots{} \\S 2', 'LaTeX and … § 2'],
    ['unbalanced braces', '}} a {{ b', ' a  b'],
  ];
  for (const [name, source, expected] of table) {
    it(name, () => assert.equal(show(source), expected));
  }

  it('gives the picker plain text: decoded, math as its source without the delimiters', () => {
    assert.equal(readableText('91\\% faster, $60\\times$ and \\( x \\)'), '91% faster, 60\\times and x');
    assert.equal(readableText('Sch\\"onberg \\emph{Über}'), 'Schönberg Über');
    assert.equal(readableText('plain text stays'), 'plain text stays');
  });

  it('puts highlight ranges of the source on the decoded text', () => {
    const source = 'Sch\\"onberg and the $\\alpha$-model';
    const runs = highlightedRuns(source, [[0, 11], [20, 28]]);
    assert.deepEqual(runs.map((run) => [run.kind === 'math' ? run.tex : run.text, run.highlighted]), [
      ['Sch', true], ['ö', true], ['nberg', true], [' and the ', false], ['\\alpha', true], ['-model', false],
    ]);
    // A range ending inside verbatim text is cut there.
    assert.deepEqual(highlightedRuns('attention is all', [[0, 4]]).map((run) => [(run as { text: string }).text, run.highlighted]), [['atte', true], ['ntion is all', false]]);
  });

  it('maps offsets between the source and its plain text', () => {
    const source = 'a \\emph{b\\"o} $x$ end';
    const { text, toText, toSource } = readableTextWithMap(source);
    assert.equal(text, 'a bö x end');
    assert.equal(text.slice(toText(source.indexOf('end'), 'start'), toText(source.length, 'end')), 'end');
    assert.equal(source.slice(toSource(text.indexOf('ö'), 'start'), toSource(text.indexOf('ö') + 1, 'end')), '\\"o');
    assert.equal(source.slice(toSource(text.indexOf('x'), 'start'), toSource(text.indexOf('x') + 1, 'end')), '$x$');
  });

  it('widens a cut so that it splits no math and no command', () => {
    const source = 'we get $a + b$ and G\\"odel';
    assert.deepEqual(widenToWholeRuns(source, source.indexOf('+'), source.indexOf('G') + 2), [source.indexOf('$'), source.length - 3]);
    assert.deepEqual(widenToWholeRuns(source, 0, 3), [0, 3]);
  });

  it('reads hostile input in linear time and without running away', () => {
    const many = (unit: string, times: number): string => unit.repeat(times);
    for (const source of [many('$a ', 20_000), many('\\(', 20_000), many('{', 50_000), many('\\emph{', 20_000), many('$$', 20_000), many('\\', 50_001)]) {
      const runs = latexRuns(source);
      assert.ok(runs.length > 0);
    }
  });

  it('decodes every title and abstract of 200 real arXiv records without losing text outside math', () => {
    const file = path.join(__dirname, '..', 'fixtures', 'sources', 'arxiv-snapshot-2007-04.jsonl');
    const records = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { title: string; abstract: string });
    let math = 0;
    for (const record of records) {
      for (const source of [record.title, record.abstract]) {
        const runs = latexRuns(source);
        math += runs.filter((run) => run.kind === 'math').length;
        // Every character of the source belongs to a run, or is markup between runs that shows nothing.
        const words = (text: string): string[] => text.match(/[A-Za-z]{4,}/g) ?? [];
        const shown = runs.map((run) => (run.kind === 'math' ? run.tex : run.text)).join(' ');
        for (const word of words(source.replace(/\\(?:[A-Za-z]+|[^A-Za-z]\{?[A-Za-z]?)/g, ' '))) assert.ok(shown.includes(word), `${word} lost from ${source.slice(0, 80)}`);
      }
    }
    assert.ok(math > 200, `only ${math} math runs`);
  });
});
