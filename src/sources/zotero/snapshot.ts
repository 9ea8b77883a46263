/**
 * A consistent copy of a SQLite database that another process (a running Zotero) holds open, read without ever
 * touching that process's files: the database and its write-ahead log are read into memory, and the log's committed
 * frames are applied to the copy here, as SQLite would on opening it. Pure: Node's `fs` only, no `vscode` import.
 *
 * Why not let SQLite read the log: sql.js (SQLite in WASM) opens a database from bytes, in a file system of its own
 * that it does not let us write a `-wal` beside, and a database in WAL mode needs shared memory that the WASM build
 * lacks. So the copy is written back in rollback-journal mode (header bytes 18–19 = 1) with the log already applied.
 *
 * The log's format (https://www.sqlite.org/fileformat.html, "The Write-Ahead Log"): a 32-byte header (magic, version,
 * page size, checkpoint sequence, two salts, a checksum), then frames of a 24-byte header (page number, the database's
 * size in pages for the frame that commits a transaction, the salts, a cumulative checksum) and one page. Only frames up
 * to the last valid commit count: a frame with other salts is from before the last checkpoint, and one whose checksum
 * fails was being written when we read; both end the log, as they do for SQLite.
 */
import { stat } from 'node:fs/promises';
import { readRegularFile, type ReadLimits } from '../regularFile';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const WAL_MAGIC_LITTLE_ENDIAN = 0x377f0682;
const WAL_MAGIC_BIG_ENDIAN = 0x377f0683;

/** SQLite's WAL checksum over `bytes` (a multiple of 8 long), continuing from `[s0, s1]`. */
function walChecksum(bytes: Uint8Array, bigEndian: boolean, s0: number, s1: number): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 8 <= bytes.byteLength; at += 8) {
    s0 = (s0 + view.getUint32(at, !bigEndian) + s1) >>> 0;
    s1 = (s1 + view.getUint32(at + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/** The page size a database header states (offset 16, big-endian; 1 stands for 65536). */
function headerPageSize(database: Uint8Array): number {
  const size = (database[16] << 8) | database[17];
  return size === 1 ? 65536 : size;
}

/**
 * `database` with the committed transactions of `wal` applied, in rollback-journal mode; `database` itself when the log
 * holds no valid commit. Never modifies its arguments.
 */
export function applyWal(database: Uint8Array, wal: Uint8Array | undefined): Uint8Array {
  const committed = new Map<number, Uint8Array>();
  let pageCount: number | undefined;
  if (wal && wal.byteLength >= WAL_HEADER_BYTES) {
    const header = new DataView(wal.buffer, wal.byteOffset, WAL_HEADER_BYTES);
    const magic = header.getUint32(0);
    const pageSize = header.getUint32(8);
    const bigEndian = magic === WAL_MAGIC_BIG_ENDIAN;
    const validHeader =
      (magic === WAL_MAGIC_LITTLE_ENDIAN || bigEndian) &&
      pageSize >= 512 &&
      pageSize <= 65536 &&
      (pageSize & (pageSize - 1)) === 0 &&
      (database.byteLength === 0 || headerPageSize(database) === pageSize);
    let [s0, s1] = validHeader ? walChecksum(wal.subarray(0, 24), bigEndian, 0, 0) : [0, 0];
    if (validHeader && s0 === header.getUint32(24) && s1 === header.getUint32(28)) {
      const salt1 = header.getUint32(16);
      const salt2 = header.getUint32(20);
      const pending = new Map<number, Uint8Array>();
      for (let at = WAL_HEADER_BYTES; at + FRAME_HEADER_BYTES + pageSize <= wal.byteLength; at += FRAME_HEADER_BYTES + pageSize) {
        const frame = new DataView(wal.buffer, wal.byteOffset + at, FRAME_HEADER_BYTES);
        if (frame.getUint32(8) !== salt1 || frame.getUint32(12) !== salt2) break;
        const page = wal.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + pageSize);
        [s0, s1] = walChecksum(wal.subarray(at, at + 8), bigEndian, s0, s1);
        [s0, s1] = walChecksum(page, bigEndian, s0, s1);
        if (s0 !== frame.getUint32(16) || s1 !== frame.getUint32(20)) break;
        const pageNumber = frame.getUint32(0);
        if (pageNumber === 0) break;
        pending.set(pageNumber, page);
        const commitSize = frame.getUint32(4);
        if (commitSize > 0) {
          for (const [number, bytes] of pending) committed.set(number, bytes);
          pending.clear();
          pageCount = commitSize;
        }
      }
      if (pageCount !== undefined) return withPages(database, committed, pageCount, pageSize);
    }
  }
  return inRollbackMode(database);
}

function withPages(database: Uint8Array, pages: ReadonlyMap<number, Uint8Array>, pageCount: number, pageSize: number): Uint8Array {
  const copy = new Uint8Array(pageCount * pageSize);
  copy.set(database.subarray(0, Math.min(database.byteLength, copy.byteLength)));
  for (const [number, page] of pages) if (number <= pageCount) copy.set(page, (number - 1) * pageSize);
  return inRollbackMode(copy, true);
}

/** The database marked as not in WAL mode (file format bytes 18 and 19 set to 1), copied unless `owned`. */
function inRollbackMode(database: Uint8Array, owned = false): Uint8Array {
  if (database.byteLength < 100 || (database[18] !== 2 && database[19] !== 2)) return database;
  const copy = owned ? database : database.slice();
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

/** How a file looked: size and mtime, or absent. */
async function fileState(file: string): Promise<string> {
  try {
    const stats = await stat(file);
    return `${stats.size}:${stats.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return await readRegularFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Attempts at a copy during which neither file changed, before the last copy is taken as it is. */
const SNAPSHOT_ATTEMPTS = 3;

/**
 * The database at `file` as of one moment, with its `-wal` applied: read again if either file changed while it was
 * read (the log's checksums already keep a half-written transaction out). Reads only; throws the read error of the
 * database itself (a missing `-wal` is no error), or a `RefusedFileError` for one beyond `limits`.
 */
export async function readDatabaseSnapshot(file: string, limits: ReadLimits = {}): Promise<Uint8Array> {
  const walFile = `${file}-wal`;
  let database: Uint8Array | undefined;
  let wal: Uint8Array | undefined;
  for (let attempt = 0; attempt < SNAPSHOT_ATTEMPTS; attempt++) {
    const before = `${await fileState(file)} ${await fileState(walFile)}`;
    database = await readRegularFile(file, limits);
    wal = await readIfPresent(walFile);
    if (`${await fileState(file)} ${await fileState(walFile)}` === before) break;
  }
  return applyWal(database!, wal);
}
