/**
 * CSL styles compiled and rendered in a worker thread: citeproc-js compiles a style synchronously, seconds for APA or
 * Chicago on a busy machine, which in the extension host would hold every extension up on the first reference. The
 * catalog worker's bundle (`dist/indexWorker.js`) started in its renderer role keeps the compiled styles; the host sends
 * each item with its style's XML (../../shared/requestWorker.ts) and gets the entry text back. Pure: no `vscode` import.
 */
import { requestWorker, serveRequests } from '../../shared/requestWorker';
import type { CslItem } from './cslItem';
import { loadCslEngine } from './cslReferences';
import { isStyleProblem, StyleProblem, type StyleCompiler, type StyleEngine } from './styleProblem';

/** The `workerData` that starts `dist/indexWorker.js` as a CSL renderer. */
export interface CslRendererRole {
  readonly type: 'cslRenderer';
}

export function isCslRendererRole(data: unknown): data is CslRendererRole {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'cslRenderer';
}

interface RenderRequest {
  readonly xml: string;
  readonly locale: string;
  readonly lang: string;
  readonly file: string;
  readonly item: CslItem;
  readonly withLabel: boolean;
}

/** The entry's text, or why the style cannot be used (a `StyleProblem` does not survive the thread boundary). */
type RenderReply = { readonly text: string } | { readonly styleProblem: string };

/** The worker's side: compiles each style once (again when its XML changes) and renders every item sent. */
export function serveCslRenderRequests(): void {
  const engines = new Map<string, { readonly xml: string; readonly engine: StyleEngine }>();
  serveRequests<RenderRequest, RenderReply>(async ({ xml, locale, lang, file, item, withLabel }) => {
    try {
      let compiled = engines.get(file);
      if (compiled?.xml !== xml) {
        compiled = { xml, engine: loadCslEngine().compileStyle(xml, locale, lang, file) };
        engines.set(file, compiled);
      }
      return { text: await compiled.engine.entry(item, withLabel) };
    } catch (error) {
      if (isStyleProblem(error)) return { styleProblem: error.message };
      throw error;
    }
  });
}

/** A first compile of a big style on a loaded machine takes seconds; a minute means the worker is stuck. */
const RENDER_TIMEOUT_MS = 60_000;

/** A `StyleCompiler` whose styles compile and render in one worker started from `workerFile`, and how to stop it. */
export function workerStyleCompiler(workerFile: string): { readonly compileStyle: StyleCompiler; dispose(): void } {
  const worker = requestWorker<RenderRequest, RenderReply>(workerFile, {
    workerData: { type: 'cslRenderer' } satisfies CslRendererRole,
    timeoutMs: RENDER_TIMEOUT_MS,
    timedOut: `Formatting the reference took longer than ${RENDER_TIMEOUT_MS / 1000} s; stopped.`,
    stopped: (code) => `The citation style worker stopped (exit code ${code}) before it finished.`,
  });
  return {
    // Compiled in the worker on its first entry: a style that cannot be used is a `StyleProblem` of that entry.
    compileStyle: (xml, locale, lang, file) => ({
      entry: async (item, withLabel) => {
        const reply = await worker.request({ xml, locale, lang, file, item, withLabel });
        if ('styleProblem' in reply) throw new StyleProblem(reply.styleProblem);
        return reply.text;
      },
    }),
    dispose: () => worker.dispose(),
  };
}
