/**
 * The catalog: every loaded paper from every index source, with unique ids and citation keys, and one
 * search over all of them. Pure: no `vscode` import; the extension and the CLI both build it.
 *
 * Building one for 100 000 papers takes seconds, so the work is a generator of steps (../shared/cooperative.ts):
 * the extension runs it in slices that keep the extension host responsive, or reads the finished parts
 * from the on-disk cache (./indexCache.ts) instead.
 *
 * Every paper it hands out — by position, by id or key, as a search hit, a related paper or in iteration — is a
 * plain, frozen object with each field its own property (../papers/paper.ts `PaperList`); where they are kept,
 * in memory or in the cache file, is the store's business (./paperStore.ts). A catalog read from the cache keeps
 * the file open until `dispose`; a disposed catalog throws on every question, so a replaced catalog must be
 * disposed only once nothing asks it anything any more.
 */
import { baseCitationKey, DEFAULT_KEY_TEMPLATE, uniqueKey } from '../papers/keys';
import { runCooperatively, runToEnd, type Steps } from '../shared/cooperative';
import { plainLine } from '../shared/untrustedText';
import { buildSearchIndexSteps, type SearchIndex } from '../search/engine/invertedIndex';
import { packStringSteps, StringLookup, type PackedStrings } from '../search/engine/packedStrings';
import type { IndexSource } from '../sources/paperSource';
import type { IndexProblem } from '../sources/parseIndex';
import { frozenPaper, withoutUndefined, type LoadedPaper, type Paper } from '../papers/paper';
import { foldTitle } from '../papers/slug';
import { createRelatedPapers, DEFAULT_RELATED_COUNT, type RelatedPapers } from '../search/related';
import { createScaledSearch, type ScaledSearch } from '../search/scaledSearch';
import type { SearchHit } from '../search/search';
import { disposedError, memoryPaperStore, type PaperStore } from './paperStore';

/** What the status bar, the Sources view and the Output channel say about one source, also when the catalog came from the cache. */
export interface SourceSummary {
  readonly name: string;
  readonly location: string;
  readonly paperCount: number;
  readonly errorCount: number;
  /** How its papers were had in the load that made the catalog; absent when whoever built it timed no read (the CLI). */
  readonly reading?: SourceReading;
}

/**
 * How a source's papers were had in one load: read — parsing included, wherever it ran (.bib text in the BibTeX
 * worker) — by the extension host's load or by the catalog worker, taking `ms` milliseconds; or read back with the whole
 * catalog from the index cache, which times no source of its own.
 * Plain data: it goes through the cache file as JSON. The parts of one file (`IndexSource.parts`) share its reading.
 */
export type SourceReading = { readonly in: 'host' | 'worker'; readonly ms: number } | { readonly in: 'cache' };

/** How each source was read, keyed by the source as read (for `catalogSteps`, `withFailedSources`). */
export type SourceReadings = ReadonlyMap<IndexSource, SourceReading>;

/** Everything a catalog is made of: built from sources (`catalogSteps`) or read back from the cache (./indexCache.ts). */
export interface CatalogContents {
  readonly sources: readonly SourceSummary[];
  /** In load order, with unique ids and keys; `index` indexes exactly these, in this order. */
  readonly papers: PaperStore;
  /** The papers' ids, in the same order, packed: looked up without a string per paper (see ./engine/packedStrings.ts). */
  readonly ids: PackedStrings;
  /** The papers' citation keys, likewise. */
  readonly keys: PackedStrings;
  /** Ids of copies merged into an earlier paper, with that paper's position: looking them up finds it. */
  readonly mergedIds: readonly (readonly [id: string, paper: number])[];
  /** Problems from parsing plus the ones found while merging sources (duplicate ids across files). */
  readonly problems: readonly IndexProblem[];
  readonly index: SearchIndex;
  /** Whether these came from the on-disk cache rather than from parsing the sources. */
  readonly fromCache: boolean;
}

/**
 * A catalog as the public API hands it to other extensions (src/extension.ts): its papers and searches over
 * them, without its store or `dispose`. A catalog is replaced when the indexes reload, and the replaced one
 * then throws: ask for the current catalog for each use rather than keeping one.
 */
export interface PublicCatalog extends Iterable<LoadedPaper> {
  readonly sources: readonly SourceSummary[];
  readonly problems: readonly IndexProblem[];
  readonly fromCache: boolean;
  readonly size: number;
  paperAt(position: number): LoadedPaper;
  get(id: string): LoadedPaper | undefined;
  getByKey(key: string): LoadedPaper | undefined;
  papersByKeyPrefix(prefix: string, limit: number): LoadedPaper[];
  search(query: string, limit: number): SearchHit<LoadedPaper>[];
  relatedPapers(paper: LoadedPaper, k?: number): Promise<LoadedPaper[]>;
}

export class PaperCatalog implements PublicCatalog {
  readonly sources: readonly SourceSummary[];
  readonly problems: readonly IndexProblem[];
  readonly fromCache: boolean;
  /** How many papers; positions run from 0 to size - 1, in load order. */
  readonly size: number;
  /** The parts, for writing the catalog to the cache. */
  readonly contents: CatalogContents;
  private readonly store: PaperStore;
  private readonly lookups: Lookups;
  private readonly engine: ScaledSearch<LoadedPaper>;
  private readonly related: RelatedPapers<LoadedPaper>;
  private disposed = false;

  /**
   * Sources in priority order: the bundled index first, so its papers keep their ids and keys.
   * `keyTemplate` must be valid (see `keyTemplateProblem`). This builds everything in one go; the extension
   * uses `PaperCatalog.build`, which gives the event loop a turn while it works.
   */
  constructor(from: readonly IndexSource[] | CatalogContents, keyTemplate = DEFAULT_KEY_TEMPLATE, lookups?: Lookups) {
    const contents = isContents(from) ? from : runToEnd(catalogSteps(from, keyTemplate));
    this.contents = contents;
    this.sources = contents.sources;
    this.store = contents.papers;
    this.size = contents.papers.size;
    this.problems = contents.problems;
    this.fromCache = contents.fromCache;
    this.lookups = lookups ?? runToEnd(lookupSteps(contents));
    this.engine = createScaledSearch(this.store, contents.index);
    this.related = createRelatedPapers(this.store, contents.index);
  }

  /** Like the constructor, in slices of about 10 ms with the event loop running in between; `readings` go into the sources' summaries. */
  static async build(sources: readonly IndexSource[], keyTemplate = DEFAULT_KEY_TEMPLATE, readings?: SourceReadings): Promise<PaperCatalog> {
    return PaperCatalog.fromContents(await runCooperatively(catalogSteps(sources, keyTemplate, readings)));
  }

  /** The catalog of contents built before or read from the cache, its lookups built in slices. */
  static async fromContents(contents: CatalogContents): Promise<PaperCatalog> {
    return new PaperCatalog(contents, undefined, await runCooperatively(lookupSteps(contents)));
  }

  /** The paper at `position` (0 ≤ position < size). */
  paperAt(position: number): LoadedPaper {
    return this.open().paperAt(position);
  }

  /** Every paper, in load order. */
  *[Symbol.iterator](): Iterator<LoadedPaper> {
    for (const paper of this.open()) {
      this.open();
      yield paper;
    }
  }

  get(id: string): LoadedPaper | undefined {
    const store = this.open();
    const at = this.lookups.byId.find(id);
    if (at >= 0) return store.paperAt(at);
    const merged = this.lookups.mergedIds.get(id);
    return merged === undefined ? undefined : store.paperAt(merged);
  }

  getByKey(key: string): LoadedPaper | undefined {
    const store = this.open();
    const at = this.lookups.byKey.find(key);
    return at < 0 ? undefined : store.paperAt(at);
  }

  /** At most `limit` papers whose citation key starts with `prefix`, ignoring case, in catalog order; read in place, so no paper or key is made for the others. */
  papersByKeyPrefix(prefix: string, limit: number): LoadedPaper[] {
    const store = this.open();
    const { keys } = this.contents;
    const lowerPrefix = prefix.toLowerCase();
    const found: LoadedPaper[] = [];
    for (let i = 0; i < keys.size && found.length < limit; i++) if (keys.startsWithLowerCase(i, lowerPrefix)) found.push(store.paperAt(i));
    return found;
  }

  search(query: string, limit: number): SearchHit<LoadedPaper>[] {
    this.open();
    return this.engine.search(query, limit);
  }

  /**
   * The `k` papers most similar to `paper` by title and abstract (see ./related.ts), at any catalog size;
   * found in slices of about 10 ms with the event loop running in between.
   */
  async relatedPapers(paper: LoadedPaper, k = DEFAULT_RELATED_COUNT): Promise<LoadedPaper[]> {
    this.open();
    return runCooperatively(this.related.relatedSteps(paper, k));
  }

  /**
   * Releases the papers: closes the cache file a catalog read from the cache reads them from, drops a built
   * catalog's. Every question asked after this throws, also one paused in `relatedPapers`; papers already handed
   * out stay valid (they are plain objects). Idempotent.
   */
  dispose(): void {
    this.disposed = true;
    this.store.close();
  }

  private open(): PaperStore {
    if (this.disposed) throw disposedError();
    return this.store;
  }
}

const publicCatalogs = new WeakMap<PaperCatalog, PublicCatalog>();

/** `catalog` as the public API hands it out: a frozen object of its questions only, the same one for each catalog. */
export function publicCatalog(catalog: PaperCatalog): PublicCatalog {
  let view = publicCatalogs.get(catalog);
  if (!view) {
    view = Object.freeze({
      sources: catalog.sources,
      problems: catalog.problems,
      fromCache: catalog.fromCache,
      size: catalog.size,
      paperAt: (position: number) => catalog.paperAt(position),
      [Symbol.iterator]: () => catalog[Symbol.iterator](),
      get: (id: string) => catalog.get(id),
      getByKey: (key: string) => catalog.getByKey(key),
      papersByKeyPrefix: (prefix: string, limit: number) => catalog.papersByKeyPrefix(prefix, limit),
      search: (query: string, limit: number) => catalog.search(query, limit),
      relatedPapers: (paper: LoadedPaper, k?: number) => catalog.relatedPapers(paper, k),
    });
    publicCatalogs.set(catalog, view);
  }
  return view;
}

function isContents(from: readonly IndexSource[] | CatalogContents): from is CatalogContents {
  return !Array.isArray(from);
}

/** How many papers the loops below handle between chances to pause. */
const STEP = 256;

/** Papers' positions by id and by citation key; hash tables over the packed ids and keys, not maps of strings. */
interface Lookups {
  readonly byId: StringLookup;
  readonly byKey: StringLookup;
  /** Ids of merged copies that no loaded paper has, with the position of the paper they merged into. */
  readonly mergedIds: ReadonlyMap<string, number>;
}

function* lookupSteps(contents: CatalogContents): Steps<Lookups> {
  const byId = yield* StringLookup.build(contents.ids);
  const byKey = yield* StringLookup.build(contents.keys);
  // A paper loaded under a merged copy's id keeps it.
  const mergedIds = new Map(contents.mergedIds.filter(([id]) => byId.find(id) < 0));
  return { byId, byKey, mergedIds };
}

/** Merges the sources, assigns citation keys and builds the search index; see `PaperCatalog`. `readings`: see `SourceSummary.reading`. */
export function* catalogSteps(files: readonly IndexSource[], keyTemplate: string, readings: SourceReadings = new Map()): Steps<CatalogContents> {
  const summaries = files.flatMap((file) => (file.parts ?? [file]).map((source) => summaryOf(source, readings.get(file))));
  const sources = files.flatMap((source) => source.parts ?? [source]);
  const problems: IndexProblem[] = sources.flatMap((source) => source.problems);
  const accepted: { paper: Paper; sourceNames: string[]; source: IndexSource }[] = [];
  const mergedIds: [string, number][] = [];
  const idOwner = new Map<string, IndexSource>();
  const byIdentity = new Map<string, number>();
  let handled = 0;
  for (const source of sources) {
    const mergedHere = new Set<number>();
    for (const sourcePaper of source.papers) {
      let paper = sourcePaper;
      if (++handled % STEP === 0) yield;
      // The same paper from another source (same arXiv id, DOI or title) merges into the first copy:
      // fields the first copy lacks are filled in (its own key and .bib entry among them), and both sources are named.
      const identities = identitiesOf(paper);
      const earlier = identities.map((identity) => byIdentity.get(identity)).find((index) => index !== undefined);
      if (earlier !== undefined && !mergedHere.has(earlier) && !accepted[earlier].sourceNames.includes(source.name)) {
        const kept = accepted[earlier];
        kept.paper = { ...withoutUndefined({ ...paper, id: undefined, title: undefined }), ...kept.paper };
        kept.sourceNames.push(source.name);
        if (!idOwner.has(paper.id)) mergedIds.push([paper.id, earlier]);
        mergedHere.add(earlier);
        continue;
      }
      const owner = idOwner.get(paper.id);
      if (owner) {
        if (paper.key === undefined) {
          problems.push({
            severity: 'warning',
            file: source.location,
            line: 1,
            column: 1,
            message: `Paper "${paper.id}" is already loaded from ${owner.name}; this copy is skipped.`,
          });
          continue;
        }
        // Two .bib files with one key for different papers: both are loaded; the key pass below renames the second.
        paper = { ...paper, id: uniqueKey(paper.id, new Set(idOwner.keys())) };
      }
      idOwner.set(paper.id, source);
      for (const identity of identities) if (!byIdentity.has(identity)) byIdentity.set(identity, accepted.length);
      accepted.push({ paper, sourceNames: [source.name], source });
    }
  }
  // A paper's own key (from its .bib) is its key, whatever the template: those are taken first, in load order, so a
  // made key never takes one from a user's entry. An own key already taken gets a suffix, with a warning: keys
  // are unique in the catalog. An own key with a control or bidirectional character is not used (with a warning):
  // written into a document it would show other than it is, reordering the citation around it. Then the other
  // papers get keys made from the template.
  const taken = new Set<string>();
  const ownKeys: string[] = new Array<string>(accepted.length);
  const keyOwner = new Map<string, IndexSource>();
  for (const [i, { paper, source }] of accepted.entries()) {
    if (i % STEP === 0) yield;
    if (paper.key === undefined) continue;
    if (paper.key !== plainLine(paper.key)) {
      problems.push({
        severity: 'warning',
        file: source.location,
        line: 1,
        column: 1,
        message: `The key of "${paper.title}" has a control or bidirectional character; a key is made for it instead.`,
      });
      continue;
    }
    const key = uniqueKey(paper.key, taken);
    if (key !== paper.key) {
      problems.push({
        severity: 'warning',
        file: source.location,
        line: 1,
        column: 1,
        message: `Key "${paper.key}" is also used by a paper from ${keyOwner.get(paper.key)?.name ?? 'another index'}; "${paper.title}" is cited as "${key}" instead.`,
      });
    }
    taken.add(key);
    keyOwner.set(key, source);
    ownKeys[i] = key;
  }
  const papers: LoadedPaper[] = [];
  for (const [i, { paper, sourceNames }] of accepted.entries()) {
    if (i % STEP === 0) yield;
    let key = ownKeys[i];
    if (key === undefined) {
      key = uniqueKey(baseCitationKey(paper, keyTemplate), taken);
      taken.add(key);
    }
    papers.push(frozenPaper({ ...paper, key, source: sourceNames.join(' + ') }));
  }
  const ids = yield* packStringSteps(papers.length, (i) => papers[i].id);
  const keys = yield* packStringSteps(papers.length, (i) => papers[i].key);
  const index = yield* buildSearchIndexSteps(papers);
  return { sources: summaries, papers: memoryPaperStore(papers), ids, keys, mergedIds, problems, index, fromCache: false };
}

function summaryOf(source: IndexSource, reading: SourceReading | undefined): SourceSummary {
  return {
    name: source.name,
    location: source.location,
    paperCount: source.papers.length,
    errorCount: source.problems.filter((problem) => problem.severity === 'error').length,
    ...(reading && { reading }),
  };
}

/**
 * `contents` with sources that gave no papers added after its own: a setting entry that matches no file, a
 * file that cannot be read. They are reported like any other source, and the papers of the others still
 * come from the cache (which is made of readable files only).
 */
export function withFailedSources(contents: CatalogContents, failed: readonly IndexSource[], readings: SourceReadings = new Map()): CatalogContents {
  if (failed.length === 0) return contents;
  if (failed.some((source) => source.papers.length > 0)) throw new Error('Only sources without papers can be added to a built catalog.');
  return { ...contents, sources: [...contents.sources, ...failed.map((source) => summaryOf(source, readings.get(source)))], problems: [...contents.problems, ...failed.flatMap((source) => source.problems)] };
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
