/**
 * Text from files — paper ids, keys, titles, author names, paths and file names, front matter, parser
 * messages — on its way into VS Code's own UI. Pure: no `vscode` import.
 *
 * Such text is written by whoever wrote the file, and the places VS Code shows it are not all plain text:
 *
 * - Notifications (`showInformationMessage` and its siblings, and notification progress) turn
 *   `[label](target)` into a clickable link when the target starts with `https://`, `http://`, `command:` or
 *   `file:` (VS Code's `parseLinkedText`, case-insensitive, `[` `]` `(` `)` adjacent), and a `command:` link runs
 *   that command with its arguments: one click on an index file's paper id could open a terminal. Line breaks
 *   become spaces; everything else is a text node.
 * - Quick pick labels, descriptions and details, status bar text and status bar messages render `$(name)` and
 *   `$(name~modifier)` as icons (`renderLabelWithIcons`); a backslash before the `$` shows it as written.
 * - Markdown (hovers, completion documentation, tooltips) makes links, images (fetched: a tracking pixel),
 *   autolinks and, where allowed, HTML out of punctuation.
 * - Everywhere, bidirectional controls reorder what follows them (a right-to-left override makes `key.bib`
 *   show as `bib.yek`), and control characters and line breaks break the one-line layout.
 *
 * Each function returns text that renders as what it shows in its place and can make nothing there: no link,
 * image, tag, icon or reordering. They keep the text readable rather than hide it — `[x](command:y)` becomes
 * `[x] (command: y)`, not an empty string — so a user can still tell which file or paper a message is about.
 */

/**
 * Bidirectional formatting characters: the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069,
 * the left-to-right and right-to-left marks U+200E/U+200F and the Arabic letter mark U+061C. Right-to-left
 * letters (Hebrew, Arabic) are not among them and keep their natural direction.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** C0 and C1 control characters (tab, line feed and carriage return among them), DEL, and the line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/**
 * `](`: the join of a Markdown link or image and of VS Code's linked text. Without it adjacent, neither
 * CommonMark nor `parseLinkedText` makes a link or an image, whatever the brackets hold.
 */
const LINK_JOIN = /\]\s*\(/g;

/**
 * `<` that starts an HTML tag, comment or declaration (`<script`, `</a`, `<!--`, `<?xml`) or a CommonMark
 * autolink (`<https://…>`, `<command:…>`): all of these need a letter, `/`, `!` or `?` right after the `<`.
 */
const TAG_OPEN = /<(?=[A-Za-z/!?])/g;

/**
 * URI schemes that run code, open local files or reach into VS Code, when a renderer's link detection sees
 * them: a space after the colon keeps every detector from reading one URI there.
 */
const DANGEROUS_SCHEME = /\b(command|javascript|vbscript|data|file|vscode|vscode-insiders|vscode-webview|vscode-file):(?=\S)/gi;

/** `$(name)` or `$(name~modifier)`, exactly what VS Code renders as an icon (`ThemeIcon.iconNameExpression`). */
const ICON = /\$\([A-Za-z0-9-]+(?:~[A-Za-z]+)?\)/g;

/**
 * `text` on one line, with nothing that reorders it: line breaks, tabs and other control characters become
 * spaces, runs of spaces one space; bidirectional controls are removed. What every other function builds on,
 * and on its own what a panel's tab title, a completion's detail or a modal dialog (which VS Code shows as
 * plain text) needs.
 */
export function plainLine(text: string): string {
  return text.replace(BIDI_CONTROLS, '').replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * For the message of a notification — `showInformationMessage`, `showWarningMessage`, `showErrorMessage`,
 * their modal `detail`, a notification's progress message — whole or for the data in it: `plainLine`, and no
 * link, image, tag, autolink or dangerous URI survives (see above for what each one needs).
 */
export function plainForMessage(text: string): string {
  return plainLine(text)
    .replace(LINK_JOIN, '] (')
    .replace(TAG_OPEN, '< ')
    .replace(DANGEROUS_SCHEME, '$1: ');
}

/**
 * For text VS Code shows as text with icons: quick pick labels, descriptions and details, status bar text and
 * status bar messages, completion labels. These make no link and no markup of anything, so the text stays as
 * written — a title `<script>` or `[x](y)` shows as exactly that — but `plainLine`, and every `$(name)` escaped
 * with a backslash, which VS Code shows as the `$(name)` the data has (a backslash already there before it shows
 * too). A progress message, which shows in the status bar or in a notification, takes both:
 * `plainForLabel(plainForMessage(text))`.
 */
export function plainForLabel(text: string): string {
  return plainLine(text).replace(ICON, '\\$&');
}

/**
 * For data inside Markdown (a `MarkdownString`, a hover, completion documentation): `plainLine`, and every
 * ASCII punctuation character backslash-escaped (CommonMark allows escaping any of them), so no link, image,
 * emphasis, HTML, entity, list marker, autolinked URL or `$(icon)` can come out of it. Whatever the
 * `MarkdownString` that holds it, it is never `supportHtml`, and trusted only for our own commands.
 */
export function markdownText(text: string): string {
  return plainLine(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * The text with each bidirectional control replaced by a zero-width space: shown, it reorders nothing (a title
 * `\u202Eexe.live` no longer reads "evil.exe"), and it keeps every UTF-16 offset, so match highlights computed on
 * the stored text still point at the same characters. For the webviews, which set data as text.
 */
export function inertBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '\u200b');
}
