/**
 * Reading index and bibliography files without letting a file hang or exhaust the reader. Pure: no `vscode`
 * import (Node's `fs` only), shared by the extension host, the catalog worker and the command line.
 *
 * Only regular files are read. A FIFO opened for reading blocks until something writes to it, and it blocks
 * a thread of libuv's pool, which every file operation of the process shares: four such opens and no file
 * can be read any more. A device such as /dev/zero never ends. So a file is first `stat`ed (which follows
 * symlinks and opens nothing) and refused unless it is a regular file; then it is opened with O_NONBLOCK
 * (an open that cannot wait for a writer; it changes nothing for regular files) and the open descriptor is
 * `fstat`ed again before the first byte is read, so a file swapped for a FIFO in between is refused too.
 *
 * A file read whole is refused when it is bigger than the caller's limit, and read no further than that
 * limit even if it grows while being read. Streams (JSON Lines) may go without a limit: they never hold
 * more than a chunk.
 */
import { constants, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** The default of `paperLookup.maxFileSizeMB`: the largest index or bibliography file read whole. */
export const DEFAULT_MAX_FILE_MB = 200;

const MB = 1024 * 1024;

/** Why a file was not read: it is not a regular file, or it is too big. Its message names the file and says why. */
export class RefusedFileError extends Error {
  constructor(
    message: string,
    readonly code: 'ENOTREGULAR' | 'ETOOBIG',
  ) {
    super(message);
    this.name = 'RefusedFileError';
  }
}

export interface ReadLimits {
  /** Files bigger than this are refused; no limit when absent. */
  readonly maxBytes?: number;
}

/** What kind of file `stats` describes, as a phrase: "a FIFO (named pipe)". */
export function kindOf(stats: Pick<Stats, 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** "12.5 MB", "200 MB", "900 KB", "312 bytes" (1 MB = 1024 KB = 1,048,576 bytes, as in the setting). */
export function formatSize(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

export function notRegularError(file: string, stats: Parameters<typeof kindOf>[0]): RefusedFileError {
  const kind = kindOf(stats);
  return new RefusedFileError(`${path.basename(file)} is ${kind === 'not a regular file' ? 'not a regular file' : `${kind}, not a regular file`}; not read.`, 'ENOTREGULAR');
}

export function tooBigError(file: string, size: number, maxBytes: number): RefusedFileError {
  return new RefusedFileError(
    `${path.basename(file)} is ${formatSize(size)}, more than the ${formatSize(maxBytes)} a file may have (the setting paperLookup.maxFileSizeMB); not read.`,
    'ETOOBIG',
  );
}

/**
 * The file's stats if it is a regular file within the limit (following symlinks: a link to /dev/zero is a
 * character device); throws a `RefusedFileError` otherwise, or the `stat` error (ENOENT, EACCES).
 */
export async function statRegularFile(file: string, { maxBytes }: ReadLimits = {}): Promise<Stats> {
  const stats = await fs.stat(file);
  checkStats(file, stats, maxBytes);
  return stats;
}

function checkStats(file: string, stats: Stats, maxBytes: number | undefined): void {
  // A directory is a mistake in a setting more than an attack: it keeps the error reading one would give.
  if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: 'EISDIR' });
  if (!stats.isFile()) throw notRegularError(file, stats);
  if (maxBytes !== undefined && stats.size > maxBytes) throw tooBigError(file, stats.size, maxBytes);
}

/**
 * Opens a regular file for reading, checked as the module comment says; the caller closes the handle.
 * Throws like `statRegularFile`.
 */
export async function openRegularFile(file: string, limits: ReadLimits = {}): Promise<{ handle: fs.FileHandle; size: number }> {
  // Refused before it is opened: opening some devices does something (a tape rewinds, a terminal attaches).
  await statRegularFile(file, limits);
  // O_NONBLOCK is not defined on Windows, which has no FIFOs in the file system.
  const handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = await handle.stat();
    checkStats(file, stats, limits.maxBytes);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The bytes of a regular file, at most `maxBytes` of them (see the module comment). */
export async function readRegularFile(file: string, limits: ReadLimits = {}): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(file, limits);
  try {
    const limit = limits.maxBytes ?? Number.MAX_SAFE_INTEGER;
    const chunks: Uint8Array[] = [];
    let total = 0;
    // Sized by the stat, but read to the end: some files (/proc) say 0 bytes and have more.
    for (;;) {
      const buffer = new Uint8Array(Math.max(64 * 1024, Math.min(size - total + 1, limit - total + 1, 16 * MB)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooBigError(file, total, limit);
      chunks.push(buffer.subarray(0, bytesRead));
    }
    if (chunks.length === 1) return chunks[0];
    const whole = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return whole;
  } finally {
    await handle.close();
  }
}

/** A regular file as a stream of chunks of `chunkBytes`; the checks are made when the first chunk is asked for. */
export async function* regularFileChunks(file: string, chunkBytes: number, limits: ReadLimits = {}): AsyncGenerator<Uint8Array> {
  const { handle } = await openRegularFile(file, limits);
  try {
    for (;;) {
      const buffer = new Uint8Array(chunkBytes);
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** `paperLookup.maxFileSizeMB` in bytes: a positive number of megabytes, else the default. */
export function maxFileBytes(megabytes: unknown): number {
  const mb = typeof megabytes === 'number' && Number.isFinite(megabytes) && megabytes > 0 ? megabytes : DEFAULT_MAX_FILE_MB;
  return Math.round(mb * MB);
}
