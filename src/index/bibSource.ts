/**
 * BibTeX files as paper indexes (a Zotero or JabRef export, a lab's shared .bib). Pure: no `vscode` import.
 * Parsing is @retorquere/bibtex-parser's (through `parseBibEntries`); this module maps entries to papers
 * and reports the ones that cannot be papers, with their line, without losing the rest.
 */
import { parseBibEntries } from '../citation/bibliography';
import type { IndexProblem, ParsedIndex } from './parseIndex';
import { withoutUndefined, type Paper } from './paper';

export async function parseBibIndexText(text: string, file: string): Promise<ParsedIndex> {
  const problems: IndexProblem[] = [];
  const papers: Paper[] = [];
  const seenIds = new Set<string>();
  for (const entry of await parseBibEntries(text)) {
    const line = lineOfEntry(text, entry.key);
    if (!entry.title?.trim()) {
      problems.push({ severity: 'error', file, line, column: 1, message: `Entry "${entry.key}" has no title; skipped.` });
      continue;
    }
    if (seenIds.has(entry.key)) {
      problems.push({ severity: 'error', file, line, column: 1, message: `Duplicate key "${entry.key}"; skipped.` });
      continue;
    }
    seenIds.add(entry.key);
    const year = entry.year !== undefined && /^\d{4}$/.test(entry.year) ? Number(entry.year) : undefined;
    papers.push(
      withoutUndefined<Paper>({
        id: entry.key,
        title: entry.title.replace(/\s+/g, ' ').trim(),
        abstract: entry.abstract?.replace(/\s+/g, ' ').trim() ?? '',
        authors: entry.authors.length > 0 ? entry.authors : undefined,
        year,
        arxivId: entry.arxivId,
        doi: entry.doi,
        url: entry.url,
        venue: entry.venue,
      }),
    );
  }
  if (papers.length === 0 && problems.length === 0 && text.trim() !== '' && !/@\w+\s*[{(]/.test(text)) {
    problems.push({ severity: 'error', file, line: 1, column: 1, message: 'No BibTeX entries found.' });
  }
  return { papers, problems };
}

/** The 1-based line of `@type{key,` in the text; 1 when it cannot be found. */
function lineOfEntry(text: string, key: string): number {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`@\\w+\\s*[{(]\\s*${escaped}\\s*,`).exec(text);
  return match ? text.slice(0, match.index).split('\n').length : 1;
}
