/**
 * Builds the bundled paper index from the saved Hugging Face trending-papers page.
 *
 * Usage: npx tsx scripts/import-seed.ts [--seed DIR] [--out FILE]
 *   --seed DIR  folder holding hf-trending-papers.txt and, optionally, metadata.json
 *               (default: ../shared/seed beside the repository)
 *   --out FILE  index file to write (default: data/papers.json in the repository)
 * Paths given as arguments are resolved against the current directory.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { IndexFileV1 } from '../src/papers/paper';
import {
  BUNDLED_INDEX_NAME,
  buildIndex,
  parseMetadata,
  parseTrendingPage,
  serializeIndex,
  type PaperMetadata,
  type SeedPaper,
} from './seedPage';

const PAGE_FILE = 'hf-trending-papers.txt';
const METADATA_FILE = 'metadata.json';
const repoRoot = path.resolve(__dirname, '..');

function main(): void {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, out: { type: 'string' } } });
  const seedDir = values.seed === undefined ? path.resolve(repoRoot, '..', 'shared', 'seed') : path.resolve(values.seed);
  const outFile = values.out === undefined ? path.join(repoRoot, 'data', 'papers.json') : path.resolve(values.out);

  const seedPapers = readPage(path.join(seedDir, PAGE_FILE));
  const metadata = readMetadata(path.join(seedDir, METADATA_FILE));
  const { index, papersWithoutMetadata, unmatchedMetadata } = buildIndex(seedPapers, metadata, BUNDLED_INDEX_NAME);

  for (const title of papersWithoutMetadata) {
    console.warn(`warning: no metadata for "${title}"`);
  }
  for (const title of unmatchedMetadata) {
    console.warn(`warning: metadata entry matches no paper on the page: "${title}"`);
  }

  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, serializeIndex(index));
  console.log(`Wrote ${displayPath(outFile)}: ${describe(index)}`);
}

function readPage(pagePath: string): SeedPaper[] {
  const page = readFileSync(pagePath, 'utf8');
  try {
    const papers = parseTrendingPage(page);
    console.log(`Parsed ${papers.length} papers from ${displayPath(pagePath)}`);
    return papers;
  } catch (error) {
    throw new Error(`${displayPath(pagePath)}: ${errorMessage(error)}`);
  }
}

function readMetadata(metadataPath: string): PaperMetadata[] {
  if (!existsSync(metadataPath)) {
    console.log(`No ${displayPath(metadataPath)}: papers get no authors, year, venue, arXiv id or DOI`);
    return [];
  }
  try {
    const metadata = parseMetadata(JSON.parse(readFileSync(metadataPath, 'utf8')));
    console.log(`Read ${metadata.length} metadata entries from ${displayPath(metadataPath)}`);
    return metadata;
  } catch (error) {
    throw new Error(`${displayPath(metadataPath)}: ${errorMessage(error)}`);
  }
}

/** For example "46 papers; with authors 46, year 46, venue 38, arxivId 46, doi 7". */
function describe(index: IndexFileV1): string {
  const optionalFields = ['authors', 'year', 'venue', 'arxivId', 'doi'] as const;
  const counts = optionalFields.map(
    (field) => `${field} ${index.papers.filter((paper) => paper[field] !== undefined).length}`,
  );
  return `${index.papers.length} papers; with ${counts.join(', ')}`;
}

function displayPath(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

try {
  main();
} catch (error) {
  console.error(`import-seed: ${errorMessage(error)}`);
  process.exitCode = 1;
}
