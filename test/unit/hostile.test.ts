/**
 * Hostile input: the corpus in test/fixtures/hostile (its README lists every file and what it must do), in every
 * format we read (our JSON, arXiv JSON Lines, BibTeX), plus inputs too big to commit, generated here. Each goes
 * through its parser, the catalog, what we derive from papers (keys, links, citations, BibTeX) and the CLI, which
 * must stay up, load the good entries, report each problem with the file and its position, and keep hostile text
 * as text.
 */
import { strict as assert } from 'node:assert';
import { inertBidi } from '../../src/shared/untrustedText';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseBibEntries } from '../../src/bibtex/bibliography';
import { toBibtexEntry, toBibtexFile } from '../../src/bibtex/entryWriter';
import { formatCitation, paperLink } from '../../src/citation/format';
import { runCli } from '../../src/cli';
import { parseBibIndexText } from '../../src/sources/bibSource';
import { PaperCatalog } from '../../src/catalog/catalog';
import type { IndexSource } from '../../src/sources/paperSource';
import { parseArxivJsonl, readArxivJsonl } from '../../src/sources/jsonlSource';
import type { LoadedPaper } from '../../src/papers/paper';
import { isCslJsonText, parseCslJsonText } from '../../src/sources/cslJson';
import { formatProblem, isHttpsLink, parseIndexText, type IndexProblem, type ParsedIndex } from '../../src/sources/parseIndex';
import { isPaperLink, panelTitle, toPaperListItem, toPaperView } from '../../src/protocol/paperView';

const root = path.join(__dirname, '..', '..');
const corpusDir = path.join(root, 'test', 'fixtures', 'hostile');
const bundledIndex = path.join(root, 'data', 'papers.json');
const builtCli = path.join(root, 'dist', 'cli.js');

/** What one corpus file must do. */
interface Expectation {
  /** Titles of the papers that load, in file order, exactly as they must be shown. */
  readonly loads: readonly string[];
  /** Every problem in report order: `line:column`, severity, and what the message says. */
  readonly problems: readonly (readonly [position: string, severity: IndexProblem['severity'], message: RegExp])[];
}

const missingTitle = (paper: number) => new RegExp(`^Paper ${paper}: missing or empty "title"; skipped\\.$`);
const ignoredField = (paper: number, field: string) => new RegExp(`^Paper ${paper} \\(".*"\\): "${field}" should be`);
/** JSON.parse's own words follow, quoting the line (its CR too, which `formatProblem` makes a space). */
const invalidJsonLine = /^Invalid JSON: /;

const CORPUS: Readonly<Record<string, Expectation>> = {
  'bom.json': { loads: ['After A Byte-Order Mark'], problems: [['5:5', 'error', missingTitle(2)]] },
  'comments.json': { loads: ['Before The Comment'], problems: [['5:5', 'error', /^Invalid JSON: invalid comment token\.$/]] },
  'crlf.json': { loads: ['CRLF Line Endings'], problems: [['5:5', 'error', missingTitle(2)]] },
  'dangerous-urls.json': {
    loads: [
      'JavaScript Url', 'Mixed Case JavaScript Url', 'Whitespace Before JavaScript', 'Command Url', 'VS Code Url', 'Data Url', 'File Url',
      'Plain Http Url', 'Protocol Relative Url', 'Https Without Host', 'Good Https Url', 'Hostile Identifiers', 'Command In Identifiers',
    ],
    // The first ten papers' urls, one paper per five lines from line 7.
    problems: Array.from({ length: 10 }, (_, i) => [`${7 + 5 * i}:14`, 'warning', /"url" should be an https:\/\/ link; ignored\.$/] as const),
  },
  'deeply-nested.json': { loads: ['Before The Deep Entry'], problems: [['5:184', 'error', /^Invalid JSON: nested more than 128 levels deep\.$/]] },
  'duplicate-ids.json': {
    loads: ['First Owner Of The Id', 'Slug Collision'],
    problems: [
      ['9:5', 'error', /^Paper 2: duplicate id "same" \(already used by paper 1\); skipped\.$/],
      ['18:5', 'error', /^Paper 4: duplicate id "slug-collision" \(already used by paper 3\); skipped\.$/],
      ['22:5', 'error', /^Paper 5: duplicate id "slug-collision" \(already used by paper 3\); skipped\.$/],
    ],
  },
  // Of two equal keys the first counts (JSON.parse would take the last); the file is valid JSON, so nothing is reported.
  'duplicate-keys.json': { loads: ['First Title Key'], problems: [] },
  'emoji.json': { loads: ['😀 Emoji 👩‍👩‍👧‍👦 Family 🏳️‍🌈 Flag', '🤖🤖🤖'], problems: [] },
  'empty.json': { loads: [], problems: [['1:1', 'error', /^The file is empty/]] },
  'hostile-index-name.json': { loads: ['Paper In A Badly Named Index'], problems: [] },
  'html-payloads.json': {
    loads: ['<script>alert(1)</script>', 'Title With <img src=x onerror=alert(1)> Inside', '&lt;script&gt; Entities &amp; &#x3C;b&#x3E;'],
    problems: [],
  },
  'huge-numbers.json': {
    loads: ['Year Overflows', 'Year Negative Zero', 'Year With Exponent', 'Year Too Precise'],
    problems: [['4:58', 'warning', ignoredField(1, 'year')], ['5:62', 'warning', ignoredField(2, 'year')]],
  },
  'invalid-json-at-start.json': { loads: [], problems: [['1:1', 'error', /^Invalid JSON: invalid symbol\.$/]] },
  'invalid-json-mid-entry.json': { loads: ['Loaded Before The Error'], problems: [['5:43', 'error', /^Invalid JSON: colon expected\.$/]] },
  // The bytes that are no UTF-8 are read as U+FFFD, as every UTF-8 decoder does.
  'invalid-utf8.json': { loads: ['Invalid \ufffd\ufffd\ufffd UTF-8'], problems: [] },
  'javascript-not-json.json': { loads: [], problems: [['1:3', 'error', /^Invalid JSON: invalid symbol\.$/]] },
  'latex-specials.json': {
    loads: [
      'Braces {in} Titles and {Nested {Ones}} and Unbalanced } {',
      "All At Once: \\ { } $ % & # _ ~ ^ < > -- ``quotes''",
      '\\input{/etc/passwd} \\write18{rm -rf ~} \\immediate\\write18{x}',
      'Math $x^2 + \\sqrt{y}$ and \\(\\alpha\\) and \\[ z \\]',
    ],
    problems: [],
  },
  'lone-surrogates.json': { loads: ['Lone \ud800 High And \udfff Low Surrogate'], problems: [] },
  // Link, image, HTML, icon and bidi syntax in every text field, and a command link as a duplicated id: loaded as text.
  // test/unit/untrustedText.test.ts feeds every string of this file through what builds messages, hovers and labels.
  'markup-in-text.json': {
    loads: [
      'Command Link In The Id',
      '[Open details](command:workbench.action.terminal.new) and [UPPER](COMMAND:workbench.action.terminal.new)',
      '![tracking pixel](https://evil.example/pixel.png?user=1) <https://evil.example/autolink> <command:workbench.action.terminal.new>',
      'Bare javascript:alert(1) and command:workbench.action.terminal.new and data:text/html,<script>alert(1)</script> and vscode:extension/x',
      '[Split] (command:workbench.action.terminal.new) [Tab] (command:workbench.action.terminal.new) [Mark]\u200f(command:workbench.action.terminal.new)',
      '\u202erefs.bib\u202c Override \u2066Isolate\u2069 \u2067RTL\u2069 \u2068First\u2069 \u202aLRE\u202c \u202bRLE\u202c \u200eLRM \u061cALM',
      '$(warning) $(loading~spin) $(github) \\$(already-escaped) $(not an icon)',
      '**bold** _em_ `code` # heading | table | ~~strike~~ &amp; &#x3C;b&#x3E; \\[escaped\\](command:x)',
    ],
    problems: [['10:5', 'error', /^Paper 2: duplicate id "\[Open the index documentation\]\(command:workbench\.action\.terminal\.new\?[^"]*\)" \(already used by paper 1\); skipped\.$/]],
  },
  'missing-titles.json': {
    loads: ['Kept Before', 'Kept After'],
    problems: [['8:5', 'error', missingTitle(2)], ['11:5', 'error', missingTitle(3)], ['15:5', 'error', missingTitle(4)], ['19:5', 'error', missingTitle(5)]],
  },
  'missing-version.json': { loads: ['No Version Field'], problems: [['1:1', 'warning', /^Missing "version"; reading the file as version 1\.$/]] },
  'non-object-entries.json': {
    loads: ['The Only Object'],
    problems: ['number', 'string', 'null', 'boolean', 'array'].map((type, i) => [`${4 + i}:5`, 'error', new RegExp(`^Paper ${i + 1}: expected an object, found ${type}; skipped\\.$`)] as const),
  },
  'nul-and-control-characters.json': { loads: ['Null Byte', 'Carriage Return Vertical Form'], problems: [] },
  'null-values.json': { loads: ['Every Optional Field Null'], problems: [['4:5', 'error', missingTitle(1)]] },
  'numbers-as-ids.json': {
    loads: ['Integer Id', 'Float Id', 'Negative Id', 'String Of Digits'],
    problems: [['7:13', 'warning', ignoredField(1, 'id')], ['12:13', 'warning', ignoredField(2, 'id')], ['17:13', 'warning', ignoredField(3, 'id')]],
  },
  'proto-keys.json': {
    loads: ['__proto__', 'constructor', 'toString valueOf hasOwnProperty', 'Prototype Authors'],
    problems: [['9:64', 'warning', ignoredField(4, 'authors')]],
  },
  'raw-control-character.json': { loads: ['Before The Raw Byte'], problems: [['5:16', 'error', /^Invalid JSON: invalid character\.$/]] },
  'right-to-left-and-combining.json': {
    loads: [
      '\u202eevil.exe\u202c Override And \u2067Isolate\u2069',
      '\u05e9\u05dc\u05d5\u05dd \u0639\u0627\u0644\u0645 Mixed Direction',
      'Z\u0351\u036b\u0343a\u0310\u0367l\u0357g\u0344o Combining Marks',
      // U+FEFF inside text is whitespace to JavaScript, so it is collapsed like a space; the zero-width ones are kept.
      'Zero\u200bWidth\u200dJoiner Inside',
    ],
    problems: [],
  },
  'trailing-comma.json': { loads: ['Before The Trailing Comma'], problems: [['5:3', 'error', /^Invalid JSON: value expected\.$/]] },
  'truncated-between-entries.json': {
    loads: ['First Complete Paper', 'Second Complete Paper'],
    problems: [['14:6', 'error', /^Invalid JSON: close bracket expected\.$/]],
  },
  'truncated-mid-entry.json': {
    loads: ['First Complete Paper', 'Second Complete Paper'],
    problems: [['20:9', 'error', /^Invalid JSON: unexpected end of string\.$/]],
  },
  'unsupported-version.json': { loads: [], problems: [['2:14', 'error', /^Unsupported "version" 2; this release reads version 1\.$/]] },
  'utf16-le.json': { loads: [], problems: [['1:1', 'error', /^Invalid JSON: invalid symbol\.$/]] },
  'whitespace-only.json': { loads: [], problems: [['1:1', 'error', /^The file is empty/]] },
  'wrong-type-fields.json': {
    loads: [
      'Good Paper With Every Field', 'Id Is A Number', 'Abstract Is An Object', 'Authors Is A String', 'Authors Holds A Number',
      'Year Is A String', 'Year Is A Fraction', 'Year Out Of Range', 'Venue Is An Object', 'Identifiers Of Wrong Types',
    ],
    problems: [
      ['3:11', 'warning', /^"name" should be a string; ignored\.$/],
      ['20:13', 'warning', ignoredField(2, 'id')],
      ['24:5', 'error', missingTitle(3)],
      ['28:5', 'error', missingTitle(4)],
      ['39:19', 'warning', ignoredField(5, 'abstract')],
      ['46:18', 'warning', ignoredField(6, 'authors')],
      ['51:18', 'warning', ignoredField(7, 'authors')],
      ['59:15', 'warning', ignoredField(8, 'year')],
      ['64:15', 'warning', ignoredField(9, 'year')],
      ['69:15', 'warning', ignoredField(10, 'year')],
      ['74:16', 'warning', ignoredField(11, 'venue')],
      ['81:18', 'warning', ignoredField(12, 'arxivId')],
      ['82:14', 'warning', ignoredField(12, 'doi')],
      ['83:14', 'warning', ignoredField(12, 'url')],
    ],
  },
  'wrong-type-papers.json': { loads: [], problems: [['3:13', 'error', /^Expected "papers" to be an array of papers\.$/]] },
  // A top-level array is CSL JSON (src/sources/cslJson.ts): its item with a title loads.
  'wrong-type-top-level.json': { loads: ['Inside A Top-Level Array'], problems: [] },
  'wrong-type-version.json': { loads: [], problems: [['2:14', 'error', /^Unsupported "version" "1"; this release reads version 1\.$/]] },

  // arXiv JSON Lines: a problem is at its line, column 1, or for invalid JSON where the JSON goes wrong.
  'bom.jsonl': { loads: ['After A Byte-Order Mark', 'Second Line'], problems: [] },
  'crlf.jsonl': { loads: ['First CRLF Line', 'Third CRLF Line'], problems: [['2:31', 'error', invalidJsonLine]] },
  'dangerous-urls.jsonl': { loads: ['JavaScript As Id', 'Command As Id', 'Url Field Is Ignored'], problems: [] },
  'duplicate-ids.jsonl': {
    loads: ['First Owner Of The Id', 'Same Id With A Version'],
    problems: [['2:1', 'error', /^Duplicate id "2010\.00001" \(already on an earlier line\); skipped\.$/]],
  },
  'emoji-and-right-to-left.jsonl': { loads: ['😀 Emoji 👩‍👩‍👧‍👦 Family 🏳️‍🌈 Flag', '\u202eevil.exe\u202c Override And \u2067Isolate\u2069'], problems: [] },
  // An empty JSON Lines file is a valid stream of no records, but most likely not what the user meant to load.
  'empty.jsonl': { loads: [], problems: [['1:1', 'warning', /^The file is empty; no papers loaded\.$/]] },
  'html-payloads.jsonl': { loads: ['<script>alert(1)</script>', 'Title With <img src=x onerror=alert(1)> Inside'], problems: [] },
  'invalid-line-mid-file.jsonl': { loads: ['Before The Broken Line', 'After The Broken Line'], problems: [['2:58', 'error', invalidJsonLine]] },
  'missing-title.jsonl': {
    loads: ['Kept Before', 'Kept After'],
    problems: [2, 3, 4].map((line) => [`${line}:1`, 'error', new RegExp(`^Paper "2002\\.0000${line}" has no title; skipped\\.$`)] as const),
  },
  'non-object-lines.jsonl': {
    loads: ['The Only Object'],
    problems: [1, 2, 3, 4].map((line) => [`${line}:1`, 'error', /^Expected one JSON object per line; line skipped\.$/] as const),
  },
  // Escaped control characters in JSON Lines titles become spaces, as in JSON index files; a raw one is invalid JSON.
  'nul-and-control-characters.jsonl': {
    loads: ['Null Byte [31mRed [0m Bell', 'After The Raw Byte'],
    problems: [['2:31', 'error', /^Invalid JSON: invalid character; line skipped\.$/]],
  },
  'truncated-last-line.jsonl': { loads: ['First Complete Line', 'Second Complete Line'], problems: [['3:31', 'error', /^Invalid JSON: unexpected end of string; line skipped\.$/]] },
  'wrong-types.jsonl': {
    loads: ['Other Fields Mistyped'],
    problems: [
      ['1:1', 'error', /^The "id" is a number; arXiv ids must be strings/],
      ['2:1', 'error', /^Paper "2001\.00002" has no title; skipped\.$/],
      ['3:1', 'error', /^Paper "2001\.00003" has no title; skipped\.$/],
    ],
  },

  // BibTeX: a problem is at the entry's `@`, or at the field it is about.
  'bom-and-crlf.bib': { loads: ['First CRLF Entry'], problems: [['8:1', 'error', /^Entry "crlfSecond" has no title; skipped\.$/]] },
  'dangerous-urls.bib': {
    loads: ['JavaScript Url', 'Mixed Case JavaScript Url', 'Command Url', 'Data Url', 'Plain Http Url', 'Good Https Url', 'Hostile Identifiers'],
    problems: [3, 8, 13, 18, 23].map((line) => [`${line}:3`, 'warning', /^Entry "\w+": "url" should be an https:\/\/ link; ignored\.$/] as const),
  },
  'duplicate-keys.bib': {
    loads: ['First Owner Of The Key', 'Another Paper'],
    problems: [['11:1', 'error', /^Duplicate key "same" \(already used by an earlier entry\); skipped\.$/]],
  },
  // An empty .bib is a bibliography nobody has added to yet: worth a word, not an error.
  'empty.bib': { loads: [], problems: [['1:1', 'warning', /^The file is empty; no papers loaded\.$/]] },
  // The BibTeX parser reads `<` and `>` as LaTeX's OT1 font encoding prints them: ¡ and ¿. Text either way.
  'html-payloads.bib': { loads: ['¡script¿alert(1)¡/script¿'], problems: [] },
  // LaTeX is rendered to text by the parser: commands lose their backslash, so nothing downstream runs them.
  'latex-specials.bib': { loads: ['All At Once: { } $ % & # _ \u0303 \u0302 – “quotes”', '/etc/passwd 18rm -rf `=11', 'Math $x^2 + \\sqrt{y}$ and \\(\\alpha\\)'], problems: [] },
  'missing-title.bib': {
    loads: ['Kept Before', 'Kept After'],
    problems: [['6:1', 'noTitle'], ['11:1', 'emptyTitle'], ['16:1', 'blankTitle']].map(([at, key]) => [at, 'error', new RegExp(`^Entry "${key}" has no title; skipped\\.$`)] as const),
  },
  'not-bibtex.bib': { loads: [], problems: [['1:1', 'error', /^No BibTeX entries found\.$/]] },
  'nul-and-control-characters.bib': { loads: ['Null Byte [31mRed [0m Bell'], problems: [] },
  'string-macros.bib': { loads: ['Venue From A Macro', 'Undefinednosuchmacro Macro', 'Expanding Macro', 'Self Reference'], problems: [] },
  'truncated.bib': { loads: ['Complete Entry'], problems: [['6:1', 'error', /^Entry "cut" could not be read \(unbalanced braces or quotes\?\); skipped\.$/]] },
  'unbalanced-braces.bib': {
    loads: ['Before The Unbalanced Entry', 'After The Unbalanced Entry'],
    problems: [['7:1', 'error', /^Entry "unbalanced" could not be read \(unbalanced braces or quotes\?\); skipped\.$/]],
  },
};

/** Reads an index file in the format its extension says, as the extension and the CLI do. */
async function readIndex(file: string): Promise<ParsedIndex> {
  if (file.endsWith('.jsonl')) return parseArxivJsonl(createReadStream(file), file);
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.bib') ? parseBibIndexText(text, file) : isCslJsonText(text) ? parseCslJsonText(text, file) : parseIndexText(text, file);
}

/** The corpus entry that is a folder, not a file. */
const DIRECTORY_CASE = 'directory-not-a-file.json';

const corpusFile = (name: string): string => path.join(corpusDir, name);

/** The CLI run in this process with its output captured. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, { stdout: (text) => stdout.push(text), stderr: (text) => stderr.push(text), bundledIndex });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

function bundledSource(): IndexSource {
  const parsed = parseIndexText(readFileSync(bundledIndex, 'utf8'), bundledIndex);
  return { name: 'Bundled papers', location: bundledIndex, papers: parsed.papers, problems: parsed.problems };
}

/** A problem's position must be a real place in the text: a line it has, a column within that line or just after it. */
function assertPositionInText(problem: IndexProblem, text: string): void {
  const lines = text.split('\n');
  assert.ok(problem.line >= 1 && problem.line <= lines.length, `${formatProblem(problem)}: no line ${problem.line}`);
  assert.ok(problem.column >= 1 && problem.column <= lines[problem.line - 1].length + 1, `${formatProblem(problem)}: no column ${problem.column}`);
}

/**
 * Where the parser must report JSON nested too deeply: at the first bracket of `nestedValue` (the start of a value
 * three levels down: top-level object, papers array, paper) that is more than 128 levels deep.
 */
function tooDeepPosition(text: string, nestedValue: string): string {
  const offset = text.indexOf(nestedValue) + nestedValue.length + (128 - 3);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return `${text.slice(0, lineStart).split('\n').length}:${offset - lineStart + 1}`;
}

/** Text as the BibTeX writer documents it: composed, whitespace and control characters collapsed. */
// eslint-disable-next-line no-control-regex
const asWritten = (text: string): string => text.normalize('NFC').replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();

/** Inline TeX math as the BibTeX writer reads it in a title (`$x$`, not `$ 5 and $`; `\(x\)`). */
const HAS_MATH = /(?<!\\)\$(?=[^\s$])(?:[^$\\]|\\[\s\S])*?[^\s\\]\$(?!\d)|\\\(/;

/** Everything derived from a loaded paper that reaches a user: key, links, citations, list item, BibTeX. */
async function assertDerivedValuesSafe(paper: LoadedPaper): Promise<void> {
  assert.match(paper.key, /^[A-Za-z0-9]+$/, `key of ${JSON.stringify(paper.title)}`);
  const view = toPaperView(paper);
  // As text, with bidirectional controls made inert (zero-width spaces: every offset kept).
  assert.equal(view.title, inertBidi(paper.title), 'the panel shows the title as text');
  assert.equal(view.abstract, inertBidi(paper.abstract), 'the panel shows the abstract as text');
  assert.doesNotMatch(`${view.title}${view.abstract}${view.authors.join('')}`, /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/, 'no bidirectional control reaches the panel');
  for (const link of view.links) {
    assert.equal(new URL(link.href).protocol, 'https:', link.href);
    assert.ok(isPaperLink(paper, link.href), link.href);
  }
  const link = paperLink(paper);
  if (link !== undefined) assert.equal(new URL(link).protocol, 'https:', link);
  if (paper.url !== undefined) assert.ok(isHttpsLink(paper.url), `url ${paper.url}`);
  assert.ok(Array.from(panelTitle(paper.title)).length <= 40);
  assert.equal(toPaperListItem(paper).title.text, inertBidi(paper.title));
  assert.equal(formatCitation(paper, 'markdown'), `[@${paper.key}]`);
  assert.equal(formatCitation(paper, 'latex'), `\\cite{${paper.key}}`);
  assert.equal(typeof formatCitation(paper, 'plain'), 'string');
  assert.match(await toBibtexEntry(paper), new RegExp(`^@\\w+\\{${paper.key},\n`));
}

describe('hostile index corpus (test/fixtures/hostile)', function () {
  this.timeout(20_000);
  const catalogBase = bundledSource();

  it('has at least 30 inputs, ten or more in each format we read, each listed in the README and expected here', () => {
    const entries = readdirSync(corpusDir).filter((name) => !['README.md', '.gitattributes'].includes(name));
    assert.ok(entries.length >= 30, `only ${entries.length} inputs`);
    for (const format of ['.json', '.jsonl', '.bib']) {
      const count = entries.filter((name) => path.extname(name) === format).length;
      assert.ok(count >= 10, `only ${count} ${format} inputs`);
    }
    assert.deepEqual(entries.filter((name) => name !== DIRECTORY_CASE).sort(), Object.keys(CORPUS).sort());
    const readme = readFileSync(path.join(corpusDir, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `([^`]+)`/gm)].map((match) => match[1]);
    for (const name of entries) assert.ok(listed.includes(name), `${name} is not in the README table`);
    for (const name of listed.filter((name) => !name.startsWith('generated:'))) assert.ok(entries.includes(name), `the README lists ${name}, which does not exist`);
  });

  for (const [name, expected] of Object.entries(CORPUS)) {
    describe(name, () => {
      const file = corpusFile(name);
      const text = (): string => readFileSync(file, 'utf8');

      it('loads the good entries and reports every problem with the file and its position', async () => {
        const parsed = await readIndex(file);
        assert.deepEqual(parsed.papers.map((paper) => paper.title), expected.loads);
        assert.deepEqual(
          parsed.problems.map((problem) => `${problem.line}:${problem.column} ${problem.severity}`),
          expected.problems.map(([position, severity]) => `${position} ${severity}`),
          parsed.problems.map(formatProblem).join('\n'),
        );
        parsed.problems.forEach((problem, i) => {
          assert.deepEqual(Object.keys(problem).sort(), ['column', 'file', 'line', 'message', 'severity'], 'a problem carries nothing else (no copy of the text)');
          assert.equal(problem.file, file);
          assert.match(problem.message, expected.problems[i][2]);
          assert.doesNotMatch(formatProblem(problem), /[\n\r]/, 'one line per problem');
          assertPositionInText(problem, text());
        });
      });

      it('builds a catalog whose keys, links, citations and panel data are safe', async () => {
        const parsed = await readIndex(file);
        const catalog = new PaperCatalog([catalogBase, { name, location: file, papers: parsed.papers, problems: parsed.problems }]);
        const loaded = [...catalog].filter((paper) => paper.source === name);
        assert.deepEqual(loaded.map((paper) => paper.title), expected.loads);
        for (const paper of loaded) {
          assert.equal(catalog.get(paper.id), paper);
          assert.equal(catalog.getByKey(paper.key), paper);
          await assertDerivedValuesSafe(paper);
          assert.ok(catalog.search(paper.title.slice(0, 30), 5).length <= 5);
        }
      });

      it('writes BibTeX that reads back with the same titles, authors and years', async () => {
        const parsed = await readIndex(file);
        const papers = [...new PaperCatalog([{ name, location: file, papers: parsed.papers, problems: [] }])];
        const entries = await parseBibEntries(await toBibtexFile(papers));
        assert.deepEqual(entries.map((entry) => entry.key), papers.map((paper) => paper.key));
        entries.forEach((entry, i) => {
          // TeX math in a title is written as math, which the reader gives back typeset (`$x^2$` → x²).
          if (!HAS_MATH.test(papers[i].title)) assert.equal(entry.title, asWritten(papers[i].title));
          // Every corpus name is "Given Family", with no comma.
          assert.deepEqual(entry.authors, (papers[i].authors ?? []).map(asWritten));
          assert.equal(entry.year, papers[i].year?.toString());
        });
      });

      it('keeps the CLI up: each problem on its own stderr line as file:line:column, the good entries in its output', async () => {
        const result = await cli('bib', '--index', file);
        const lines = result.stderr === '' ? [] : result.stderr.split('\n');
        const unusable = expected.loads.length === 0 && expected.problems.some(([, severity]) => severity === 'error');
        // A single problem line is the whole message; after several, a summary line ends it.
        if (unusable && expected.problems.length > 1) assert.equal(lines.pop(), 'paper-lookup: no paper could be loaded from the index file.');
        assert.equal(lines.length, expected.problems.length, result.stderr);
        lines.forEach((line, i) => {
          const [position, severity] = expected.problems[i];
          assert.ok(line.startsWith(`${file}:${position}: ${severity}: `), line);
        });
        if (unusable) {
          assert.equal(result.code, 2);
          assert.equal(result.stdout, '', 'no .bib of the bundled papers alone');
        } else {
          assert.equal(result.code, 0, result.stderr);
          const entries = await parseBibEntries(result.stdout);
          assert.equal(entries.length, catalogBase.papers.length + expected.loads.length);
        }
      });
    });
  }

  it('a folder where an index file was expected, in each format: one line naming it, and exit 2 when it was the only index', async () => {
    const workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-hostile-dir-'));
    try {
      const folders = [corpusFile(DIRECTORY_CASE), path.join(workDir, 'folder.jsonl'), path.join(workDir, 'folder.bib')];
      for (const folder of folders.slice(1)) mkdirSync(folder);
      for (const folder of folders) {
        assert.ok(statSync(folder).isDirectory());
        const result = await cli('search', 'x', '--index', folder);
        assert.equal(result.code, 2);
        assert.equal(result.stderr, `${folder}:1:1: error: Expected an index file but found a directory.`);
      }
      const withGoodIndex = await cli('search', 'kept before', '--limit', '1', '--index', folders[1], '--index', corpusFile('missing-title.bib'));
      assert.equal(withGoodIndex.code, 0, 'the other index still loads and is searched');
      assert.match(withGoodIndex.stdout, /^ 1\. Kept Before/);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});

describe('hostile text is kept as text', () => {
  const load = (name: string) => parseIndexText(readFileSync(corpusFile(name), 'utf8'), name);

  it('keeps HTML and script payloads in every field verbatim', () => {
    const [first, second, third] = load('html-payloads.json').papers;
    assert.equal(first.abstract, '<img src=x onerror=alert(document.cookie)> and <svg onload=alert(1)>');
    assert.deepEqual(first.authors, ['<iframe src="javascript:alert(1)"></iframe>', '"><script>alert(2)</script>']);
    assert.equal(first.venue, '</textarea><script>alert(3)</script>');
    assert.equal(second.abstract, '<style>body{display:none}</style><link rel=stylesheet href=https://evil.example/x.css>');
    assert.equal(third.abstract, '<a href="command:workbench.action.terminal.new">click</a>');
  });

  it('prints payloads from the CLI as JSON strings, never as markup or commands', async () => {
    const hits = JSON.parse((await cli('search', 'script', '--json', '--limit', '50', '--index', corpusFile('html-payloads.json'))).stdout);
    assert.ok(hits.some((hit: { title: string }) => hit.title === '<script>alert(1)</script>'));
  });

  it('collapses NUL, escape and other control characters to spaces, like line breaks', () => {
    const [paper, other] = load('nul-and-control-characters.json').papers;
    assert.equal(paper.abstract, 'Bell escape [31m red [0m delete end');
    assert.deepEqual(paper.authors, ['Tab Name', 'Line Break']);
    assert.equal(other.venue, 'Venue');
    assert.equal(load('crlf.json').papers[0].abstract, 'Line one. Line two.');
  });

  it('keeps right-to-left, combining, zero-width and emoji characters, and keys them in ASCII', () => {
    const papers = [...load('right-to-left-and-combining.json').papers, ...load('emoji.json').papers];
    assert.deepEqual(papers[0].authors, ['\u05d3\u05d5\u05d3 \u05dc\u05d5\u05d9', '\u0645\u062d\u0645\u062f \u0639\u0644\u064a']);
    assert.deepEqual(papers[2].authors, ['Cafe\u0301 Decomposed', 'Caf\u00e9 Composed']);
    const catalog = new PaperCatalog([{ name: 'x', location: 'x', papers, problems: [] }]);
    for (const paper of catalog) assert.match(paper.key, /^[A-Za-z0-9]+$/);
    assert.equal(catalog.get('paper-2')?.title, '🤖🤖🤖', 'a title without ASCII letters gets its position as id');
  });

  it('writes LaTeX commands from titles as text, so TeX runs none of them', async () => {
    const papers = [...new PaperCatalog([{ name: 'x', location: 'x', papers: load('latex-specials.json').papers, problems: [] }])];
    const bib = await toBibtexFile(papers);
    assert.doesNotMatch(bib, /\\(?:input|write18|immediate|catcode)\b/);
    // Math stays math (\sqrt, \alpha), as TeX titles need; only TeX that does more than typeset is escaped.
    assert.match(bib, /\{\$x\^2 \+ \\sqrt\{y\}\$\}/);
    assert.match(bib, /\\textbackslash\{\}input\\\{\/etc\/passwd\\\}/);
  });

  it('never lets __proto__ or constructor keys reach a prototype', () => {
    const parsed = load('proto-keys.json');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    assert.deepEqual(parsed.papers.map((paper) => paper.id), ['__proto__', 'constructor', 'toString', 'prototype-authors']);
    const catalog = new PaperCatalog([{ name: 'x', location: 'x', papers: parsed.papers, problems: [] }]);
    assert.equal(catalog.get('__proto__')?.title, '__proto__');
    assert.equal(catalog.get('constructor')?.title, 'constructor');
    assert.equal(catalog.get('hasOwnProperty'), undefined);
    assert.equal(catalog.getByKey('valueOf'), undefined);
  });

  it('expands BibTeX @string macros a bounded way: chained ones, self-referencing ones, undefined ones', async () => {
    const [venue, undefinedMacro, expanding, selfReference] = (await readIndex(corpusFile('string-macros.bib'))).papers;
    assert.equal(venue.venue, 'Journal Of Macros');
    assert.equal(undefinedMacro.title, 'Undefinednosuchmacro Macro', 'an undefined macro is its name, as BibTeX warns and goes on');
    assert.equal(expanding.abstract, 'x'.repeat(10_000));
    assert.equal(selfReference.title, 'Self Reference');
  });

  it('cleans the index name, which appears in one-line messages', () => {
    assert.equal(load('hostile-index-name.json').name, 'Evil Name <script>alert(1)</script>');
  });

  it('ignores numbers given as ids and years out of range, keeping the papers', () => {
    assert.deepEqual(load('numbers-as-ids.json').papers.map((paper) => paper.id), ['integer-id', 'float-id', 'negative-id', '42']);
    assert.deepEqual(load('huge-numbers.json').papers.map((paper) => paper.year), [undefined, undefined, 2023, 2023]);
    assert.deepEqual(load('null-values.json').papers, [{ id: 'every-optional-field-null', title: 'Every Optional Field Null', abstract: '' }]);
  });
});

describe('webview and citation links from hostile urls and identifiers', () => {
  const catalog = new PaperCatalog([
    { name: 'urls', location: 'urls', papers: parseIndexText(readFileSync(corpusFile('dangerous-urls.json'), 'utf8'), 'urls').papers, problems: [] },
  ]);

  it('are https only, to arxiv.org, doi.org or the https url given', () => {
    const hrefs = [...catalog].flatMap((paper) => toPaperView(paper).links.map((link) => link.href));
    for (const href of hrefs) {
      assert.doesNotMatch(href, /^(?:javascript|command|data|http|file|vscode):/i);
      assert.match(new URL(href).host, /^(?:arxiv\.org|doi\.org|example\.org)$/, href);
    }
    assert.ok(hrefs.includes('https://example.org/paper?id=1#abstract'));
    assert.ok(hrefs.includes('https://arxiv.org/abs/javascript%3Aalert(1)'), 'a hostile arXiv id stays inside the arXiv path');
    for (const paper of catalog) {
      const link = paperLink(paper);
      if (link !== undefined) assert.equal(new URL(link).protocol, 'https:', link);
    }
  });

  it('from .bib and JSON Lines files too: only https urls are kept, and no .bib entry gets another', async () => {
    const sources = await Promise.all(['dangerous-urls.bib', 'dangerous-urls.jsonl'].map(async (name): Promise<IndexSource> => ({ name, location: name, ...(await readIndex(corpusFile(name))) })));
    const papers = [...new PaperCatalog(sources)];
    assert.deepEqual(papers.filter((paper) => paper.url !== undefined && !paper.url.startsWith('https://arxiv.org/abs/')).map((paper) => paper.url), ['https://example.org/paper']);
    for (const href of papers.flatMap((paper) => toPaperView(paper).links.map((link) => link.href))) assert.equal(new URL(href).protocol, 'https:', href);
    assert.doesNotMatch(await toBibtexFile(papers), /url = \{(?!https:)/);
  });

  it('drop every url that is not https, so none reaches a link or a .bib entry', async () => {
    const withUrl = [...catalog].filter((paper) => paper.url !== undefined);
    assert.deepEqual(withUrl.map((paper) => paper.url), ['https://example.org/paper?id=1#abstract']);
    assert.doesNotMatch(await toBibtexFile([...catalog]), /url = \{(?!https:)/);
  });
});

describe('hostile inputs generated at test time', function () {
  this.timeout(120_000);
  let workDir: string;

  before(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-hostile-'));
  });

  after(() => rmSync(workDir, { recursive: true, force: true }));

  const writeIndex = (name: string, text: string): string => {
    const file = path.join(workDir, name);
    writeFileSync(file, text);
    return file;
  };

  it('a 10 MB abstract: loads, searches and cites in bounded time', async () => {
    const abstract = 'lorem ipsum dolor sit amet '.repeat(400_000);
    const file = writeIndex('ten-megabyte-abstract.json', JSON.stringify({ version: 1, papers: [{ title: 'Small Neighbour', abstract: 'x' }, { id: 'huge', title: 'Huge Abstract', abstract }] }));
    const parsed = parseIndexText(readFileSync(file, 'utf8'), file);
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.papers[1].abstract, abstract.trim());
    const catalog = new PaperCatalog([{ name: 'x', location: file, papers: parsed.papers, problems: [] }]);
    const [hit] = catalog.search('lorem', 1);
    assert.equal(hit.paper.id, 'huge');
    assert.ok(toPaperListItem(hit.paper, hit.matches).snippet!.text.length < 200);
    assert.equal((await cli('cite', 'huge', '--format', 'latex', '--index', file)).code, 0);
    const search = await cli('search', 'lorem ipsum', '--index', file, '--limit', '1');
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /Huge Abstract/);
  });

  it('a 10 MB abstract in a JSON Lines file: the lines around it load, and the CLI finds it', async () => {
    const abstract = 'lorem ipsum dolor sit amet '.repeat(400_000).trim();
    const line = (id: string, title: string, text: string): string => JSON.stringify({ id, title, abstract: text });
    const file = writeIndex('ten-megabyte-abstract.jsonl', [line('2101.00001', 'Before', 'x'), line('2101.00002', 'Huge Abstract', abstract), line('2101.00003', 'After', 'y')].join('\n'));
    const parsed = await parseArxivJsonl(createReadStream(file), file);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.papers.map((paper) => [paper.title, paper.abstract.length]), [['Before', 1], ['Huge Abstract', abstract.length], ['After', 1]]);
    const search = await cli('search', 'lorem ipsum', '--index', file, '--limit', '1');
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /Huge Abstract/);
  });

  it('10 MB abstracts in a .bib file: each such entry is reported as too long at its line and skipped, the others load', async () => {
    // Parsing it would block for minutes (the parser is superlinear in a field's length).
    const abstract = 'lorem ipsum dolor sit amet '.repeat(400_000);
    const huge = (key: string): string => `@article{${key},\n  title = {Huge Abstract},\n  abstract = {${abstract}}\n}\n`;
    const text = `@article{before, title = {Before}, year = {2020}}\n\n${huge('huge')}@article{between, title = {Between}}\n${huge('huge2')}@article{after, title = {After}}\n`;
    const file = writeIndex('ten-megabyte-abstract.bib', text);
    const parsed = await parseBibIndexText(readFileSync(file, 'utf8'), file);
    assert.deepEqual(parsed.papers.map((paper) => paper.id), ['before', 'between', 'after']);
    assert.deepEqual(parsed.problems.map((problem) => [problem.severity, problem.file, problem.line, problem.column]), [['error', file, 3, 1], ['error', file, 8, 1]]);
    assert.match(parsed.problems[0].message, /^Entry "huge" is 10,800,\d{3} characters long, more than the 50,000 an entry may have; skipped\.$/);
    assert.match(parsed.problems[1].message, /^Entry "huge2" is /);
  });

  it('a 100 MB index file: the CLI loads every paper and cites the last one', async () => {
    const entry = (i: number): string =>
      JSON.stringify({ id: `p${i}`, title: `Generated Paper ${i}`, authors: ['Ada Lovelace', 'Alan Turing'], year: 2000 + (i % 25), abstract: `graph kernel operator ${i} `.repeat(60) });
    const entries: string[] = [];
    for (let size = 0; size < 100 * 1024 * 1024; size += entries[entries.length - 1].length + 2) entries.push(entry(entries.length));
    const file = writeIndex('hundred-megabytes.json', `{"version": 1, "papers": [\n${entries.join(',\n')}\n]}\n`);
    assert.ok(statSync(file).size >= 100 * 1024 * 1024);
    const started = Date.now();
    const result = await cli('cite', `p${entries.length - 1}`, '--format', 'markdown', '--index', file);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\[@lovelaceGeneratedPaper\d+[a-z]*\]$/);
    console.log(`      100 MB index: parsed, catalogued and cited in ${Date.now() - started} ms`);
  });

  it('a 100,000-character title: loads, keys, cites and shortens for display', async () => {
    const title = 'Very Long Title Word '.repeat(5_000).trim();
    assert.ok(title.length >= 100_000);
    const file = writeIndex('long-title.json', JSON.stringify({ version: 1, papers: [{ title, abstract: 'x', authors: ['Ada Lovelace'], year: 2020 }] }));
    const parsed = parseIndexText(readFileSync(file, 'utf8'), file);
    assert.equal(parsed.papers[0].title, title);
    assert.ok(parsed.papers[0].id.length <= 80);
    const [paper] = [...new PaperCatalog([{ name: 'x', location: file, papers: parsed.papers, problems: [] }])];
    assert.equal(paper.key, 'lovelaceVeryLongTitle2020');
    await assertDerivedValuesSafe(paper);
    assert.equal((await parseBibEntries(await toBibtexEntry(paper)))[0].title, title);
    assert.equal((await cli('search', 'very long title', '--index', file)).code, 0);
  });

  it('JSON nested a million levels deep: reported at its position, the entry before it loads', async () => {
    const depth = 1_000_000;
    const text = `{"version": 1, "papers": [\n{"title": "Shallow", "abstract": ""},\n{"title": "Deep", "abstract": "", "venue": ${'['.repeat(depth)}${']'.repeat(depth)}}\n]}\n`;
    const file = writeIndex('million-levels.json', text);
    const parsed = parseIndexText(text, file);
    assert.deepEqual(parsed.papers.map((paper) => paper.title), ['Shallow']);
    assert.deepEqual(parsed.problems.map(formatProblem), [`${file}:${tooDeepPosition(text, '"venue": ')}: error: Invalid JSON: nested more than 128 levels deep.`]);
    const result = await cli('search', 'shallow', '--limit', '1', '--index', file);
    assert.equal(result.code, 0, 'the CLI searches what loaded');
    assert.equal(result.stderr, formatProblem(parsed.problems[0]));
    assert.match(result.stdout, /^ 1\. Shallow/);
  });

  it('a file that disappears while being read: what was read loads, the cut is reported where the text ends', async () => {
    const text = readFileSync(corpusFile('missing-titles.json'), 'utf8');
    const received = text.slice(0, text.indexOf('"Kept After"'));
    const fifo = path.join(workDir, 'vanishing.json');
    const endOfReceived = { line: received.split('\n').length, column: received.length - received.lastIndexOf('\n') };

    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
    const writer = await vanishingWriter(fifo, received);
    const parsed = parseIndexText(readFileSync(fifo, 'utf8'), fifo);
    await writer.exited;
    assert.equal(existsSync(fifo), false, 'the writer removed the file');
    assert.deepEqual(parsed.papers.map((paper) => paper.title), ['Kept Before']);
    const [cutProblem] = parsed.problems;
    assert.deepEqual(cutProblem, { severity: 'error', file: fifo, ...endOfReceived, message: 'Invalid JSON: value expected.' });
  });

  it('an index file that is a FIFO is refused at once by the CLI, which never waits for a writer', async () => {
    const fifo = path.join(workDir, 'waiting.json');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
    const result = await cli('search', 'kept', '--limit', '1', '--index', fifo);
    rmSync(fifo);
    assert.equal(result.code, 2, 'no usable index file');
    assert.equal(result.stderr, `${fifo}:1:1: error: waiting.json is a FIFO (named pipe), not a regular file; not read.`);
  });

  it('a JSON Lines file that disappears while being read: the complete lines load, the cut is reported where the text ends', async () => {
    const text = readFileSync(corpusFile('missing-title.jsonl'), 'utf8');
    const received = text.slice(0, text.indexOf('"Kept After"'));
    const fifo = path.join(workDir, 'vanishing.jsonl');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
    const writer = await vanishingWriter(fifo, received);
    const parsed = await parseArxivJsonl(createReadStream(fifo), fifo);
    await writer.exited;
    assert.equal(existsSync(fifo), false, 'the writer removed the file');
    assert.deepEqual(parsed.papers.map((paper) => paper.title), ['Kept Before']);
    assert.deepEqual(
      parsed.problems.map((problem) => `${problem.line}:${problem.column} ${/^Invalid JSON/.test(problem.message) ? 'cut' : 'untitled'}`),
      // The cut is where the received text ends.
      ['2:1 untitled', '3:1 untitled', '4:1 untitled', `5:${received.length - received.lastIndexOf('\n')} cut`],
    );
  });

  it('a read that fails part way through a JSON Lines file: the lines before it have loaded, the failure reaches the caller', async () => {
    const firstLines = readFileSync(corpusFile('missing-title.jsonl'), 'utf8').split('\n').slice(0, 2).join('\n') + '\n';
    async function* failingRead(): AsyncGenerator<string> {
      yield firstLines;
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    const loaded: string[] = [];
    await assert.rejects(async () => {
      for await (const batch of readArxivJsonl(failingRead(), 'failing.jsonl')) loaded.push(...batch.papers.map((paper) => paper.title));
    }, /EIO/);
    assert.deepEqual(loaded, ['Kept Before'], 'the extension and the CLI keep these and report the failure');
  });
});

/**
 * A worker thread that opens `fifo` for writing (which waits for a reader), writes `content`, removes the path and
 * closes. A thread, not this one, because the reader under test reads synchronously and would wait forever.
 * `exited` listens from the start: the thread may end while the reader under test is still awaited, and an 'exit'
 * event listened for only afterwards would never come.
 */
async function vanishingWriter(fifo: string, content: string): Promise<{ exited: Promise<void> }> {
  const worker = new Worker(
    `const { openSync, writeSync, closeSync, unlinkSync } = require('node:fs');
     const { workerData } = require('node:worker_threads');
     const fd = openSync(workerData.fifo, 'w');
     writeSync(fd, workerData.content);
     unlinkSync(workerData.fifo);
     closeSync(fd);`,
    { eval: true, workerData: { fifo, content } },
  );
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  await new Promise((resolve) => worker.once('online', resolve));
  return { exited };
}

describe('hostile inputs through the built CLI (dist/cli.js)', function () {
  this.timeout(60_000);
  let workDir: string;

  before(function () {
    assert.ok(existsSync(builtCli), 'dist/cli.js is missing: run npm run build first');
    workDir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-hostile-bin-'));
  });

  after(() => rmSync(workDir, { recursive: true, force: true }));

  /** Runs the built CLI; a timeout kills it, so a hang fails the test instead of stalling the run. */
  function runBuilt(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [builtCli, ...args], { timeout: 30_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  it('prints HTML payloads as JSON text', async () => {
    const result = await runBuilt(['search', 'script', '--json', '--index', corpusFile('html-payloads.json')]);
    assert.equal(result.status, 0, result.stderr);
    const titles = JSON.parse(result.stdout).map((hit: { title: string }) => hit.title);
    assert.ok(titles.includes('<script>alert(1)</script>'), titles.join('\n'));
  });

  it('exits 2 with the problem, not a stack trace, on JSON nested a million levels deep', async () => {
    const file = path.join(workDir, 'deep.json');
    const text = `{"version": 1, "papers": [{"title": "Deep", "abstract": "", "authors": ${'['.repeat(1_000_000)}]}]}`;
    writeFileSync(file, text);
    const result = await runBuilt(['bib', '--index', file]);
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      `${file}:${tooDeepPosition(text, '"authors": ')}: error: Invalid JSON: nested more than 128 levels deep.\n`,
    );
  });

  it('refuses an index file that is a FIFO at once, and cites from the other index files', async () => {
    const fifo = path.join(workDir, 'waiting.json');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo failed');
    const result = await runBuilt(['cite', 'first-complete-paper', '--format', 'latex', '--index', fifo, '--index', corpusFile('truncated-between-entries.json')]);
    rmSync(fifo);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^\\cite\{\w+\}\n$/);
    assert.ok(result.stderr.startsWith(`${fifo}:1:1: error: waiting.json is a FIFO (named pipe), not a regular file; not read.\n`), result.stderr);
  });

});
