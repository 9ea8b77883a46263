/**
 * Files on disk as paper sources, read with Node's `fs` in the format their name says (./formats.ts): only regular
 * files within the size limit (./regularFile.ts), streamed formats a chunk at a time. Pure: no `vscode` import, so
 * the catalog worker (src/catalog/catalogWorker.ts) and the command line read files with it, and the extension
 * reads files on disk with it too (src/ui/indexFileReader.ts).
 */
import * as path from 'node:path';
import { formatOf, readFormattedFile } from './formats';
import { isZoteroDatabasePath, readZoteroSource, zoteroSourceStamp } from './zotero/zoteroSource';
import type { FileSourceOptions, IndexSource, PaperSource, SourceReadOptions, SourceStamp } from './paperSource';
import { readRegularFile, RefusedFileError, regularFileChunks, statRegularFile, type ReadLimits } from './regularFile';
import type { SourceFile } from './sourceFormat';

/** Streamed reads come in chunks of this size: each is parsed in one go, a few milliseconds of work. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * The size limit for a file: `maxBytes` for files read whole; none for streamed formats, which never hold more than
 * a chunk (the catalog worker reports a file too big for memory).
 */
export function limitsFor(file: string, maxBytes: number | undefined): ReadLimits {
  // A Zotero database is read whole, whatever its size (Zotero's full-text index makes big ones common).
  return formatOf(path.basename(file)).streamed || isZoteroDatabasePath(file) || maxBytes === undefined ? {} : { maxBytes };
}

/**
 * A file on disk (an absolute path) as a paper source, stamped by its size and modification time. A SQLite file is a
 * Zotero library (./zotero/zoteroSource.ts): read with its write-ahead log and Better BibTeX's database beside it, so
 * it is on disk only, and those files count in its stamp.
 */
export function fileSource(file: string, options: FileSourceOptions = {}): PaperSource {
  const limits = limitsFor(file, options.maxBytes);
  const zotero = isZoteroDatabasePath(file);
  return {
    location: file,
    name: options.displayName ?? path.basename(file),
    file,
    async stamp() {
      try {
        return await stampFile(file, limits);
      } catch {
        // Missing, not a regular file, or over the limit: read on every load, where the read says which.
        return undefined;
      }
    },
    read: (readOptions: SourceReadOptions = {}) =>
      zotero ? readZoteroSource(file, limits, options.displayName) : readFormattedFile(diskFile(file, limits), { ...options, ...readOptions }),
  };
}

/**
 * The stamp of a file on disk (an absolute path): its size and mtime, and for a Zotero library its log's and Better
 * BibTeX's database's too. Rejects, as ./regularFile.ts says, when it is not a regular file within `limits`.
 */
export async function stampFile(file: string, limits: ReadLimits): Promise<SourceStamp> {
  const stats = await statRegularFile(file, limits);
  const own = { location: file, size: stats.size, mtimeMs: stats.mtimeMs };
  return isZoteroDatabasePath(file) ? zoteroSourceStamp(file, own) : own;
}

/** `fileSource(file, options).read(options)`: a file read once; `undefined` when cancelled. */
export function readSourceFile(file: string, options: FileSourceOptions & SourceReadOptions = {}): Promise<IndexSource | undefined> {
  return fileSource(file, options).read(options);
}

function diskFile(file: string, limits: ReadLimits): SourceFile {
  return {
    location: file,
    fileName: path.basename(file),
    bytes: () => readRegularFile(file, limits),
    chunks: () => regularFileChunks(file, CHUNK_BYTES, limits),
    describeError: (error) => describeReadError(error),
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
