/**
 * Index files into `IndexSource`s, in the format their name says: `.bib` BibTeX, `.jsonl` or `.ndjson`
 * JSON Lines (the arXiv metadata snapshot), anything else our JSON schema. Pure: no `vscode` import, so the
 * catalog worker (./catalogWorker.ts) reads files with it straight from disk, and the extension
 * (src/ui/indexFileReader.ts) reads through `workspace.fs` with the same parsing and the same messages.
 */
import * as path from 'node:path';
import type { BibParser } from '../bibtex/bibliography';
import { parseBibIndexText } from './bibSource';
import { isCslJsonText, parseCslJsonText } from './cslJson';
import type { IndexSource } from '../sources/paperSource';
import { readArxivJsonl } from './jsonlSource';
import { parseIndexText, type IndexProblem } from './parseIndex';
import type { Paper } from '../papers/paper';
import { readRegularFile, RefusedFileError, regularFileChunks, type ReadLimits } from './regularFile';
import { isZoteroDatabasePath, readZoteroSource } from './zotero/zoteroSource';

export interface SourceReadOptions {
  /** Shown instead of the index's own name (the bundled index). */
  readonly displayName?: string;
  /** Called with the bytes read so far, as a JSON Lines file is read. */
  readonly onBytesRead?: (bytes: number) => void;
  /** Asked between batches of a JSON Lines file; true stops the read. */
  readonly isCancelled?: () => boolean;
  /**
   * Files read whole (JSON, .bib) bigger than this are refused; JSON Lines files, streamed, have no limit.
   * No limit when absent.
   */
  readonly maxBytes?: number;
  /** Parses .bib text; in the calling thread when absent. */
  readonly parseBib?: BibParser;
}

/** Streamed reads come in chunks of this size: each is parsed in one go, a few milliseconds of work. */
export const CHUNK_BYTES = 256 * 1024;

export function isJsonLinesPath(file: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(file);
}

/**
 * The size limit for an index file: `maxBytes` for files read whole; none for JSON Lines files, which are streamed
 * a chunk at a time (a multi-gigabyte arXiv snapshot is a supported index; the worker reports one too big for
 * memory).
 */
export function limitsFor(file: string, maxBytes: number | undefined): ReadLimits {
  // A Zotero database must be read whole, whatever its size (Zotero's full-text index makes big ones common).
  return isJsonLinesPath(file) || isZoteroDatabasePath(file) || maxBytes === undefined ? {} : { maxBytes };
}

/** A JSON index or .bib file's text as a source. */
export async function sourceFromText(text: string, location: string, displayName?: string, parseBib?: BibParser): Promise<IndexSource> {
  // A JSON array is CSL JSON (./cslJson.ts); our own index is an object.
  const parsed = /\.bib$/i.test(location) ? await parseBibIndexText(text, location, parseBib) : isCslJsonText(text) ? parseCslJsonText(text, location) : parseIndexText(text, location);
  return { name: displayName ?? parsed.name ?? path.basename(location), location, papers: parsed.papers, problems: parsed.problems };
}

/**
 * A JSON Lines file read chunk by chunk; `undefined` when the read was cancelled. `describeError` turns a
 * read error into the message users see.
 */
export async function jsonLinesSource(
  chunks: AsyncIterable<Uint8Array>,
  location: string,
  { displayName, onBytesRead, isCancelled }: SourceReadOptions,
  describeError: (error: unknown) => string,
): Promise<IndexSource | undefined> {
  const papers: Paper[] = [];
  const problems: IndexProblem[] = [];
  let bytesRead = 0;
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      bytesRead += chunk.byteLength;
      yield chunk;
    }
  };
  try {
    for await (const batch of readArxivJsonl(counted(), location)) {
      for (const paper of batch.papers) papers.push(paper);
      for (const problem of batch.problems) problems.push(problem);
      onBytesRead?.(bytesRead);
      // Leaving the loop closes the generators, and with them the read stream.
      if (isCancelled?.()) return undefined;
    }
  } catch (error) {
    // Papers read before a read error (a file truncated or removed while it was read) still load.
    const message = describeError(error);
    if (papers.length === 0 && problems.length === 0) return failedSource(location, message);
    problems.push({ severity: 'error', file: location, line: 1, column: 1, message: `${message} (after ${bytesRead} bytes)` });
  }
  return { name: displayName ?? path.basename(location), location, papers, problems };
}

/**
 * A file on disk (an absolute path) as a source, with Node's `fs`, if it is a regular file within the limit
 * (./regularFile.ts); `undefined` when cancelled.
 */
export async function readSourceFile(file: string, options: SourceReadOptions = {}): Promise<IndexSource | undefined> {
  if (isJsonLinesPath(file)) return jsonLinesSource(regularFileChunks(file, CHUNK_BYTES), file, options, describeReadError);
  // A SQLite file is a Zotero library (./zotero/zoteroSource.ts).
  if (isZoteroDatabasePath(file)) return readZoteroSource(file, limitsFor(file, options.maxBytes), options.displayName);
  let text: string;
  try {
    // Decoded as `workspace.fs` reads are (src/ui/indexFileReader.ts): a byte-order mark is dropped.
    text = new TextDecoder('utf-8').decode(await readRegularFile(file, limitsFor(file, options.maxBytes)));
  } catch (error) {
    return failedSource(file, describeReadError(error));
  }
  return sourceFromText(text, file, options.displayName, options.parseBib);
}

export function failedSource(location: string, message: string): IndexSource {
  return {
    name: path.basename(location),
    location,
    papers: [],
    problems: [{ severity: 'error', file: location, line: 1, column: 1, message }],
  };
}

/** The message for a read error, by its code: Node's (`ENOENT`) or `workspace.fs`'s (`FileNotFound`). */
export function describeReadError(error: unknown, code = (error as NodeJS.ErrnoException | undefined)?.code): string {
  if (error instanceof RefusedFileError) return error.message;
  switch (code) {
    case 'FileNotFound':
    case 'ENOENT':
      return 'Index file not found.';
    case 'FileIsADirectory':
    case 'EISDIR':
      return 'Expected an index file but found a directory.';
    case 'NoPermissions':
    case 'EACCES':
      return 'No permission to read the index file.';
  }
  return `Cannot read the index file: ${error instanceof Error ? error.message : String(error)}`;
}
