/**
 * Reads one index file into an `IndexSource`: VS Code glue over the pure readers in src/sources/sourceFiles.ts.
 *
 * Files on disk (`file:` URIs) are read by the pure reader with Node's `fs`, exactly as the catalog worker
 * reads them: only regular files (never a FIFO or a device, also behind a symlink), within the size limit,
 * and JSON Lines streamed, so a multi-gigabyte snapshot never sits in memory whole. For other schemes
 * (virtual workspaces) `workspace.fs` says what the file is and how big before it is read, and can only
 * read it whole, so the limit holds for JSON Lines too, which are then parsed a slice at a time. Between
 * batches the reader reports the bytes read and stops when the load is cancelled.
 */
import * as vscode from 'vscode';
import type { BibParser } from '../bibtex/bibliography';
import type { IndexSource } from '../sources/paperSource';
import { yieldToEventLoop } from '../shared/cooperative';
import { RefusedFileError, tooBigError } from '../sources/regularFile';
import { CHUNK_BYTES, describeReadError, failedSource, isJsonLinesPath, jsonLinesSource, readSourceFile, sourceFromText } from '../sources/sourceFiles';

export interface ReadOptions {
  /** Shown instead of the index's own name (the bundled index). */
  readonly displayName?: string;
  /** Called with the bytes read so far, as a JSON Lines file is read. */
  readonly onBytesRead?: (bytes: number) => void;
  readonly cancellation?: vscode.CancellationToken;
  /** Files read whole that are bigger than this are refused; no limit when absent. */
  readonly maxBytes?: number;
  /** Parses .bib text (off the extension host's thread); in this thread when absent. */
  readonly parseBib?: BibParser;
}

/** Where a file is, for messages and cache keys: its path on disk, or the URI for other schemes. */
export function locationOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/** The source; `undefined` when the load was cancelled while it was being read. */
export async function readIndexFile(uri: vscode.Uri, options: ReadOptions = {}): Promise<IndexSource | undefined> {
  const { displayName, onBytesRead, cancellation, maxBytes, parseBib } = options;
  const isCancelled = (): boolean => cancellation?.isCancellationRequested ?? false;
  if (uri.scheme === 'file') return readSourceFile(uri.fsPath, { displayName, onBytesRead, isCancelled, maxBytes, parseBib });
  const location = locationOf(uri);
  let bytes: Uint8Array;
  try {
    bytes = await readWholeFile(uri, maxBytes);
  } catch (error) {
    return failedSource(location, describeWorkspaceReadError(error));
  }
  if (isJsonLinesPath(uri.path)) return jsonLinesSource(inSlices(bytes), location, { displayName, onBytesRead, isCancelled }, describeWorkspaceReadError);
  return sourceFromText(new TextDecoder('utf-8').decode(bytes), location, displayName, parseBib);
}

/**
 * A file of another scheme, read through `workspace.fs` if its provider says it is a file within `maxBytes`
 * (a provider reports FIFOs and devices as `FileType.Unknown`). Throws a `RefusedFileError` or the provider's error.
 */
export async function readWholeFile(uri: vscode.Uri, maxBytes: number | undefined): Promise<Uint8Array> {
  const stat = await vscode.workspace.fs.stat(uri);
  const name = uri.path.split('/').pop() ?? uri.path;
  if (stat.type & vscode.FileType.Directory) throw vscode.FileSystemError.FileIsADirectory(uri);
  if (!(stat.type & vscode.FileType.File)) throw new RefusedFileError(`${name} is not a regular file; not read.`, 'ENOTREGULAR');
  if (maxBytes !== undefined && stat.size > maxBytes) throw tooBigError(name, stat.size, maxBytes);
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (maxBytes !== undefined && bytes.byteLength > maxBytes) throw tooBigError(name, bytes.byteLength, maxBytes);
  return bytes;
}

/** A file already in memory as chunks, with a turn for the event loop between them. */
async function* inSlices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.byteLength; start += CHUNK_BYTES) {
    yield bytes.subarray(start, start + CHUNK_BYTES);
    await yieldToEventLoop();
  }
}

/** `workspace.fs` throws FileSystemErrors, whose code is their own; Node streams throw errors with a `code`. */
function describeWorkspaceReadError(error: unknown): string {
  return describeReadError(error, error instanceof vscode.FileSystemError ? error.code : undefined);
}
