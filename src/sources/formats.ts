/**
 * The formats a paper source file may be in, chosen by its name: the first format in `SOURCE_FORMATS` that matches.
 * A new format is one file that exports a `SourceFormat` (./sourceFormat.ts) and one line here. Pure: no `vscode`
 * import.
 */
import * as path from 'node:path';
import { bibFormat } from './bibSource';
import { jsonLinesFormat } from './jsonlSource';
import { failedSource, type IndexSource } from './paperSource';
import { jsonFormat } from './cslJson';
import type { FormatReadOptions, SourceFile, SourceFormat } from './sourceFormat';

/** JSON (ours, or CSL JSON) matches every name, so it stays last: a file of no other format is read as JSON. */
export const SOURCE_FORMATS: readonly SourceFormat[] = [bibFormat, jsonLinesFormat, jsonFormat];

export function formatOf(fileName: string): SourceFormat {
  // Never undefined: the last format matches every name.
  return SOURCE_FORMATS.find((format) => format.matches(fileName))!;
}

/**
 * The file as a source, read in its format; `displayName` is shown instead of the index's own name. Never rejects:
 * a file that cannot be read is a source with one error; undefined when the read was cancelled.
 */
export async function readFormattedFile(file: SourceFile, options: FormatReadOptions & { readonly displayName?: string }): Promise<IndexSource | undefined> {
  let parsed;
  try {
    parsed = await formatOf(file.fileName).read(file, options);
  } catch (error) {
    return failedSource(file.location, file.describeError(error));
  }
  if (!parsed) return undefined;
  return { name: options.displayName ?? parsed.name ?? path.basename(file.fileName), location: file.location, papers: parsed.papers, problems: parsed.problems };
}
