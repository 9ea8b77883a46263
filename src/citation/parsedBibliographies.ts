/**
 * The parsed entries of the .bib files documents cite into, kept per file until it changes: hover and
 * completion ask on every keystroke and every hover, and parsing a big .bib takes seconds (in a worker, see
 * ./bibParseWorker.ts). A file is known by a stamp its caller cheaply computes — an open buffer's version,
 * else the file's size and modification time — so an unchanged file is neither read nor parsed again. A
 * parse that failed is kept too, so a hostile file costs one failed parse per change, not one per hover.
 * Pure: no `vscode` import.
 */
import type { BibEntry, BibParser } from '../bibtex/bibliography';

/** Files kept: the few bibliographies of the documents open at once. */
export const KEPT_BIBLIOGRAPHIES = 8;

interface Parsed {
  readonly stamp: string | undefined;
  readonly text: string;
  readonly entries: Promise<BibEntry[]>;
}

export class ParsedBibliographies {
  private readonly parsed = new Map<string, Parsed>();

  constructor(private readonly parse: BibParser) {}

  /**
   * The entries of file `id` as it is at `stamp`; `read` gives its text (undefined: there is no such file, no
   * entries) and is called only when the stamp differs from the one last parsed.
   */
  async entries(id: string, stamp: string, read: () => Promise<string | undefined>): Promise<BibEntry[]> {
    const kept = this.parsed.get(id);
    if (kept && kept.stamp === stamp) return this.touch(id, kept).entries;
    const text = await read();
    if (text === undefined) return [];
    return this.remember(id, stamp, text).entries;
  }

  /** The entries of `text`, the text of file `id` just read: parsed again only when it is not the text last parsed. */
  async entriesOfText(id: string, text: string): Promise<BibEntry[]> {
    const kept = this.parsed.get(id);
    if (kept && kept.text === text) return this.touch(id, kept).entries;
    return this.remember(id, undefined, text).entries;
  }

  private remember(id: string, stamp: string | undefined, text: string): Parsed {
    const parsed: Parsed = { stamp, text, entries: this.parse(text) };
    // A rejection is kept as the result for this text, and handled by whoever awaits it.
    parsed.entries.catch(() => undefined);
    this.touch(id, parsed);
    for (const old of [...this.parsed.keys()].slice(0, Math.max(0, this.parsed.size - KEPT_BIBLIOGRAPHIES))) this.parsed.delete(old);
    return parsed;
  }

  /** Moves `id` to the newest end, so the least recently used file is dropped first. */
  private touch(id: string, parsed: Parsed): Parsed {
    this.parsed.delete(id);
    this.parsed.set(id, parsed);
    return parsed;
  }
}
