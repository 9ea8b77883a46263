/**
 * What every source of papers is and gives the catalog, whatever it reads: an index file in one of our formats, a
 * .bib, an arXiv JSON Lines snapshot, and next a Zotero database or papers looked up online. Pure: no `vscode` import.
 *
 * A `PaperSource` is read whole into an `IndexSource` and merged by the catalog (src/catalog/catalog.ts); what it
 * read is described by a `SourceStamp`, so an unchanged source is not read again on the next start (the catalog
 * cache, src/catalog/loadCatalog.ts). Files are read in the format their name says (./formats.ts).
 * Invariant: reading never throws — a source that cannot be read gives an `IndexSource` with no papers and one error
 * problem that names its location, so one broken source never stops the others.
 */
import * as path from 'node:path';
import type { BibParser } from '../bibtex/bibliography';
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

/** How one read goes: progress and cancellation. */
export interface SourceReadOptions {
  /** Called with the bytes read so far, as a streamed source (JSON Lines) is read. */
  readonly onBytesRead?: (bytes: number) => void;
  /** Asked between batches of a streamed source; true stops the read. */
  readonly isCancelled?: () => boolean;
}

/** A place papers come from. */
export interface PaperSource {
  /** Where it is (an absolute path, or a URI string for other schemes), for messages and cache keys. */
  readonly location: string;
  /** Shown to users before it is read: its display name, or its file name. */
  readonly name: string;
  /**
   * The file on disk it reads, in a format of ./formats.ts: such a source can also be read by the catalog worker
   * (src/catalog/catalogWorker.ts), which reads files only. Absent for sources that are not a file on disk.
   */
  readonly file?: string;
  /** What it looks like now; undefined when it cannot be stamped: then it is read on every load and never cached. */
  stamp(): Promise<SourceStamp | undefined>;
  /** Its papers and problems; never rejects (see the module comment); undefined only when the read was cancelled. */
  read(options?: SourceReadOptions): Promise<IndexSource | undefined>;
  /** Tells when its papers may have changed, for sources that know (a file's watcher is set up by the extension). */
  onDidChange?(listener: () => void): { dispose(): void };
}

/** How a file source is read: settings that hold for every read. */
export interface FileSourceOptions {
  /** Shown instead of the index's own name (the bundled index). */
  readonly displayName?: string;
  /**
   * Files read whole (JSON, .bib) bigger than this are refused; streamed files (JSON Lines) have no limit. No limit
   * when absent.
   */
  readonly maxBytes?: number;
  /** Parses .bib text; in the calling thread when absent. */
  readonly parseBib?: BibParser;
}

/** A source that gave nothing: no papers, and one error saying why, at its location. */
export function failedSource(location: string, message: string, name = path.basename(location)): IndexSource {
  return { name, location, papers: [], problems: [{ severity: 'error', file: location, line: 1, column: 1, message }] };
}

/** A source that is known not to be there (a setting entry that names no file): read, it fails with `message`. */
export function missingSource(location: string, message: string): PaperSource {
  return {
    location,
    name: path.basename(location),
    stamp: async () => undefined,
    read: async () => failedSource(location, message),
  };
}
