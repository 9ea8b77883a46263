/**
 * The Typst compiler for the tests: `@myriaddreamin/typst-ts-node-compiler` (typst.ts's Node binding of the real
 * compiler), which compiles offline with the fonts built into it (Libertinus Serif, New Computer Modern, DejaVu Sans
 * Mono: typst-assets); the PDF's text is read with `pdftotext` (Debian poppler-utils). Without pdftotext the tests that
 * need it skip, except on CI, where they fail (see scripts/ci-debian-packages.txt).
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';

export interface TypstOutcome {
  readonly errors: string[];
  readonly warnings: string[];
  /** The compiled PDF's text (pdftotext), when it compiled. */
  readonly text?: string;
  /** The keys the document cites, in order: the `key` of every `cite` element (a reference to a bibliography entry is one). */
  readonly citedLabels?: string[];
}

/** Writes `files` into a fresh folder, compiles `main.typ` there to PDF, and returns what came out. */
export function compileTypst(files: Readonly<Record<string, string>>): TypstOutcome {
  const dir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-typst-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
    const compiler = NodeCompiler.create({ workspace: dir });
    const result = compiler.compile({ mainFilePath: path.join(dir, 'main.typ') });
    const messages = (error: ReturnType<typeof result.takeError>): string[] =>
      error ? compiler.fetchDiagnostics(error).map((diagnostic: { message: string }) => diagnostic.message) : [];
    const warnings = messages(result.takeWarnings());
    const document = result.result;
    if (!document) return { errors: messages(result.takeError()), warnings };
    const citedLabels = (compiler.query(document, { selector: 'cite', field: 'key' }) as string[]).map(labelName);
    writeFileSync(path.join(dir, 'main.pdf'), compiler.pdf(document));
    const pdftotext = spawnSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'main.pdf'), '-'], { encoding: 'utf8' });
    return { errors: [], warnings, citedLabels, text: pdftotext.error ? undefined : pdftotext.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A label as the compiler's query gives it, `<name>` or `label("name")`, as its name. */
function labelName(label: string): string {
  const literal = /^<(.*)>$/.exec(label);
  if (literal) return literal[1];
  const call = /^label\((".*")\)$/.exec(label);
  return call ? (JSON.parse(call[1]) as string) : label;
}

/** Skips the test when pdftotext is not installed; fails it instead on CI. */
export function requirePdftotext(test: Mocha.Context): void {
  if (spawnSync('pdftotext', ['-v'], { stdio: 'ignore' }).error === undefined) return;
  const ci = process.env.CI?.trim().toLowerCase();
  assert.ok(!ci || ci === 'false' || ci === '0', 'pdftotext is not installed (poppler-utils, see scripts/ci-debian-packages.txt), and CI says this run must check it');
  console.log('      skipped: pdftotext not installed (poppler-utils)');
  test.skip();
}

/** A file's text, for fixtures. */
export function fixtureText(...parts: string[]): string {
  return readFileSync(path.join(__dirname, '..', 'fixtures', ...parts), 'utf8');
}
