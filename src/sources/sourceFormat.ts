/**
 * What a file format is to the registry (./formats.ts): which file names it reads, and how it turns a file into
 * papers. Pure: no `vscode` import and no file access of its own — the file is handed over as a `SourceFile`, read
 * from disk (./sourceFiles.ts) or through VS Code's `workspace.fs` (src/ui/indexFileReader.ts) with the same parsing
 * and the same messages.
 */
import type { BibParser } from '../bibtex/bibliography';
import type { ParsedIndex } from './parseIndex';
import type { SourceReadOptions } from './paperSource';

/** One file to read, however it is reached. */
export interface SourceFile {
  /** Where it is (an absolute path or a URI string), for problems. */
  readonly location: string;
  /** Its name, which says its format. */
  readonly fileName: string;
  /** The whole file; rejects when it cannot be read or is refused (not a regular file, over the size limit). */
  bytes(): Promise<Uint8Array>;
  /** The file a chunk at a time, for streamed formats; throws like `bytes`, at the first chunk or later. */
  chunks(): AsyncIterable<Uint8Array>;
  /** The message users see for an error `bytes` or `chunks` threw. */
  describeError(error: unknown): string;
}

export interface FormatReadOptions extends SourceReadOptions {
  /** Parses .bib text; in the calling thread when absent. */
  readonly parseBib?: BibParser;
}

export interface SourceFormat {
  /** What users call it. */
  readonly name: string;
  matches(fileName: string): boolean;
  /**
   * Read a chunk at a time, never whole: such files have no size limit on disk (a multi-gigabyte arXiv snapshot is a
   * supported index).
   */
  readonly streamed: boolean;
  /**
   * The file's papers and problems; undefined when the read was cancelled. Rejects with what the file's reads
   * reject with, unless papers read before the error are kept with a problem that says what happened.
   */
  read(file: SourceFile, options: FormatReadOptions): Promise<ParsedIndex | undefined>;
}

/** The file as text, decoded as UTF-8 with a byte-order mark dropped (as `workspace.fs` reads are). */
export async function wholeText(file: SourceFile): Promise<string> {
  return new TextDecoder('utf-8').decode(await file.bytes());
}
