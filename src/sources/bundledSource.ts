/**
 * The papers that ship with the extension: an index in our JSON format inside the extension's folder, read like
 * any other JSON index file (./parseIndex.ts) under this name, and first in every catalog so their ids and citation
 * keys never change whatever else is loaded.
 */

export const BUNDLED_INDEX_NAME = 'Bundled papers';

/** Where the bundled index is, relative to the extension's folder. */
export const BUNDLED_INDEX_PATH = ['data', 'papers.json'] as const;
