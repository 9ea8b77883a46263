/**
 * Paper text that may carry LaTeX, as DOM: decoded text (see src/shared/latexText.ts) as text nodes, emphasis
 * as `<em>`/`<strong>`, search highlights as `<mark>`, and math typeset by KaTeX. KaTeX builds its own
 * elements with DOM calls (no HTML parsing), and its options keep hostile math inert: `trust: false` (no
 * `\href`, `\url`, `\htmlId`, `\includegraphics`), bounded macro expansion and sizes, and errors shown as the
 * math's source in text, never thrown.
 */
import katex from 'katex';
import { highlightedRuns, type HighlightedRun } from '../shared/latexText';

const KATEX_OPTIONS = {
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  maxExpand: 100,
  maxSize: 10,
  output: 'htmlAndMathml',
} as const;

/** `source` (with `highlights`, `[start, end)` ranges of the source) as DOM nodes to append. */
export function richText(source: string, highlights: readonly (readonly [number, number])[] = []): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const run of highlightedRuns(source, highlights)) {
    const node = runNode(run);
    if (!node) continue;
    if (run.highlighted) {
      const mark = document.createElement('mark');
      mark.append(node);
      fragment.append(mark);
    } else {
      fragment.append(node);
    }
  }
  return fragment;
}

function runNode(run: HighlightedRun): Node | undefined {
  if (run.kind === 'math') return mathNode(run.tex, run.display);
  if (run.text === '') return undefined;
  let node: Node = document.createTextNode(run.text);
  if (run.style.monospace) node = wrap('span', node, 'monospace');
  if (run.style.bold) node = wrap('strong', node);
  if (run.style.italic) node = wrap('em', node);
  return node;
}

function wrap(tag: 'span' | 'strong' | 'em', child: Node, className?: string): HTMLElement {
  const wrapper = document.createElement(tag);
  if (className) wrapper.className = className;
  wrapper.append(child);
  return wrapper;
}

/** Typeset math; its TeX source as text if KaTeX cannot typeset it. */
function mathNode(tex: string, display: boolean): HTMLElement {
  const container = document.createElement('span');
  container.className = display ? 'math math-display' : 'math';
  try {
    katex.render(tex, container, { ...KATEX_OPTIONS, displayMode: display });
  } catch {
    container.replaceChildren(tex);
    container.classList.add('math-error');
  }
  return container;
}
