/**
 * How fast a big Zotero library is ready: `npm run bench:zotero [-- --size 40000] [--second-starts 5]`.
 *
 * Generates a Zotero data directory — a `zotero.sqlite` built from Zotero's own schema (test/fixtures/zotero/) with
 * `--size` items grown from the bundled papers (journal articles, conference papers, preprints, books, theses; two to
 * five creators; a third with a stored PDF; a third in collections) and a Better BibTeX database with keys for half of
 * them — then measures, as the extension runs them:
 * - reading the library alone (snapshot, sql.js, papers and their BibTeX entries), in this process;
 * - the first start: the catalog worker (dist/indexWorker.js, so `npm run build` first) reads the bundled index and
 *   the database, builds the catalog and writes the cache;
 * - the second start: a new process stamps the sources and reads the cache into a ready catalog, with the longest
 *   block of its event loop (`perf_hooks.monitorEventLoopDelay`), which is the extension host's while it loads.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateCorpus } from '../src/bench/corpus';
import { inNewProcess } from '../src/bench/secondStart';
import { PaperCatalog } from '../src/catalog/catalog';
import { runCatalogWorker } from '../src/catalog/catalogWorker';
import { cacheFileFor, readCatalogCache, stampSources, type CacheKey } from '../src/catalog/indexCache';
import { DEFAULT_KEY_TEMPLATE } from '../src/papers/keys';
import { runCooperatively } from '../src/shared/cooperative';
import { parseIndexText } from '../src/sources/parseIndex';
import { readZoteroSource } from '../src/sources/zotero/zoteroSource';
import { buildBetterBibtexDatabase, buildZoteroDatabase, USER_LIBRARY_ID } from '../test/fixtures/zotero/buildZoteroDatabase';

const { values } = parseArgs({ options: { size: { type: 'string', default: '40000' }, 'second-starts': { type: 'string', default: '5' }, 'second-start': { type: 'string' } } });
const size = Number(values.size);
const secondStarts = Number(values['second-starts']);
const repoRoot = path.join(__dirname, '..');
const bundledPath = path.join(repoRoot, 'data', 'papers.json');

interface Timed {
  readonly ms: number;
  readonly longestBlockMs: number;
}

async function measure<T>(work: () => Promise<T>): Promise<Timed & { result: T }> {
  globalThis.gc?.();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  return { ms, longestBlockMs: histogram.max / 1e6, result };
}

const ITEM_TYPES = ['journalArticle', 'journalArticle', 'journalArticle', 'conferencePaper', 'conferencePaper', 'preprint', 'book', 'thesis'] as const;
const CONTAINER_FIELD: Record<string, string | undefined> = { journalArticle: 'publicationTitle', conferencePaper: 'proceedingsTitle' };

/** A Zotero database of `size` items grown from the bundled papers, and Better BibTeX's keys for every other one. */
async function generateLibrary(folder: string): Promise<string> {
  const seed = parseIndexText(readFileSync(bundledPath, 'utf8'), bundledPath).papers;
  const papers = generateCorpus(seed, size).papers.slice(0, size);
  const keys: { libraryID: number; itemKey: string; citationKey: string }[] = [];
  const itemKey = (i: number): string => `B${i.toString(36).toUpperCase().padStart(7, '0')}`;
  const database = await buildZoteroDatabase({ schemaVersion: 41, items: [] }, (db) => {
    const id = (sql: string, name: string): number => Number(db.exec(sql, [name])[0].values[0][0]);
    const typeId = (name: string): number => id('SELECT itemTypeID FROM itemTypes WHERE typeName = ?', name);
    const fieldId = (name: string): number => id('SELECT fieldID FROM fields WHERE fieldName = ?', name);
    const authorType = id('SELECT creatorTypeID FROM creatorTypes WHERE creatorType = ?', 'author');
    const attachmentType = typeId('attachment');
    db.run('BEGIN');
    for (let c = 1; c <= 20; c++) db.run('INSERT INTO collections (collectionID, collectionName, libraryID, key) VALUES (?, ?, ?, ?)', [c, `Collection ${c}`, USER_LIBRARY_ID, `COLL${String(c).padStart(4, '0')}`]);
    const insertItem = db.prepare('INSERT INTO items (itemID, itemTypeID, libraryID, key) VALUES (?, ?, ?, ?)');
    const insertValue = db.prepare('INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)');
    const insertData = db.prepare('INSERT INTO itemData (itemID, fieldID, valueID) VALUES (?, ?, (SELECT valueID FROM itemDataValues WHERE value = ?))');
    const insertCreator = db.prepare('INSERT OR IGNORE INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, 0)');
    const insertItemCreator = db.prepare('INSERT INTO itemCreators (itemID, creatorID, creatorTypeID, orderIndex) VALUES (?, (SELECT creatorID FROM creators WHERE firstName = ? AND lastName = ? AND fieldMode = 0), ?, ?)');
    const insertCollectionItem = db.prepare('INSERT INTO collectionItems (collectionID, itemID) VALUES (?, ?)');
    const insertAttachment = db.prepare("INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) VALUES (?, ?, 0, 'application/pdf', ?)");
    const fieldIds = new Map<string, number>();
    const setField = (itemID: number, field: string, value: string): void => {
      if (!fieldIds.has(field)) fieldIds.set(field, fieldId(field));
      insertValue.run([value]);
      insertData.run([itemID, fieldIds.get(field)!, value]);
    };
    let nextId = 1;
    for (const [i, paper] of papers.entries()) {
      const type = ITEM_TYPES[i % ITEM_TYPES.length];
      const itemID = nextId++;
      insertItem.run([itemID, typeId(type), USER_LIBRARY_ID, itemKey(i)]);
      setField(itemID, 'title', paper.title);
      if (paper.abstract) setField(itemID, 'abstractNote', paper.abstract);
      if (paper.year) setField(itemID, 'date', `${paper.year}-00-00 ${paper.year}`);
      const container = CONTAINER_FIELD[type];
      if (container && paper.venue) setField(itemID, container, paper.venue);
      if (type === 'preprint' && paper.arxivId) setField(itemID, 'archiveID', `arXiv:${paper.arxivId}`);
      if (paper.doi) setField(itemID, 'DOI', paper.doi);
      if (i % 10 === 1) setField(itemID, 'extra', `Citation Key: extra${i}`);
      for (const [order, author] of (paper.authors ?? []).slice(0, 5).entries()) {
        const words = author.split(' ');
        const first = words.slice(0, -1).join(' ');
        const last = words[words.length - 1];
        insertCreator.run([first, last]);
        insertItemCreator.run([itemID, first, last, authorType, order]);
      }
      if (i % 3 === 0) insertCollectionItem.run([1 + (i % 20), itemID]);
      if (i % 3 === 1) {
        const attachmentID = nextId++;
        insertItem.run([attachmentID, attachmentType, USER_LIBRARY_ID, `P${i.toString(36).toUpperCase().padStart(7, '0')}`]);
        insertAttachment.run([attachmentID, itemID, `storage:${paper.id}.pdf`]);
      }
      if (i % 2 === 0) keys.push({ libraryID: USER_LIBRARY_ID, itemKey: itemKey(i), citationKey: `bbt${i}` });
    }
    for (const statement of [insertItem, insertValue, insertData, insertCreator, insertItemCreator, insertCollectionItem, insertAttachment]) statement.free();
    db.run('COMMIT');
  });
  const file = path.join(folder, 'zotero.sqlite');
  writeFileSync(file, database);
  writeFileSync(path.join(folder, 'better-bibtex.sqlite'), await buildBetterBibtexDatabase(keys));
  return file;
}

interface SecondStartRequest {
  readonly cacheFolder: string;
  readonly keyTemplate: string;
  readonly sources: readonly string[];
}

/** A second start in this process: stamp the sources, read the cache into a ready catalog. */
async function secondStartHere(request: SecondStartRequest): Promise<void> {
  // This machine's own jitter first: the longest delay of an idle event loop over a second.
  const idle = await measure(() => new Promise((resolve) => setTimeout(resolve, 1000)));
  const started = performance.now();
  const stamped = await measure(() => stampSources(request.sources));
  const key: CacheKey = { keyTemplate: request.keyTemplate, sources: stamped.result };
  const read = await measure(() => runCooperatively(readCatalogCache(cacheFileFor(request.cacheFolder, key), key)));
  const cached = read.result;
  if (cached.status !== 'hit') throw new Error(`The cache was not used: ${cached.status === 'rejected' ? cached.reason : 'missing'}`);
  const ready = await measure(() => PaperCatalog.fromContents(cached.contents));
  // A first search, as the user's first keystroke would make.
  const searched = await measure(async () => ready.result.search('neural networks', 10));
  const phases = { stamp: stamped, 'read the cache': read, 'lookups and search engine': ready, 'first search': searched };
  const timed = {
    ms: performance.now() - started,
    longestBlockMs: Math.max(...Object.values(phases).map((phase) => phase.longestBlockMs)),
    blocks: Object.entries(phases).map(([name, phase]) => `${name} ${phase.longestBlockMs.toFixed(0)}`).join(', '),
    result: ready.result.size,
  };
  process.stdout.write(JSON.stringify({ ...timed, idleLongestBlockMs: idle.longestBlockMs }));
}

type SecondStart = Timed & { result: number; idleLongestBlockMs: number; blocks: string };

function secondStart(request: SecondStartRequest): Promise<SecondStart> {
  return inNewProcess(__filename, '--second-start', request);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  if (values['second-start'] !== undefined) return secondStartHere(JSON.parse(values['second-start']) as SecondStartRequest);
  const folder = mkdtempSync(path.join(tmpdir(), 'paper-lookup-bench-zotero-'));
  try {
    console.log(`Zotero benchmark, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);
    const generated = await measure(() => generateLibrary(folder));
    const file = generated.result;
    console.log(`${size.toLocaleString('en-US')} items: ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB), generated in ${seconds(generated.ms)}`);

    const read = await measure(() => readZoteroSource(file));
    console.log(`read the library (snapshot, sql.js, papers and entries), in one thread: ${seconds(read.ms)}, ${read.result.papers.length} papers`);

    const cacheFolder = path.join(folder, 'cache');
    const sources = [bundledPath, file];
    const key: CacheKey = { keyTemplate: DEFAULT_KEY_TEMPLATE, sources: await stampSources(sources) };
    const first = await measure(() =>
      runCatalogWorker(
        path.join(repoRoot, 'dist', 'indexWorker.js'),
        { bundled: { file: bundledPath, displayName: 'Bundled papers' }, files: [file], keyTemplate: DEFAULT_KEY_TEMPLATE, cacheFolder, key },
        { onBytesRead: () => undefined, signal: new AbortController().signal },
      ),
    );
    console.log(`first start: the worker reads, builds and writes the cache: ${seconds(first.ms)} (host's longest block ${first.longestBlockMs.toFixed(0)} ms)`);

    const runs: SecondStart[] = [];
    for (let i = 0; i < secondStarts; i++) runs.push(await secondStart({ cacheFolder, keyTemplate: DEFAULT_KEY_TEMPLATE, sources }));
    const sorted = [...runs].sort((a, b) => a.ms - b.ms);
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `second start (a new process; stamp, read the cache, first search), ${runs.length} runs: median ${seconds(median.ms)}, ` +
        `${seconds(sorted[0].ms)}–${seconds(sorted[sorted.length - 1].ms)}; longest block ${runs.map((run) => run.longestBlockMs.toFixed(0)).join(', ')} ms ` +
        `(an idle event loop's in the same processes: ${runs.map((run) => run.idleLongestBlockMs.toFixed(0)).join(', ')} ms); ${median.result} papers`,
    );
    for (const run of runs) console.log(`  longest block per phase, ms: ${run.blocks}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
