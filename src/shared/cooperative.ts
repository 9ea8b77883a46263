/**
 * Long computations written once, run either in one go or in slices that let the event loop breathe.
 * Pure: no `vscode` import.
 *
 * The extension host runs every extension on one event loop; building the catalog of 100 000 papers takes
 * seconds, and a stretch that long freezes completions, hovers and other extensions. So the long loops
 * (merging sources, citation keys, building and (de)serializing the search index) are generators that
 * `yield` every few hundred items: `runToEnd` drives them straight through (the command line, the tests),
 * `runCooperatively` pauses with `setImmediate` once a slice of about 10 ms has passed (the extension).
 */

/** A computation that yields wherever it may pause, and returns its result. */
export type Steps<T> = Generator<void, T, void>;

/** Runs the steps without pausing. */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How long one slice may run before the event loop gets a turn: well under the 50 ms that users notice. */
export const SLICE_MS = 10;

/** Runs the steps, giving the event loop a turn whenever a slice of `sliceMs` has passed. */
export async function runCooperatively<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
