/**
 * The index files the extension keeps of what it fetched — "Online lookups" and "Trending" — in our JSON index
 * format (docs/index-schema.md), so they load, are searched and are listed like any index file. Pure.
 */
import { INDEX_SCHEMA_VERSION, type IndexFileV1, type Paper } from '../papers/paper';

export const ONLINE_LOOKUPS_NAME = 'Online lookups';
export const TRENDING_NAME = 'Trending';
export const ONLINE_LOOKUPS_FILE = 'online-lookups.json';
export const TRENDING_FILE = 'trending.json';

/** The index file's text with `papers`, in this order. */
export function indexFileText(name: string, papers: readonly Paper[]): string {
  const file: IndexFileV1 = { version: INDEX_SCHEMA_VERSION, name, papers: [...papers] };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * The stored lookups with `paper`: in place of an earlier copy of it (same id), else first. So looking up a stored
 * paper again, unchanged, gives the same text, and the file need not be written. Text that is not one of our index
 * files (a hand edit gone wrong) is started afresh: it holds only copies of online records.
 */
export function withLookup(existingText: string | undefined, paper: Paper): string {
  const stored = storedPapers(existingText);
  const at = stored.findIndex((earlier) => earlier.id === paper.id);
  return indexFileText(ONLINE_LOOKUPS_NAME, at < 0 ? [paper, ...stored] : stored.map((earlier, i) => (i === at ? paper : earlier)));
}

function storedPapers(text: string | undefined): Paper[] {
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    const papers = (parsed as Partial<IndexFileV1> | null)?.papers;
    return Array.isArray(papers) ? papers.filter((paper): paper is Paper => typeof paper?.id === 'string' && typeof paper.title === 'string') : [];
  } catch {
    return [];
  }
}
