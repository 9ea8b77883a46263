import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseBibEntries } from '../../src/bibtex/bibliography';
import { runCli } from '../../src/cli';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'indexes');

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(argv, {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    bundledIndex: path.join(root, 'data', 'papers.json'),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('paper-lookup CLI', () => {
  it('search prints ranked results with their keys', async () => {
    const result = await run('search', 'poiner netwroks', '--limit', '3');
    assert.equal(result.code, 0);
    assert.match(result.stdout.split('\n')[0], /^ 1\. Pointer Networks — Oriol Vinyals/);
    assert.match(result.stdout, /vinyalsPointerNetworks2015/);
  });

  it('search --json prints an array of papers with scores and matches', async () => {
    const hits = JSON.parse((await run('search', 'hopfield', '--json', '--limit', '2')).stdout);
    assert.ok(Array.isArray(hits) && hits.length >= 1);
    assert.equal(hits[0].id, 'parallel-learning-by-multitasking-neural-networks');
    assert.equal(typeof hits[0].score, 'number');
    assert.ok(hits[0].matches.some((match: { field: string }) => match.field === 'abstract'));
  });

  it('search includes papers from --index files', async () => {
    const result = await run('search', 'attention is all you need', '--index', path.join(fixtures, 'valid.json'), '--limit', '1');
    assert.match(result.stdout, /Attention Is All You Need/);
  });

  it('cite prints a citation in each format, by id or by key', async () => {
    assert.equal((await run('cite', 'pointer-networks', '--format', 'markdown')).stdout, '[@vinyalsPointerNetworks2015]');
    assert.equal((await run('cite', 'vinyalsPointerNetworks2015', '--format', 'latex')).stdout, '\\cite{vinyalsPointerNetworks2015}');
    assert.equal((await run('cite', 'pointer-networks', '--format', 'text')).stdout, 'Vinyals, O., Fortunato, M., & Jaitly, N. (2015). Pointer Networks. NIPS 2015. https://arxiv.org/abs/1506.03134');
  });

  it('cite --format text --style prints the reference in a bundled CSL style or a .csl file', async () => {
    assert.equal((await run('cite', 'pointer-networks', '--format', 'text', '--style', 'ieee')).stdout, 'O. Vinyals, M. Fortunato, and N. Jaitly, “Pointer Networks,” in NIPS 2015, 2015. [Online]. Available: https://arxiv.org/abs/1506.03134');
    assert.equal((await run('cite', 'pointer-networks', '--format', 'text', '--style', 'vancouver')).stdout, 'Vinyals O, Fortunato M, Jaitly N. Pointer Networks. In: NIPS 2015 [Internet]. 2015. Available from: https://arxiv.org/abs/1506.03134');
    const byPath = await run('cite', 'pointer-networks', '--format', 'text', '--style', path.join(root, 'media', 'csl', 'nature.csl'));
    assert.equal(byPath.stdout, 'Vinyals, O., Fortunato, M. & Jaitly, N. Pointer Networks. in NIPS 2015 (2015).');
  });

  it('cite --style that cannot be used exits 2 naming the style, and --style goes only with text', async () => {
    const typo = await run('cite', 'pointer-networks', '--format', 'text', '--style', 'ieeee');
    assert.deepEqual([typo.code, typo.stdout], [2, '']);
    assert.match(typo.stderr, /^paper-lookup: The citation style "ieeee" is neither a bundled style \(apa, ieee, chicago-author-date, nature, vancouver\) nor a \.csl file\.$/);
    const missing = await run('cite', 'pointer-networks', '--format', 'text', '--style', 'no-such-style.csl');
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, `paper-lookup: The citation style ${path.resolve('no-such-style.csl')} cannot be read: there is no such file.`);
    assert.equal((await run('cite', 'pointer-networks', '--format', 'latex', '--style', 'apa')).code, 2);
  });

  it('exits 2 with one line on bad arguments', async () => {
    for (const argv of [['search'], ['cite', 'x'], ['cite', 'x', '--format', 'rtf'], ['frobnicate'], ['search', 'q', '--limit', '0'], ['search', 'q', '--bogus']]) {
      const result = await run(...argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.equal(result.stderr.split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^paper-lookup: /);
    }
  });

  it('reports each problem of a bad index file as file:line:column and still searches and cites its good entries', async () => {
    const file = path.join(fixtures, 'missing-title.json');
    const result = await run('search', 'second good paper', '--index', file, '--limit', '1');
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stderr.split('\n'), [
      `${file}:5:5: error: Paper 2: missing or empty "title"; skipped.`,
      `${file}:6:5: error: Paper 3: missing or empty "title"; skipped.`,
    ]);
    assert.match(result.stdout, /^ 1\. Second good paper/);
    const cited = await run('cite', 'first', '--format', 'markdown', '--index', file);
    assert.equal(cited.code, 0);
    assert.equal(cited.stdout, '[@firstGoodPaper]');
  });

  it('loads the other index files when one is missing or a directory', async () => {
    const missing = path.join(fixtures, 'nope.json');
    const result = await run('cite', 'attention-is-all-you-need', '--format', 'latex', '--index', missing, '--index', fixtures, '--index', path.join(fixtures, 'valid.json'));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '\\cite{vaswaniAttentionAllYou2017}');
    assert.deepEqual(result.stderr.split('\n'), [`${missing}:1:1: error: Index file not found.`, `${fixtures}:1:1: error: Expected an index file but found a directory.`]);
  });

  it('exits 2 with one line naming the file when the only --index file cannot be read', async () => {
    const missing = path.join(fixtures, 'nope.json');
    const result = await run('bib', '--index', missing);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '', 'no .bib of the bundled papers alone');
    assert.equal(result.stderr, `${missing}:1:1: error: Index file not found.`);
  });

  it('--strict exits 2 on any index problem without running the command', async () => {
    const file = path.join(fixtures, 'missing-title.json');
    const result = await run('bib', '--strict', '--index', file);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.split('\n').at(-1), 'paper-lookup: 2 index problems (--strict).');
    assert.equal((await run('bib', '--strict', '--index', path.join(fixtures, 'valid.json'))).code, 0, 'a clean index passes');
  });

  it('reads .bib and JSON Lines index files by their extension', async () => {
    const sources = path.join(root, 'test', 'fixtures', 'sources');
    const jsonl = await run('cite', '0704.0001', '--format', 'markdown', '--index', path.join(sources, 'arxiv-snapshot-sample.jsonl'));
    assert.equal(jsonl.code, 0, jsonl.stderr);
    assert.match(jsonl.stdout, /^\[@balazsCalculationPromptDiphoton2007\]$/);
    assert.match(jsonl.stderr, /arxiv-snapshot-sample\.jsonl:5:45: error: Invalid JSON: property name expected; line skipped\./);
  });

  it('never prints control characters from index files, so a terminal never obeys them', async () => {
    const file = path.join(root, 'test', 'fixtures', 'hostile', 'nul-and-control-characters.jsonl');
    const result = await run('search', 'bell', '--index', file, '--limit', '1');
    assert.equal(result.code, 0, result.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(result.stdout + result.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.match(result.stdout, /Null Byte \[31mRed \[0m Bell/);
  });

  it('exits 1 when nothing matches', async () => {
    assert.equal((await run('search', 'zzqqxxjj')).code, 1);
  });

  it('runs as the built bin with a shebang', async () => {
    const bin = path.join(root, 'dist', 'cli.js');
    assert.ok(existsSync(bin), 'dist/cli.js is missing: npm run test:unit builds it first');
    const result = spawnSync(bin, ['cite', 'pointer-networks', '--format', 'latex'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '\\cite{vinyalsPointerNetworks2015}\n');
  });
});

describe('paper-lookup CLI: BibTeX', () => {
  it('cite --format bibtex prints the entry', async () => {
    const result = await run('cite', 'pointer-networks', '--format', 'bibtex');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^@\w+\{vinyalsPointerNetworks2015,\n/);
    assert.match(result.stdout, /eprint = \{1506\.03134\}/);
  });

  it('bib prints one entry per loaded paper, with unique keys', async () => {
    const result = await run('bib', '--index', path.join(fixtures, 'valid.json'));
    assert.equal(result.code, 0);
    const keys = [...result.stdout.matchAll(/^@\w+\{([^,]+),$/gm)].map((match) => match[1]);
    assert.equal(keys.length, 47);
    assert.equal(new Set(keys).size, 47);
    assert.equal((await parseBibEntries(result.stdout)).length, 47);
  });
});
