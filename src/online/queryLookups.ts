/**
 * The online row of one search field (the picker's, the side view's): each change of the query replaces it at
 * once — nothing for words, which stay a local search, "looking up" for an identifier — and the lookup starts
 * only once typing has paused for `DEBOUNCE_MS`; an answer for an older query is dropped. Pure: the timer and
 * the lookup are injected.
 */
import { describeIdentifier, type PaperIdentifier } from './identifier';

/** How long typing must pause before an identifier goes online. */
export const DEBOUNCE_MS = 400;

/** The first row of a search for an identifier: being looked up, found, or why not. */
export type OnlineRow<P> =
  | { readonly status: 'looking'; readonly identifier: string }
  | { readonly status: 'found'; readonly paper: P }
  | { readonly status: 'failed'; readonly message: string };

export interface QueryLookupOptions<P> {
  /** The identifier the whole query is, when online lookups are on; undefined for anything else. */
  readonly identify: (query: string) => PaperIdentifier | undefined;
  /** Looks the paper up; a rejection's message is the row's one line. */
  readonly lookUp: (identifier: PaperIdentifier) => Promise<P>;
  /** Called with the row for the newest query, every time it changes. */
  readonly onRow: (row: OnlineRow<P> | undefined) => void;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

export class QueryLookups<P> {
  private timer: unknown;
  private generation = 0;
  private readonly setTimer: (run: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(private readonly options: QueryLookupOptions<P>) {
    this.setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  update(query: string): void {
    this.clearTimer(this.timer);
    const generation = ++this.generation;
    const identifier = this.options.identify(query);
    if (!identifier) {
      this.options.onRow(undefined);
      return;
    }
    this.options.onRow({ status: 'looking', identifier: describeIdentifier(identifier) });
    this.timer = this.setTimer(() => {
      void this.options.lookUp(identifier).then(
        (paper): OnlineRow<P> => ({ status: 'found', paper }),
        (error: unknown): OnlineRow<P> => ({ status: 'failed', message: error instanceof Error ? error.message : String(error) }),
      ).then((row) => {
        if (generation === this.generation) this.options.onRow(row);
      });
    }, DEBOUNCE_MS);
  }

  /** Stops: no lookup starts, and no answer is reported, after this. */
  dispose(): void {
    this.clearTimer(this.timer);
    this.generation++;
  }
}
