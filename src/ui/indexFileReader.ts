/**
 * Reads one index file into an `IndexSource`: VS Code glue over the pure readers in src/index/sourceFiles.ts.
 *
 * JSON Lines files can be snapshots of all of arXiv (gigabytes), so they are streamed: from disk through
 * a Node read stream for `file:` URIs, so the file never sits in memory whole; for other schemes (virtual
 * workspaces) `workspace.fs` can only read the whole file, which is then parsed a slice at a time. Between
 * batches the reader reports the bytes read and stops when the load is cancelled.
 */
import { createReadStream } from 'node:fs';
import * as vscode from 'vscode';
import type { IndexSource } from '../index/catalog';
import { yieldToEventLoop } from '../index/cooperative';
import { CHUNK_BYTES, describeReadError, failedSource, isJsonLinesPath, jsonLinesSource, sourceFromText } from '../index/sourceFiles';

export interface ReadOptions {
  /** Shown instead of the index's own name (the bundled index). */
  readonly displayName?: string;
  /** Called with the bytes read so far, as a JSON Lines file is read. */
  readonly onBytesRead?: (bytes: number) => void;
  readonly cancellation?: vscode.CancellationToken;
}

/** Where a file is, for messages and cache keys: its path on disk, or the URI for other schemes. */
export function locationOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/** The source; `undefined` when the load was cancelled while it was being read. */
export async function readIndexFile(uri: vscode.Uri, options: ReadOptions = {}): Promise<IndexSource | undefined> {
  const location = locationOf(uri);
  if (isJsonLinesPath(uri.path)) {
    const chunks = uri.scheme === 'file' ? createReadStream(uri.fsPath, { highWaterMark: CHUNK_BYTES }) : inSlices(await vscode.workspace.fs.readFile(uri));
    const { displayName, onBytesRead, cancellation } = options;
    return jsonLinesSource(chunks, location, { displayName, onBytesRead, isCancelled: () => cancellation?.isCancellationRequested ?? false }, describeWorkspaceReadError);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    return failedSource(location, describeWorkspaceReadError(error));
  }
  return sourceFromText(text, location, options.displayName);
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
