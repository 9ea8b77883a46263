/**
 * Title folding and slugs for paper ids.
 * Pure module: no `vscode` import, so it runs in plain Node and in the browser.
 */

/** Longest slug `slugify` returns; longer slugs are cut at the last word boundary that fits. */
export const MAX_SLUG_LENGTH = 80;

/**
 * Folds a title to lower-case ASCII words separated by single spaces:
 * accents are dropped (NFKD, then combining marks removed) and every run of other
 * non-alphanumeric characters becomes one separator.
 * Two titles that differ only in case, accents, punctuation or spacing fold to the same string.
 */
export function foldTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * The id slug of a title: its folded words joined by `-`, at most `MAX_SLUG_LENGTH` characters.
 * Returns an empty string when the title has no ASCII letters or digits; callers decide what that means.
 */
export function slugify(title: string): string {
  const slug = foldTitle(title).replace(/ /g, '-');
  if (slug.length <= MAX_SLUG_LENGTH) {
    return slug;
  }
  // A `-` at index MAX_SLUG_LENGTH still means the first MAX_SLUG_LENGTH characters are whole words.
  const lastBoundary = slug.lastIndexOf('-', MAX_SLUG_LENGTH);
  // A single word longer than the limit has no boundary to cut at, so it is cut mid-word.
  return lastBoundary > 0 ? slug.slice(0, lastBoundary) : slug.slice(0, MAX_SLUG_LENGTH);
}
