/**
 * Which of overlapping runs of a task may publish its result: the one started last. A run that started
 * earlier may finish later (reloading index files when one is deleted while the previous load still reads
 * it: the earlier load, which saw the file, can end after the later one, which did not); its result is
 * then out of date and must not replace what the later run showed. Pure: no `vscode` import.
 */
export class LatestWins {
  private newest = 0;

  /** Marks a run as started now; the function returned says whether it is still the newest one started. */
  begin(): () => boolean {
    const run = ++this.newest;
    return () => run === this.newest;
  }
}
