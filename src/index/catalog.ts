/**
 * The catalog: every loaded paper from every index source, with unique ids and citation keys, and one
 * search over all of them. Pure: no `vscode` import; the extension and the CLI both build it.
 */
import { assignCitationKeys, DEFAULT_KEY_TEMPLATE } from '../citation/keys';
import type { IndexProblem } from './parseIndex';
import { withoutUndefined, type LoadedPaper, type Paper } from './paper';
import { foldTitle } from './slug';
import { createRelatedPapers, DEFAULT_RELATED_COUNT, type RelatedPapers } from './related';
import { createScaledSearch } from './scaledSearch';
import type { PaperSearch, SearchHit } from './search';

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
  /** Built on first use: most sessions never ask for related papers. */
  private relatedIndex: RelatedPapers<LoadedPaper> | undefined;

  /**
   * Sources in priority order: the bundled index first, so its papers keep their ids and keys.
   * `keyTemplate` must be valid (see `keyTemplateProblem`).
   */
  constructor(readonly sources: readonly IndexSource[], keyTemplate = DEFAULT_KEY_TEMPLATE) {
    const problems: IndexProblem[] = sources.flatMap((source) => source.problems);
    const accepted: { paper: Paper; sourceNames: string[]; otherIds: string[] }[] = [];
    const idOwner = new Map<string, IndexSource>();
    const byIdentity = new Map<string, number>();
    for (const source of sources) {
      const mergedHere = new Set<number>();
      for (const paper of source.papers) {
        // The same paper from another source (same arXiv id, DOI or title) merges into the first copy:
        // fields the first copy lacks are filled in, and both sources are named.
        const identities = identitiesOf(paper);
        const earlier = identities.map((identity) => byIdentity.get(identity)).find((index) => index !== undefined);
        if (earlier !== undefined && !mergedHere.has(earlier) && !accepted[earlier].sourceNames.includes(source.name)) {
          const kept = accepted[earlier];
          kept.paper = { ...withoutUndefined({ ...paper, id: undefined, title: undefined }), ...kept.paper };
          kept.sourceNames.push(source.name);
          if (!idOwner.has(paper.id)) kept.otherIds.push(paper.id);
          mergedHere.add(earlier);
          continue;
        }
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
        for (const identity of identities) if (!byIdentity.has(identity)) byIdentity.set(identity, accepted.length);
        accepted.push({ paper, sourceNames: [source.name], otherIds: [] });
      }
    }
    const keys = assignCitationKeys(accepted.map(({ paper }) => paper), keyTemplate);
    this.papers = accepted.map(({ paper, sourceNames }, i) => Object.freeze({ ...paper, key: keys[i], source: sourceNames.join(' + ') }));
    this.papers.forEach((paper, i) => {
      for (const id of [paper.id, ...accepted[i].otherIds]) this.byId.set(id, paper);
      this.byKey.set(paper.key, paper);
    });
    this.problems = problems;
    this.engine = createScaledSearch(this.papers);
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

  /** The `k` papers most similar to `paper` by title and abstract (see ./related.ts). */
  relatedPapers(paper: LoadedPaper, k = DEFAULT_RELATED_COUNT): LoadedPaper[] {
    this.relatedIndex ??= createRelatedPapers(this.papers);
    return this.relatedIndex.related(paper, k);
  }
}

/** What makes two records the same paper: the arXiv id without version, the DOI, the folded title. */
function identitiesOf(paper: Paper): string[] {
  const identities: string[] = [];
  if (paper.arxivId) identities.push(`arxiv:${paper.arxivId.replace(/v\d+$/, '').toLowerCase()}`);
  if (paper.doi) identities.push(`doi:${paper.doi.toLowerCase()}`);
  const title = foldTitle(paper.title);
  if (title) identities.push(`title:${title}`);
  return identities;
}
