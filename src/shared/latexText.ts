/**
 * Text that may carry LaTeX (arXiv titles and abstracts, .bib fields) as runs a reader can show: plain text,
 * with emphasis, and math kept as its TeX source for a typesetter. Pure module (no `vscode`, no DOM), used by
 * the host (the picker's plain rows) and by the webview bundle (which typesets the math runs with KaTeX).
 *
 * The decoder reads LaTeX the way an author of an abstract means it, not as TeX would run it:
 * - Accents become precomposed letters (`{\"u}`, `\"{u}`, `\"u` → ü; `\c{c}` → ç; `{\'\i}` → í), and letter
 *   commands become their letters (`\o` → ø, `\ss` → ß); `\%`, `\&`, `\$`, `\#`, `\_`, `\{`, `\}` their
 *   characters; `--` an en dash and `---` an em dash; ``` `` ``` and `''` curly double quotes.
 * - `\emph`, `\textit`, `\textsl` and `{\em …}`, `{\it …}` are italic, `\textbf` and `{\bf …}` bold, `\texttt`
 *   monospace; any other command with a braced argument (`\textsc{…}`, `\bibcyr{…}`, `\mbox{…}`) shows its
 *   argument, and `\foreignlanguage{lang}{…}` and `\href{url}{…}` their last one. A command the decoder
 *   does not know, without an argument, stays as its source: it is shown, never silently dropped.
 * - Math is `$…$`, `$$…$$`, `\(…\)`, `\[…\]` and the math environments (`equation`, `align`, …). A `$`
 *   opens math only when a non-blank follows it and closes it only after a non-blank and before a non-digit
 *   (pandoc's rule), so "$5 and $10" stays text. Unclosed math stays text.
 * - `%` is a percent sign, never a comment: abstracts are shown, not compiled, and write "91%" as often as
 *   "91\%". `~` between two non-blanks is a no-break space (`Fig.~3`); elsewhere it is a tilde (`~40%`).
 * - Braces group and are not shown; an unbalanced `}` is dropped.
 *
 * Every run records the range of the source it came from, so highlight ranges computed on the source (the
 * search engine's matches) can be placed on the decoded text: `exact` runs are verbatim copies of the
 * source, character for character; the others (a decoded accent, a math run) are highlighted whole.
 */

export interface TextStyle {
  readonly italic: boolean;
  readonly bold: boolean;
  readonly monospace: boolean;
}

export interface TextRun {
  readonly kind: 'text';
  readonly text: string;
  readonly style: TextStyle;
  /** `[from, to)` in the source. */
  readonly from: number;
  readonly to: number;
  /** Whether `text` is `source.slice(from, to)` unchanged, so offsets inside it map one to one. */
  readonly exact: boolean;
}

export interface MathRun {
  readonly kind: 'math';
  /** The TeX between the delimiters (for an environment, the whole `\begin{…}…\end{…}`), trimmed. */
  readonly tex: string;
  readonly display: boolean;
  readonly from: number;
  readonly to: number;
}

export type LatexRun = TextRun | MathRun;

const PLAIN: TextStyle = Object.freeze({ italic: false, bold: false, monospace: false });

/** Combining marks of the accent commands. */
const ACCENTS: Readonly<Record<string, string>> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304', '.': '\u0307',
  u: '\u0306', v: '\u030c', H: '\u030b', c: '\u0327', k: '\u0328', r: '\u030a', d: '\u0323', b: '\u0331', t: '\u0361',
};

/** Commands that are letters of their own; TeX ends their name at the first non-letter and eats blanks after it. */
const LETTERS: Readonly<Record<string, string>> = {
  o: 'ø', O: 'Ø', ss: 'ß', SS: 'SS', aa: 'å', AA: 'Å', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', l: 'ł', L: 'Ł',
  i: 'ı', j: 'ȷ', dh: 'ð', DH: 'Ð', th: 'þ', TH: 'Þ', ng: 'ŋ', NG: 'Ŋ', dj: 'đ', DJ: 'Đ',
};

/** Commands without an argument that stand for a character or a word. */
const SYMBOLS: Readonly<Record<string, string>> = {
  ldots: '…', dots: '…', textellipsis: '…', textendash: '–', textemdash: '—', textquoteleft: '‘',
  textquoteright: '’', textquotedblleft: '“', textquotedblright: '”', guillemotleft: '«', guillemotright: '»',
  guillemetleft: '«', guillemetright: '»', textbackslash: '\\', textasciitilde: '~', textasciicircum: '^',
  textunderscore: '_', textless: '<', textgreater: '>', textbar: '|', textbullet: '•', textperiodcentered: '·',
  textdegree: '°', textregistered: '®', texttrademark: '™', copyright: '©', textcopyright: '©', pounds: '£',
  textsterling: '£', euro: '€', texteuro: '€', S: '§', P: '¶', dag: '†', ddag: '‡', textdagger: '†',
  textdaggerdbl: '‡', LaTeX: 'LaTeX', LaTeXe: 'LaTeX2ε', TeX: 'TeX', BibTeX: 'BibTeX', XeTeX: 'XeTeX',
  LuaTeX: 'LuaTeX', slash: '/', textslash: '/', textpercent: '%', quad: '\u2003', qquad: '\u2003\u2003',
  enspace: '\u2002', thinspace: '\u2009', newline: ' ', linebreak: ' ', par: ' ', noindent: '', relax: '',
  xspace: '', protect: '', null: '', nobreak: '', hfill: ' ', today: '', item: '•',
};

/** `\x` where x is not a letter: escaped characters and spacing. */
const CONTROL_SYMBOLS: Readonly<Record<string, string>> = {
  '%': '%', '&': '&', $: '$', '#': '#', _: '_', '{': '{', '}': '}', ' ': ' ', ',': '\u2009', ';': '\u2005',
  ':': '\u2005', '>': '\u2005', '!': '', '/': '', '-': '', '@': '', '\\': ' ', '|': '‖',
};

/** Argument commands and the style they give their argument. */
const STYLE_COMMANDS: Readonly<Record<string, Partial<TextStyle>>> = {
  emph: { italic: true }, textit: { italic: true }, textsl: { italic: true }, mathit: { italic: true },
  textbf: { bold: true }, mathbf: { bold: true }, texttt: { monospace: true }, mathtt: { monospace: true },
};

/** Declarations that style the rest of their group: `{\em word}`. */
const STYLE_SWITCHES: Readonly<Record<string, Partial<TextStyle>>> = {
  em: { italic: true }, it: { italic: true }, itshape: { italic: true }, sl: { italic: true }, slshape: { italic: true },
  bf: { bold: true }, bfseries: { bold: true }, tt: { monospace: true }, ttfamily: { monospace: true },
  rm: { italic: false, bold: false, monospace: false }, normalfont: { italic: false, bold: false, monospace: false },
  upshape: { italic: false }, mdseries: { bold: false }, sc: {}, scshape: {}, sf: {}, sffamily: {}, small: {},
  footnotesize: {}, large: {}, Large: {}, normalsize: {},
};

/** Commands whose arguments are skipped but the last, which is shown. */
const LAST_ARGUMENT_SHOWN: Readonly<Record<string, number>> = { foreignlanguage: 2, href: 2, textcolor: 2, colorbox: 2 };

/** Commands shown as nothing, with their argument. */
const DROPPED_WITH_ARGUMENT = new Set(['label', 'footnote', 'thanks', 'index', 'vspace', 'hspace', 'color', 'pagestyle']);

/** Commands whose argument is shown verbatim (no decoding). */
const VERBATIM_ARGUMENT = new Set(['url', 'path', 'nolinkurl']);

const MATH_ENVIRONMENTS = new Set([
  'equation', 'equation*', 'align', 'align*', 'alignat', 'alignat*', 'gather', 'gather*', 'multline', 'multline*',
  'eqnarray', 'eqnarray*', 'displaymath', 'math', 'split', 'flalign', 'flalign*',
]);

/** Deepest brace nesting the decoder follows; deeper text is shown as it is (hostile input must not recurse without end). */
const MAX_DEPTH = 64;

/** The runs of `source`, adjacent runs of the same kind and style joined. */
export function latexRuns(source: string): LatexRun[] {
  return new Decoder(source).run();
}

/** `source` as plain readable text: decoded, math as its TeX without the delimiters. For the picker's rows. */
export function readableText(source: string): string {
  if (!/[\\{}$~`'-]/.test(source)) return source;
  return latexRuns(source).map((run) => (run.kind === 'math' ? run.tex : run.text)).join('');
}

/**
 * `source` as plain readable text (as `readableText`) with a map from source offsets to offsets in it, so ranges
 * found in the source can be placed on the text. `toText(offset, 'start')` is where a range starting at
 * `offset` starts in the text; a range that starts or ends inside a decoded piece (an accent, a math run) takes
 * all of it.
 */
export function readableTextWithMap(source: string): { text: string; toText(offset: number, side: 'start' | 'end'): number; toSource(offset: number, side: 'start' | 'end'): number } {
  const runs = latexRuns(source);
  const pieces: { text: string; from: number; to: number; exact: boolean; at: number }[] = [];
  let text = '';
  for (const run of runs) {
    const piece = run.kind === 'math' ? run.tex : run.text;
    pieces.push({ text: piece, from: run.from, to: run.to, exact: run.kind === 'text' && run.exact, at: text.length });
    text += piece;
  }
  const toText = (offset: number, side: 'start' | 'end'): number => {
    for (const piece of pieces) {
      if (offset > piece.to || (offset === piece.to && side === 'start')) continue;
      if (offset <= piece.from) return piece.at;
      if (piece.exact) return piece.at + (offset - piece.from);
      return side === 'start' ? piece.at : piece.at + piece.text.length;
    }
    return text.length;
  };
  const toSource = (offset: number, side: 'start' | 'end'): number => {
    for (const piece of pieces) {
      const end = piece.at + piece.text.length;
      if (offset > end || (offset === end && side === 'start' && piece.text.length > 0)) continue;
      if (offset <= piece.at) return piece.from;
      if (piece.exact) return piece.from + (offset - piece.at);
      return side === 'start' ? piece.from : piece.to;
    }
    return source.length;
  };
  return { text, toText, toSource };
}

/** A part of a run that is highlighted or not; `highlightedRuns` splits runs at highlight boundaries. */
export type HighlightedRun = LatexRun & { readonly highlighted: boolean };

/**
 * The runs of `source` with `highlights` (`[start, end)` ranges of the source, sorted, not overlapping) placed on
 * them: an exact text run is split at the boundaries; any other run is highlighted whole when a range touches it.
 */
export function highlightedRuns(source: string, highlights: readonly (readonly [number, number])[]): HighlightedRun[] {
  const result: HighlightedRun[] = [];
  for (const run of latexRuns(source)) {
    const touching = highlights.filter(([start, end]) => start < run.to && end > run.from && start < end);
    if (touching.length === 0 || run.kind === 'math' || !run.exact) {
      result.push({ ...run, highlighted: touching.length > 0 });
      continue;
    }
    let position = run.from;
    const piece = (from: number, to: number, highlighted: boolean): void => {
      if (from < to) result.push({ ...run, text: source.slice(from, to), from, to, highlighted });
    };
    for (const [start, end] of touching) {
      const from = Math.max(start, run.from);
      const to = Math.min(end, run.to);
      if (from < position) continue;
      piece(position, from, false);
      piece(from, to, true);
      position = to;
    }
    piece(position, run.to, false);
  }
  return result;
}

/**
 * `[from, to)` widened so that it cuts no math and no command or group: for a snippet of the source that
 * decodes as the same text it shows inside the whole.
 */
export function widenToWholeRuns(source: string, from: number, to: number): [number, number] {
  let start = from;
  let end = to;
  for (const run of latexRuns(source)) {
    if (run.kind === 'text' && run.exact) continue;
    if (run.from < start && run.to > start) start = run.from;
    if (run.from < end && run.to > end) end = run.to;
  }
  return [start, end];
}

/** The characters the decoder looks at; everything between them is copied as it is. */
const SPECIAL = /[{}\\$~`'-]/g;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

class Decoder {
  /** Mutable while the decoder joins verbatim stretches into them; handed out as read-only runs. */
  private readonly runs: (Mutable<TextRun> | MathRun)[] = [];
  private position = 0;
  /**
   * Past these offsets no closing delimiter was found. Whether a `$` or `\)` closes math does not depend on
   * where the math opened, so a later opener need not look again: one scan per kind, not one per opener.
   */
  private noDollarCloserFrom = Infinity;
  private readonly noCloserFrom: Record<string, number> = { '\\)': Infinity, '\\]': Infinity, $$: Infinity };

  constructor(private readonly source: string) {}

  run(): LatexRun[] {
    this.sequence(PLAIN, 0, undefined);
    // A `}` with no `{` ends the top-level sequence early: skip it and go on.
    while (this.position < this.source.length) {
      this.position++;
      this.sequence(PLAIN, 0, undefined);
    }
    return this.runs;
  }

  /**
   * Reads text up to the end of the source or the `}` that closes the current group (consumed), in `style`.
   * `until`, when given, also ends the sequence (for `\begin{…}` … `\end{…}` bodies).
   */
  private sequence(initial: TextStyle, depth: number, until: string | undefined): void {
    const group: { style: TextStyle } = { style: initial };
    const { source } = this;
    while (this.position < source.length) {
      if (until !== undefined && source.startsWith(until, this.position)) return;
      const at = this.position;
      const c = source[at];
      if (c === '}') {
        if (depth > 0) this.position++;
        return;
      }
      if (c === '{') {
        if (depth >= MAX_DEPTH) {
          this.exact(at, at + 1, group.style);
          this.position++;
          continue;
        }
        this.position++;
        this.sequence(group.style, depth + 1, undefined);
        continue;
      }
      if (c === '\\') {
        this.command(group, depth);
        continue;
      }
      if (c === '$') {
        if (this.dollarMath()) continue;
        this.exact(at, at + 1, group.style);
        this.position++;
        continue;
      }
      if (c === '~') {
        const between = at > 0 && /\S/.test(source[at - 1]) && at + 1 < source.length && /\S/.test(source[at + 1]);
        if (between) this.decoded('\u00a0', at, at + 1, group.style);
        else this.exact(at, at + 1, group.style);
        this.position++;
        continue;
      }
      if (c === '-' && source[at + 1] === '-') {
        const triple = source[at + 2] === '-';
        this.decoded(triple ? '—' : '–', at, at + (triple ? 3 : 2), group.style);
        this.position = at + (triple ? 3 : 2);
        continue;
      }
      if ((c === '`' && source[at + 1] === '`') || (c === "'" && source[at + 1] === "'")) {
        this.decoded(c === '`' ? '“' : '”', at, at + 2, group.style);
        this.position = at + 2;
        continue;
      }
      // A stretch of ordinary characters, copied as it is.
      SPECIAL.lastIndex = at + 1;
      const end = SPECIAL.exec(source)?.index ?? source.length;
      this.exact(at, end, group.style);
      this.position = end;
    }
  }

  private command(group: { style: TextStyle }, depth: number): void {
    const { source } = this;
    const at = this.position;
    const next = source[at + 1];
    if (next === undefined) {
      this.exact(at, at + 1, group.style);
      this.position++;
      return;
    }
    if (next === '(' || next === '[') {
      const close = next === '(' ? '\\)' : '\\]';
      const end = this.find(close, at + 2);
      if (end >= 0) {
        this.math(source.slice(at + 2, end), next === '[', at, end + 2);
        this.position = end + 2;
      } else {
        this.exact(at, at + 2, group.style);
        this.position = at + 2;
      }
      return;
    }
    if (next in ACCENTS && !/[A-Za-z]/.test(next)) {
      this.accent(next, at, at + 2, group.style);
      return;
    }
    if (!/[A-Za-z]/.test(next)) {
      const symbol = CONTROL_SYMBOLS[next];
      if (symbol !== undefined) this.decoded(symbol, at, at + 2, group.style);
      else this.exact(at, at + 2, group.style);
      this.position = at + 2;
      return;
    }
    const name = /^[A-Za-z]+\*?/.exec(source.slice(at + 1, at + 40))![0];
    const afterName = at + 1 + name.length;
    this.position = afterName;
    if (name.length === 1 && name in ACCENTS && /^(?:\s*\{|\s+\S)/.test(source.slice(afterName, afterName + 3))) {
      this.accent(name, at, afterName, group.style);
      return;
    }
    if (name in LETTERS) {
      this.position = skipBlanks(source, afterName);
      if (source.startsWith('{}', this.position)) this.position += 2;
      this.decoded(LETTERS[name], at, this.position, group.style);
      return;
    }
    if (name in SYMBOLS) {
      if (source.startsWith('{}', afterName)) this.position += 2;
      this.decoded(SYMBOLS[name], at, this.position, group.style);
      return;
    }
    if (name in STYLE_SWITCHES) {
      group.style = { ...group.style, ...STYLE_SWITCHES[name] };
      this.position = skipBlanks(source, afterName);
      this.decoded('', at, this.position, group.style);
      return;
    }
    if (name === 'begin' || name === 'end') {
      this.environment(name, at, group);
      return;
    }
    const argumentStart = skipBlanks(source, afterName);
    if (source[argumentStart] !== '{' || depth >= MAX_DEPTH) {
      // Unknown and without an argument: shown as written.
      this.exact(at, afterName, group.style);
      return;
    }
    if (VERBATIM_ARGUMENT.has(name) || DROPPED_WITH_ARGUMENT.has(name)) {
      const end = closingBrace(source, argumentStart);
      if (end < 0) {
        this.exact(at, afterName, group.style);
        return;
      }
      const shown = DROPPED_WITH_ARGUMENT.has(name) ? '' : source.slice(argumentStart + 1, end);
      this.decoded(shown, at, end + 1, { ...group.style, monospace: group.style.monospace || shown !== '' });
      this.position = end + 1;
      return;
    }
    // Arguments skipped before the one shown.
    let shownStart = argumentStart;
    for (let skip = (LAST_ARGUMENT_SHOWN[name] ?? 1) - 1; skip > 0; skip--) {
      const end = closingBrace(source, shownStart);
      const following = end < 0 ? -1 : skipBlanks(source, end + 1);
      if (following < 0 || source[following] !== '{') break;
      shownStart = following;
    }
    this.decoded('', at, shownStart + 1, group.style);
    this.position = shownStart + 1;
    this.sequence({ ...group.style, ...STYLE_COMMANDS[name] }, depth + 1, undefined);
  }

  private environment(name: 'begin' | 'end', at: number, group: { style: TextStyle }): void {
    const { source } = this;
    const match = /^\s*\{([A-Za-z]+\*?)\}/.exec(source.slice(this.position, this.position + 40));
    if (!match) {
      this.exact(at, this.position, group.style);
      return;
    }
    const environment = match[1];
    const afterArgument = this.position + match[0].length;
    if (name === 'begin' && MATH_ENVIRONMENTS.has(environment)) {
      const end = `\\end{${environment}}`;
      const endAt = source.indexOf(end, afterArgument);
      if (endAt >= 0) {
        this.math(source.slice(at, endAt + end.length), true, at, endAt + end.length);
        this.position = endAt + end.length;
        return;
      }
    }
    // Any other environment's markers (itemize, quote, …) are not shown; its body is text.
    this.decoded(name === 'begin' ? '' : ' ', at, afterArgument, group.style);
    this.position = afterArgument;
  }

  /** An accent command at `[at, nameEnd)`, applied to the letter after it (braced, bare, or a dotless `\i`). */
  private accent(accent: string, at: number, nameEnd: number, style: TextStyle): void {
    const { source } = this;
    const match = /^\s*(?:\{\s*(\\[ij](?![A-Za-z])|[^\\{}\s])\s*\}|(\\[ij](?![A-Za-z])|[^\\{}\s]))/u.exec(source.slice(nameEnd, nameEnd + 12));
    if (!match) {
      this.exact(at, nameEnd, style);
      this.position = nameEnd;
      return;
    }
    const letter = match[1] ?? match[2];
    const base = letter === '\\i' || letter === 'ı' ? 'i' : letter === '\\j' || letter === 'ȷ' ? 'j' : letter;
    const end = nameEnd + match[0].length;
    this.decoded(`${base}${ACCENTS[accent]}`.normalize('NFC'), at, end, style);
    this.position = end;
  }

  /** Math opened by `$` or `$$` at the current position; false (nothing read) if this `$` opens none. */
  private dollarMath(): boolean {
    const { source } = this;
    const at = this.position;
    if (source[at + 1] === '$') {
      const end = this.find('$$', at + 2);
      if (end < 0 || source.slice(at + 2, end).trim() === '') return false;
      this.math(source.slice(at + 2, end), true, at, end + 2);
      this.position = end + 2;
      return true;
    }
    if (at + 1 >= source.length || /\s/.test(source[at + 1]) || at >= this.noDollarCloserFrom) return false;
    for (let i = at + 1; i < source.length; i++) {
      const c = source[i];
      if (c === '\\') {
        i++;
        continue;
      }
      if (c !== '$') continue;
      if (/\s/.test(source[i - 1]) || /\d/.test(source[i + 1] ?? '')) continue;
      this.math(source.slice(at + 1, i), false, at, i + 1);
      this.position = i + 1;
      return true;
    }
    this.noDollarCloserFrom = at;
    return false;
  }

  /** `source.indexOf(delimiter, from)`, remembering where it found none. */
  private find(delimiter: string, from: number): number {
    if (from >= this.noCloserFrom[delimiter]) return -1;
    const found = this.source.indexOf(delimiter, from);
    if (found < 0) this.noCloserFrom[delimiter] = from;
    return found;
  }

  private math(tex: string, display: boolean, from: number, to: number): void {
    this.runs.push({ kind: 'math', tex: tex.trim(), display, from, to });
  }

  private exact(from: number, to: number, style: TextStyle): void {
    this.push(this.source.slice(from, to), from, to, style, true);
  }

  private decoded(text: string, from: number, to: number, style: TextStyle): void {
    this.push(text, from, to, style, false);
  }

  private push(text: string, from: number, to: number, style: TextStyle, exact: boolean): void {
    const last = this.runs.at(-1);
    // Verbatim stretches join, so offsets inside them keep mapping one to one; decoded pieces stay apart.
    if (exact && last?.kind === 'text' && last.exact && last.to === from && sameStyle(last.style, style)) {
      last.text += text;
      last.to = to;
      return;
    }
    this.runs.push({ kind: 'text', text, style, from, to, exact });
  }
}

function sameStyle(a: TextStyle, b: TextStyle): boolean {
  return a.italic === b.italic && a.bold === b.bold && a.monospace === b.monospace;
}

function skipBlanks(source: string, from: number): number {
  let i = from;
  while (i < source.length && /\s/.test(source[i])) i++;
  return i;
}

/** The index of the `}` closing the `{` at `open`, or -1. */
function closingBrace(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}
