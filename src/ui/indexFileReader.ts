/**
 * An index file named by a URI as a `PaperSource`: VS Code glue over the pure readers in src/sources/.
 *
 * Files on disk (`file:` URIs) are the pure file sources (src/sources/sourceFiles.ts), read with Node's `fs` exactly
 * as the catalog worker reads them: only regular files (never a FIFO or a device, also behind a symlink), within the
 * size limit, streamed formats a chunk at a time, so a multi-gigabyte snapshot never sits in memory whole. For other
 * schemes (virtual workspaces) `workspace.fs` says what the file is and how big before it is read, and can only read
 * it whole, so the limit holds for streamed formats too, which are then parsed a slice at a time; such files cannot
 * be stamped, so they are read on every load and never cached.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readFormattedFile } from '../sources/formats';
import type { FileSourceOptions, PaperSource, SourceReadOptions } from '../sources/paperSource';
import { yieldToEventLoop } from '../shared/cooperative';
import { RefusedFileError, tooBigError } from '../sources/regularFile';
import { CHUNK_BYTES, describeReadError, fileSource } from '../sources/sourceFiles';

/** Where a file is, for messages and cache keys: its path on disk, or the URI for other schemes. */
export function locationOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/** The file at `uri` as a paper source. */
export function indexFileSource(uri: vscode.Uri, options: FileSourceOptions = {}): PaperSource {
  if (uri.scheme === 'file') return fileSource(uri.fsPath, options);
  const location = locationOf(uri);
  const fileName = path.posix.basename(uri.path);
  const bytes = (): Promise<Uint8Array> => readWholeFile(uri, options.maxBytes);
  return {
    location,
    name: options.displayName ?? fileName,
    stamp: async () => undefined,
    read: (readOptions: SourceReadOptions = {}) =>
      readFormattedFile(
        {
          location,
          fileName,
          bytes,
          chunks: async function* () {
            yield* inSlices(await bytes());
          },
          describeError: describeWorkspaceReadError,
        },
        { ...options, ...readOptions },
      ),
  };
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
