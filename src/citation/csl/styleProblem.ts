/**
 * What ./cslReferences.ts and ./cslEngine.ts share. They are in different bundles (the engine is loaded lazily), so
 * each has its own copy of this module: a problem is recognised by its name, not by `instanceof`.
 */
import type { CslItem } from './cslItem';

/** Why a style cannot be used; its message names the file. */
export class StyleProblem extends Error {
  override readonly name = 'StyleProblem';
}

export function isStyleProblem(error: unknown): error is StyleProblem {
  return error instanceof Error && error.name === 'StyleProblem';
}

/** A compiled style: in this thread, or in a worker (./cslWorker.ts). */
export interface StyleEngine {
  /** The entry of one item, with the style's label ("[1]", "1.") when asked for; throws (rejects) with a `StyleProblem`. */
  readonly entry: (item: CslItem, withLabel: boolean) => string | Promise<string>;
}

/** Compiles the style in `xml` (from `file`) with `locale`'s terms; throws a `StyleProblem` if it cannot be used. */
export type StyleCompiler = (xml: string, locale: string, lang: string, file: string) => StyleEngine;
