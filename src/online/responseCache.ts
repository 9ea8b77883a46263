/**
 * Responses cached on disk, one JSON file per URL (named by the URL's SHA-256) holding the URL, the time it was
 * fetched and the body. A file that cannot be read or parsed, or that holds another URL, is a miss. Pure: Node's
 * `fs`, no `vscode` import.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CachedResponse, ResponseCache } from './http';

export class DiskResponseCache implements ResponseCache {
  constructor(private readonly folder: string) {}

  async get(url: string): Promise<CachedResponse | undefined> {
    try {
      const stored: unknown = JSON.parse(await readFile(this.fileFor(url), 'utf8'));
      const { url: storedUrl, fetchedAt, body } = (stored ?? {}) as Partial<CachedResponse>;
      if (storedUrl !== url || typeof fetchedAt !== 'number' || typeof body !== 'string') return undefined;
      return { url, fetchedAt, body };
    } catch {
      return undefined;
    }
  }

  async put(response: CachedResponse): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const file = this.fileFor(response.url);
    // Written aside and renamed, so a reader never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify(response));
    await rename(partial, file);
  }

  private fileFor(url: string): string {
    return path.join(this.folder, `${createHash('sha256').update(url).digest('hex')}.json`);
  }
}
