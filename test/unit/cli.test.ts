import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseBibEntries } from '../../src/citation/bibliography';
import { runCli } from '../../src/cli';

const root = path.join(__dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'indexes');

function run(...argv: string[]): { code: number; stdout: string; stderr: string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = runCli(argv, {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    bundledIndex: path.join(root, 'data', 'papers.json'),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('paper-lookup CLI', () => {
  it('search prints ranked results with their keys', () => {
    const result = run('search', 'poiner netwroks', '--limit', '3');
    assert.equal(result.code, 0);
    assert.match(result.stdout.split('\n')[0], /^ 1\. Pointer Networks — Oriol Vinyals/);
    assert.match(result.stdout, /vinyalsPointerNetworks2015/);
  });

  it('search --json prints an array of papers with scores and matches', () => {
    const hits = JSON.parse(run('search', 'hopfield', '--json', '--limit', '2').stdout);
    assert.ok(Array.isArray(hits) && hits.length >= 1);
    assert.equal(hits[0].id, 'parallel-learning-by-multitasking-neural-networks');
    assert.equal(typeof hits[0].score, 'number');
    assert.ok(hits[0].matches.some((match: { field: string }) => match.field === 'abstract'));
  });

  it('search includes papers from --index files', () => {
    const result = run('search', 'attention is all you need', '--index', path.join(fixtures, 'valid.json'), '--limit', '1');
    assert.match(result.stdout, /Attention Is All You Need/);
  });

  it('cite prints a citation in each format, by id or by key', () => {
    assert.equal(run('cite', 'pointer-networks', '--format', 'markdown').stdout, '[@vinyalsPointerNetworks2015]');
    assert.equal(run('cite', 'vinyalsPointerNetworks2015', '--format', 'latex').stdout, '\\cite{vinyalsPointerNetworks2015}');
    assert.match(run('cite', 'pointer-networks', '--format', 'text').stdout, /^Oriol Vinyals, Meire Fortunato, and Navdeep Jaitly \(2015\)\. Pointer Networks\. https:\/\/arxiv\.org\/abs\/1506\.03134$/);
  });

  it('exits 2 with one line on bad arguments', () => {
    for (const argv of [['search'], ['cite', 'x'], ['cite', 'x', '--format', 'rtf'], ['frobnicate'], ['search', 'q', '--limit', '0'], ['search', 'q', '--bogus']]) {
      const result = run(...argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.equal(result.stderr.split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^paper-lookup: /);
    }
  });

  it('exits 2 naming the file and position of a bad index file', () => {
    const result = run('search', 'x', '--index', path.join(fixtures, 'missing-title.json'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /missing-title\.json:5:5: error: Paper 2: missing or empty "title"/);
    assert.equal(run('search', 'x', '--index', path.join(fixtures, 'nope.json')).code, 2);
    assert.match(run('search', 'x', '--index', fixtures).stderr, /found a directory/);
  });

  it('exits 1 when nothing matches', () => {
    assert.equal(run('search', 'zzqqxxjj').code, 1);
  });

  it('runs as the built bin with a shebang', () => {
    const bin = path.join(root, 'dist', 'cli.js');
    assert.ok(existsSync(bin), 'dist/cli.js is missing: npm run test:unit builds it first');
    const result = spawnSync(bin, ['cite', 'pointer-networks', '--format', 'latex'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '\\cite{vinyalsPointerNetworks2015}\n');
  });
});

describe('paper-lookup CLI: BibTeX', () => {
  it('cite --format bibtex prints the entry', () => {
    const result = run('cite', 'pointer-networks', '--format', 'bibtex');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^@\w+\{vinyalsPointerNetworks2015,\n/);
    assert.match(result.stdout, /eprint = \{1506\.03134\}/);
  });

  it('bib prints one entry per loaded paper, with unique keys', async () => {
    const result = run('bib', '--index', path.join(fixtures, 'valid.json'));
    assert.equal(result.code, 0);
    const keys = [...result.stdout.matchAll(/^@\w+\{([^,]+),$/gm)].map((match) => match[1]);
    assert.equal(keys.length, 47);
    assert.equal(new Set(keys).size, 47);
    assert.equal((await parseBibEntries(result.stdout)).length, 47);
  });
});
