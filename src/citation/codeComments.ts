/**
 * Line comments in code files, so that a plain reference inserted into code does not break it. Pure: no
 * `vscode` import.
 */

/**
 * The language ids (built-in ones and those of the usual extensions) that have each line-comment token. A
 * language with only block comments (CSS, HTML, XML) or none (JSON, plain text) is not listed: a plain
 * reference goes into it as is.
 */
const LANGUAGES_BY_LINE_COMMENT: Readonly<Record<string, readonly string[]>> = {
  '#': [
    'python', 'r', 'shellscript', 'yaml', 'julia', 'perl', 'raku', 'ruby', 'toml', 'dockerfile', 'dockercompose',
    'makefile', 'cmake', 'powershell', 'coffeescript', 'elixir', 'nim', 'nix', 'properties', 'terraform', 'hcl',
    'graphql', 'gdscript', 'snakemake', 'stan',
  ],
  '//': [
    'javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'jsonc', 'c', 'cpp', 'cuda-cpp', 'objective-c',
    'objective-cpp', 'csharp', 'fsharp', 'java', 'groovy', 'go', 'rust', 'kotlin', 'swift', 'scala', 'dart', 'php',
    'zig', 'solidity', 'proto3', 'glsl', 'hlsl', 'scss', 'less', 'verilog', 'systemverilog',
  ],
  '--': ['sql', 'lua', 'haskell', 'elm', 'purescript', 'ada', 'vhdl'],
  '%': ['matlab', 'octave', 'erlang', 'prolog'],
  ';': ['clojure', 'lisp', 'commonlisp', 'scheme', 'racket', 'elisp'],
  "'": ['vb'],
  '!': ['fortran', 'fortran-modern'],
};

const LINE_COMMENT_TOKENS: ReadonlyMap<string, string> = new Map(
  Object.entries(LANGUAGES_BY_LINE_COMMENT).flatMap(([token, languageIds]) => languageIds.map((id) => [id, token] as const)),
);

/** The line-comment token of a language, or undefined for one without line comments (or not known). */
export function lineCommentToken(languageId: string): string | undefined {
  return LINE_COMMENT_TOKENS.get(languageId);
}

/** Characters that open a string running to the same character, in most of the languages above. */
const QUOTES = new Set(['"', "'", '`']);

/**
 * Whether the cursor is already in a line comment: the text before it on its line holds `token` outside a
 * string. A deliberately simple scan, one line only: a `"`, `'` or `` ` `` opens a string that runs to the
 * same character (a backslash escapes the next one), and the first `token` outside a string starts the
 * comment. Where it guesses wrong it errs towards "not in a comment" — a quote that is no string (a Lisp
 * `'(a b)`, a MATLAB transpose), an unclosed multi-line string — which adds one comment token too many
 * (`# x # ref`), and the code still runs. Block comments (C's, Python's docstrings) are not recognised, to the
 * same effect.
 */
export function isInLineComment(textBeforeCursor: string, token: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < textBeforeCursor.length; i++) {
    const char = textBeforeCursor[i];
    if (quote !== undefined) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (QUOTES.has(char) && char !== token) {
      quote = char;
    } else if (textBeforeCursor.startsWith(token, i)) {
      return true;
    }
  }
  return false;
}
