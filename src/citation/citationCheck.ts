/**
 * Which cited keys of a document lack a bibliography entry: the policy behind the citation diagnostics. A key
 * the document's .bib has is fine; a key that is one of our papers' but not in the .bib is a missing entry (its
 * quick fix adds the paper under that key); a key that is in neither is unknown. Pure: no `vscode` import.
 */
import type { CitedKey } from './citationContext';

export type CitationFinding =
  | { readonly kind: 'missing-entry'; readonly cited: CitedKey; readonly paperId: string }
  | { readonly kind: 'unknown-key'; readonly cited: CitedKey };

export interface CitationCheckInput {
  readonly cited: readonly CitedKey[];
  /** Whether the document's bibliography has an entry with this key (exactly: bibtex and pandoc match keys exactly). */
  readonly inBibliography: (key: string) => boolean;
  /** Our paper cited under this key, if any. */
  readonly paperIdForKey: (key: string) => string | undefined;
  /**
   * Whether keys found nowhere are reported: only when the document has a bibliography of its own to check
   * against; in a Markdown file that declares none, an `@name` is more likely a handle than a citation.
   */
  readonly reportUnknown: boolean;
}

export function checkCitations(input: CitationCheckInput): CitationFinding[] {
  const findings: CitationFinding[] = [];
  for (const cited of input.cited) {
    if (input.inBibliography(cited.key)) continue;
    const paperId = input.paperIdForKey(cited.key);
    if (paperId !== undefined) findings.push({ kind: 'missing-entry', cited, paperId });
    else if (input.reportUnknown) findings.push({ kind: 'unknown-key', cited });
  }
  return findings;
}
