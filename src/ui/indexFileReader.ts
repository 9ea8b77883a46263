/**
 * Reads one index file into an `IndexSource`, in the format its name says: `.bib` BibTeX, `.jsonl` or
 * `.ndjson` JSON Lines (the arXiv metadata snapshot), anything else our JSON schema. VS Code glue over the
 * pure parsers in src/index.
 *
 * JSON Lines files can be snapshots of all of arXiv (gigabytes), so they are streamed: from disk through
 * a Node read stream for `file:` URIs, so the file never sits in memory whole; for other schemes (virtual
 * workspaces) `workspace.fs` can only read the whole file, which is then parsed a slice at a time. Between
 * batches the reader reports the bytes read and stops when the load is cancelled.
 */
import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexSource } from '../index/catalog';
import { parseBibIndexText } from '../index/bibSource';
import { yieldToEventLoop } from '../index/cooperative';
import { readArxivJsonl } from '../index/jsonlSource';
import type { IndexProblem } from '../index/parseIndex';
import { parseIndexText } from '../index/parseIndex';
import type { Paper } from '../index/paper';

export interface ReadOptions {
  /** Shown instead of the index's own name (the bundled index). */
  readonly displayName?: string;
  /** Called with the bytes read so far, as a JSON Lines file is read. */
  readonly onBytesRead?: (bytes: number) => void;
  readonly cancellation?: vscode.CancellationToken;
}

/** Streamed reads come in chunks of this size: each is parsed in one go, a few milliseconds of work. */
const CHUNK_BYTES = 256 * 1024;

export function isJsonLines(uri: vscode.Uri): boolean {
  return /\.(jsonl|ndjson)$/i.test(uri.path);
}

/** Where a file is, for messages and cache keys: its path on disk, or the URI for other schemes. */
export function locationOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

/** The source; `undefined` when the load was cancelled while it was being read. */
export async function readIndexFile(uri: vscode.Uri, options: ReadOptions = {}): Promise<IndexSource | undefined> {
  if (isJsonLines(uri)) return readJsonLines(uri, options);
  const location = locationOf(uri);
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    return failedSource(location, describeReadError(error));
  }
  const parsed = /\.bib$/i.test(uri.path) ? await parseBibIndexText(text, location) : parseIndexText(text, location);
  return {
    name: options.displayName ?? parsed.name ?? path.basename(location),
    location,
    papers: parsed.papers,
    problems: parsed.problems,
  };
}

async function readJsonLines(uri: vscode.Uri, { displayName, onBytesRead, cancellation }: ReadOptions): Promise<IndexSource | undefined> {
  const location = locationOf(uri);
  const papers: Paper[] = [];
  const problems: IndexProblem[] = [];
  let bytesRead = 0;
  const counted = async function* (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      bytesRead += chunk.byteLength;
      yield chunk;
    }
  };
  try {
    const chunks = uri.scheme === 'file' ? createReadStream(uri.fsPath, { highWaterMark: CHUNK_BYTES }) : inSlices(await vscode.workspace.fs.readFile(uri));
    for await (const batch of readArxivJsonl(counted(chunks), location)) {
      for (const paper of batch.papers) papers.push(paper);
      for (const problem of batch.problems) problems.push(problem);
      onBytesRead?.(bytesRead);
      // Leaving the loop closes the generators, and with them the read stream.
      if (cancellation?.isCancellationRequested) return undefined;
    }
  } catch (error) {
    // Papers read before a read error (a file truncated or removed while it was read) still load.
    const message = describeReadError(error);
    if (papers.length === 0 && problems.length === 0) return failedSource(location, message);
    problems.push({ severity: 'error', file: location, line: 1, column: 1, message: `${message} (after ${bytesRead} bytes)` });
  }
  return { name: displayName ?? path.basename(location), location, papers, problems };
}

/** A file already in memory as chunks, with a turn for the event loop between them. */
async function* inSlices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.byteLength; start += CHUNK_BYTES) {
    yield bytes.subarray(start, start + CHUNK_BYTES);
    await yieldToEventLoop();
  }
}

export function failedSource(location: string, message: string): IndexSource {
  return {
    name: path.basename(location),
    location,
    papers: [],
    problems: [{ severity: 'error', file: location, line: 1, column: 1, message }],
  };
}

function describeReadError(error: unknown): string {
  // workspace.fs throws FileSystemErrors; Node streams throw errors with a `code`.
  const code = error instanceof vscode.FileSystemError ? error.code : (error as NodeJS.ErrnoException | undefined)?.code;
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
