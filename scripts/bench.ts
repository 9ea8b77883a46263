/**
 * `npm run bench`: our search engine against plain fuse.js on synthetic corpora of 1k, 10k, 100k and 1M
 * papers grown from the bundled index (see src/bench/searchBench.ts for what is measured).
 *
 *   npm run bench [-- --sizes 1000,10000] [-- --json]
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runSearchBench } from '../src/bench/searchBench';
import { parseIndexText } from '../src/sources/parseIndex';
import { KNOWN_ITEMS } from '../test/fixtures/knownItems';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000,100000,1000000' }, json: { type: 'boolean', default: false } },
});
const sizes = (values.sizes ?? '').split(',').map(Number);
if (sizes.some((size) => !Number.isInteger(size) || size < 1)) {
  process.stderr.write(`bench: --sizes must be positive integers separated by commas, got "${values.sizes}"\n`);
  process.exit(2);
}
const bundled = path.join(__dirname, '..', 'data', 'papers.json');
const seed = parseIndexText(readFileSync(bundled, 'utf8'), bundled).papers;
const log = (line: string): boolean => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
log(`Search benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores`);
const rows = runSearchBench({ sizes, seed, knownItems: KNOWN_ITEMS, log });
if (values.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
