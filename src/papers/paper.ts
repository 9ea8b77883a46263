/**
 * The paper model shared by the extension host, the command line and the webview.
 * Pure module: no `vscode` import, so it runs in plain Node and in the browser.
 */

/** One paper as stored in an index file (schema version 1). */
export interface Paper {
  /** Stable id, unique within its index file: a slug of the title unless the file says otherwise. */
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
  readonly authors?: readonly string[];
  readonly year?: number;
  readonly arxivId?: string;
  /** The paper's primary arXiv category (`cs.LG`, `hep-th`): BibTeX's `primaryClass`. */
  readonly arxivCategory?: string;
  readonly doi?: string;
  readonly url?: string;
  readonly venue?: string;
  /**
   * The citation key its source gives it (a .bib entry's key, a JSON index's `key`): the paper is cited under
   * this key wherever it is cited. Papers without one get a key made from the key template.
   */
  readonly key?: string;
  /**
   * For a paper read from a .bib: its entry as written there (type, every field, LaTeX as written), with the
   * `@string` macros it uses expanded so that it is valid in any other .bib, after the file's `@preamble`s that
   * define a command it uses. Copied whole into a document's bibliography instead of an entry written from the
   * fields above.
   */
  readonly bibtex?: string;
  /** For a paper from a Zotero library: the collections that hold it, each as its path (`Thesis/Chapter 2`). */
  readonly collections?: readonly string[];
  /** The absolute path of the paper's PDF (a Zotero attachment), for Open PDF. */
  readonly pdfFile?: string;
  /** For a paper from a Zotero library: the `zotero://select/…` link that shows it in Zotero. */
  readonly zoteroLink?: string;
}

/** A paper as loaded into the catalog: the index data plus what the loader derived. */
export interface LoadedPaper extends Paper {
  /** Citation key, unique among all loaded papers: the paper's own key where it has one. */
  readonly key: string;
  /** Display name of the index the paper came from (for example "Bundled papers"). */
  readonly source: string;
}

/** The on-disk shape of an index file. */
export interface IndexFileV1 {
  readonly version: 1;
  readonly name?: string;
  readonly papers: readonly Paper[];
}

export const INDEX_SCHEMA_VERSION = 1;

/** The object without its `undefined` properties, so optional fields are absent rather than present-but-empty. */
export function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/**
 * Papers by position, made when asked for: a catalog's papers need not all be in memory at once (see
 * src/catalog/paperStore.ts). Every paper it gives is a plain, frozen object with each of its fields as an own
 * property, so a spread or `JSON.stringify` copies all of it. Two reads of one position may give two equal
 * objects: compare papers by id, not by identity.
 */
export interface PaperList<P extends Paper = Paper> extends Iterable<P> {
  readonly size: number;
  /** The paper at `position`, 0 ≤ position < size. */
  paperAt(position: number): P;
  /** The id of the paper at `position`, without making the paper. */
  idAt(position: number): string;
}

/** Papers already in memory, as a `PaperList`; the array is used as it is, so it must not change. */
export function paperListOf<P extends Paper>(papers: readonly P[]): PaperList<P> {
  return {
    size: papers.length,
    paperAt: (position) => papers[position],
    idAt: (position) => papers[position].id,
    [Symbol.iterator]: () => papers[Symbol.iterator](),
  };
}

/** `papers` as a `PaperList`: an array is wrapped, a list is returned as it is. */
export function asPaperList<P extends Paper>(papers: readonly P[] | PaperList<P>): PaperList<P> {
  return 'paperAt' in papers ? papers : paperListOf(papers);
}

/** The paper frozen, its authors too: what a catalog hands out may be kept and shared, never changed. */
export function frozenPaper<P extends Paper>(paper: P): P {
  if (paper.authors) Object.freeze(paper.authors);
  if (paper.collections) Object.freeze(paper.collections);
  return Object.freeze(paper);
}
