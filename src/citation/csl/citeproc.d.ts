/** The part of citeproc-js (npm `citeproc`, which ships no types) that ./cslEngine.ts uses. */
declare module 'citeproc' {
  interface CiteprocSys {
    retrieveLocale(lang: string): string | undefined;
    retrieveItem(id: string): unknown;
  }
  interface CiteprocEngine {
    setOutputFormat(format: string): void;
    updateItems(ids: readonly string[]): void;
    /** False for a style without a bibliography; else its parameters and one string per entry. */
    makeBibliography(): false | [Record<string, unknown>, string[]];
  }
  interface CiteprocModule {
    Engine: new (sys: CiteprocSys, style: string, lang?: string, forceLang?: boolean) => CiteprocEngine;
    Output: { Formats: Record<string, Record<string, unknown>> };
  }
  const CSL: CiteprocModule;
  export = CSL;
}
