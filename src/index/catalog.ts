/**
 * The catalog: every loaded paper from every index source, with unique ids and citation keys, and one
 * search over all of them. Pure: no `vscode` import; the extension and the CLI both build it.
 */
import { assignCitationKeys, DEFAULT_KEY_TEMPLATE } from '../citation/keys';
import type { IndexProblem } from './parseIndex';
import type { LoadedPaper, Paper } from './paper';
import { createPaperSearch, type PaperSearch, type SearchHit } from './search';

/** One index file after parsing: where it came from, what it held, what was wrong with it. */
export interface IndexSource {
  /** Shown to users: the index's `name`, or its file name. */
  readonly name: string;
  /** The file it came from (absolute path or URI string), for messages. */
  readonly location: string;
  readonly papers: readonly Paper[];
  readonly problems: readonly IndexProblem[];
}

export class PaperCatalog {
  readonly papers: readonly LoadedPaper[];
  /** Problems from parsing plus the ones found while merging sources (duplicate ids across files). */
  readonly problems: readonly IndexProblem[];
  private readonly byId = new Map<string, LoadedPaper>();
  private readonly byKey = new Map<string, LoadedPaper>();
  private readonly engine: PaperSearch<LoadedPaper>;

  /**
   * Sources in priority order: the bundled index first, so its papers keep their ids and keys.
   * `keyTemplate` must be valid (see `keyTemplateProblem`).
   */
  constructor(readonly sources: readonly IndexSource[], keyTemplate = DEFAULT_KEY_TEMPLATE) {
    const problems: IndexProblem[] = sources.flatMap((source) => source.problems);
    const accepted: { paper: Paper; source: IndexSource }[] = [];
    const idOwner = new Map<string, IndexSource>();
    for (const source of sources) {
      for (const paper of source.papers) {
        const owner = idOwner.get(paper.id);
        if (owner) {
          problems.push({
            severity: 'warning',
            file: source.location,
            line: 1,
            column: 1,
            message: `Paper "${paper.id}" is already loaded from ${owner.name}; this copy is skipped.`,
          });
          continue;
        }
        idOwner.set(paper.id, source);
        accepted.push({ paper, source });
      }
    }
    const keys = assignCitationKeys(accepted.map(({ paper }) => paper), keyTemplate);
    this.papers = accepted.map(({ paper, source }, i) => Object.freeze({ ...paper, key: keys[i], source: source.name }));
    for (const paper of this.papers) {
      this.byId.set(paper.id, paper);
      this.byKey.set(paper.key, paper);
    }
    this.problems = problems;
    this.engine = createPaperSearch(this.papers);
  }

  get(id: string): LoadedPaper | undefined {
    return this.byId.get(id);
  }

  getByKey(key: string): LoadedPaper | undefined {
    return this.byKey.get(key);
  }

  search(query: string, limit: number): SearchHit<LoadedPaper>[] {
    return this.engine.search(query, limit);
  }
}
