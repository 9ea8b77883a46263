/**
 * What every source of papers gives the catalog, whatever it reads: an index file in one of our formats, a .bib,
 * an arXiv JSON Lines snapshot, and next a Zotero database or papers looked up online. Pure: no `vscode` import.
 *
 * A source is read whole into an `IndexSource` and merged by the catalog (src/catalog/catalog.ts); what it read is
 * described by a `SourceStamp`, so an unchanged source is not read again on the next start (the catalog cache).
 * Invariant: reading never throws — a source that cannot be read gives an `IndexSource` with no papers and one error problem
 * that names its location, so one broken source never stops the others.
 */
import type { Paper } from '../papers/paper';
import type { IndexProblem } from './parseIndex';

/** One source after reading: where it came from, what it held, what was wrong with it. */
export interface IndexSource {
  /** Shown to users: the index's `name`, or its file name. */
  readonly name: string;
  /** The file it came from (absolute path or URI string), for messages. */
  readonly location: string;
  readonly papers: readonly Paper[];
  readonly problems: readonly IndexProblem[];
  /**
   * For a file that holds several sources — a Zotero database: the user's library and each group library —, each of
   * them, together holding `papers` and `problems`: the catalog loads them as sources of their own, each named.
   */
  readonly parts?: readonly IndexSource[];
}

/** What a source looked like when it was read: the same stamp means the same papers. */
export interface SourceStamp {
  readonly location: string;
  readonly size: number;
  readonly mtimeMs: number;
}
