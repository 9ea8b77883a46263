/**
 * Formatted references rendered in a worker thread (src/citation/csl/cslWorker.ts), as the extension renders them so
 * that compiling a style never holds up the extension host: the same text as in this thread in every bundled style,
 * and a style that cannot be used is reported the same way (a StyleProblem naming the file, APA instead).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUNDLED_STYLES, CslReferences } from '../../src/citation/csl/cslReferences';
import { workerStyleCompiler } from '../../src/citation/csl/cslWorker';
import type { Paper } from '../../src/papers/paper';

const root = path.join(__dirname, '..', '..');
/** Built by `npm run build`, which `npm run test:unit` runs first. */
const workerFile = path.join(root, 'dist', 'indexWorker.js');
const cslFolder = path.join(root, 'media', 'csl');
const bundled: Paper[] = JSON.parse(readFileSync(path.join(root, 'data', 'papers.json'), 'utf8')).papers;
const readText = (file: string): Promise<string> => readFile(file, 'utf8');

describe('Formatted references rendered in a worker thread', function () {
  this.timeout(120_000);
  const styles = workerStyleCompiler(workerFile);
  after(() => styles.dispose());
  const inWorker = new CslReferences({ bundledFolder: cslFolder, readFile: readText, compileStyle: styles.compileStyle });
  const inThread = new CslReferences({ bundledFolder: cslFolder, readFile: readText });

  for (const style of Object.keys(BUNDLED_STYLES)) {
    it(`gives the text this thread gives, in ${style}, for the first bundled papers`, async () => {
      for (const paper of bundled.slice(0, 5)) {
        const [worker, thread] = await Promise.all([inWorker.reference(paper, style), inThread.reference(paper, style)]);
        assert.equal(worker.text, thread.text);
        assert.equal(worker.styleProblem, undefined);
        assert.match(worker.text, new RegExp(paper.title.slice(0, 10).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      }
    });
  }

  it('names a style file that is not well-formed and formats in APA instead, as in this thread', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'paper-lookup-csl-worker-'));
    try {
      const broken = path.join(dir, 'cut-short.csl');
      writeFileSync(broken, readFileSync(path.join(cslFolder, 'ieee.csl'), 'utf8').slice(0, 400));
      const [worker, thread] = await Promise.all([inWorker.reference(bundled[0], broken), inThread.reference(bundled[0], broken)]);
      assert.deepEqual(worker, thread);
      assert.match(worker.styleProblem ?? '', /cut-short\.csl is not well-formed XML/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
