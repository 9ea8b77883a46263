/**
 * Settings → one frozen, typed object. The rest of the extension reads `Config` and never calls
 * `getConfiguration` itself, so a feature can be tested with a plain object.
 */
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { CitationOptions } from './citation/format';
import { DEFAULT_STYLE } from './citation/csl/cslReferences';
import { DEFAULT_KEY_TEMPLATE, keyTemplateProblem } from './papers/keys';
import { DEFAULT_ENDPOINTS, type OnlineEndpoints } from './online/lookup';
import { maxFileBytes } from './sources/regularFile';
import { zoteroDatabasePath } from './sources/zotero/zoteroSource';
import { isPostgresUrl } from './postgres/connection';

export type AddToBibliography = 'always' | 'ask' | 'never';

export interface OnlineConfig {
  /** `paperLookup.online.enabled`: identifiers are looked up online and trending papers can be fetched. */
  readonly enabled: boolean;
  readonly endpoints: OnlineEndpoints;
  /** `paperLookup.trending.autoRefresh`: fetch the trending papers by itself, at most once a day. */
  readonly trendingAutoRefresh: boolean;
}

export interface Config {
  /**
   * Index files, workspace-relative or absolute: the `paperLookup.indexes` setting, the Zotero database when the user
   * chose to use it, then the files the extension keeps itself in its global storage (online lookups, trending
   * papers; see `ConfigStore.setStoredIndexes`).
   */
  readonly indexes: readonly string[];
  /** The Zotero data directory's database (`paperLookup.zotero.dataDirectory`), whether or not it is used. */
  readonly zoteroDatabase: string;
  /** `paperLookup.zotero.enabled`: undefined until the user answers the offer (src/ui/zotero.ts). */
  readonly zoteroEnabled?: boolean;
  /** The `postgresql://` entries of `paperLookup.indexes`: shared catalogs searched as the user types (src/ui/postgresSource.ts). */
  readonly catalogServers: readonly string[];
  readonly citation: CitationOptions;
  readonly keyTemplate: string;
  /** Set when the configured key template is unusable (the default is used instead). */
  readonly keyTemplateProblem?: string;
  readonly addToBibliography: AddToBibliography;
  /** A .bib for documents that declare none: workspace-relative or absolute; '' for none. */
  readonly bibliographyFile: string;
  readonly reusePanel: boolean;
  readonly maxResults: number;
  /** `paperLookup.maxFileSizeMB` in bytes: index and bibliography files read whole that are bigger are refused. */
  readonly maxFileBytes: number;
  readonly online: OnlineConfig;
}

export const CONFIG_SECTION = 'paperLookup';

export function readConfig(storedIndexes: readonly string[] = []): Config {
  const settings = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const entries = settings.get<unknown>('indexes');
  const indexes = Array.isArray(entries) ? entries.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '') : [];
  const keyTemplate = settings.get<string>('citation.keyTemplate') || DEFAULT_KEY_TEMPLATE;
  const problem = keyTemplateProblem(keyTemplate);
  const languages = settings.get<Record<string, unknown>>('citation.languages') ?? {};
  const addToBibliography = settings.get<string>('citation.addToBibliography');
  // `postgresql://` entries are shared catalogs, searched as the user types; the others are files.
  const userIndexes = indexes.filter((entry) => !isPostgresUrl(entry));
  const zoteroDatabase = zoteroDatabasePath(settings.get<string>('zotero.dataDirectory') ?? '', homedir());
  const zoteroEnabled = settings.get<boolean | null>('zotero.enabled') ?? undefined;
  return Object.freeze({
    indexes: Object.freeze([...(zoteroEnabled === true && !userIndexes.includes(zoteroDatabase) ? [...userIndexes, zoteroDatabase] : userIndexes), ...storedIndexes]),
    catalogServers: Object.freeze(indexes.filter(isPostgresUrl).map((entry) => entry.trim())),
    zoteroDatabase,
    ...(typeof zoteroEnabled === 'boolean' ? { zoteroEnabled } : {}),
    citation: Object.freeze({
      // Unset (or empty): plain references are formatted in `style`.
      ...(settings.get<string>('citation.plainTemplate') ? { plainTemplate: settings.get<string>('citation.plainTemplate') } : {}),
      style: settings.get<string>('citation.style')?.trim() || DEFAULT_STYLE,
      latexCommand: (settings.get<string>('citation.latexCommand') || 'cite').replace(/^\\/, ''),
      languages: Object.freeze(Object.fromEntries(Object.entries(languages).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''))),
    }),
    keyTemplate: problem ? DEFAULT_KEY_TEMPLATE : keyTemplate,
    ...(problem ? { keyTemplateProblem: `paperLookup.citation.keyTemplate "${keyTemplate}": ${problem}; using ${DEFAULT_KEY_TEMPLATE}.` } : {}),
    addToBibliography: addToBibliography === 'always' || addToBibliography === 'never' ? addToBibliography : 'ask',
    bibliographyFile: (settings.get<string>('bibliographyFile') ?? '').trim(),
    reusePanel: settings.get<boolean>('panel.reuse', true),
    maxResults: clamp(settings.get<number>('search.maxResults', 50), 1, 500),
    maxFileBytes: maxFileBytes(settings.get<unknown>('maxFileSizeMB')),
    online: Object.freeze({
      enabled: settings.get<boolean>('online.enabled', true),
      endpoints: Object.freeze({
        arxiv: httpUrl(settings.get<string>('online.arxivUrl'), DEFAULT_ENDPOINTS.arxiv),
        crossref: httpUrl(settings.get<string>('online.crossrefUrl'), DEFAULT_ENDPOINTS.crossref),
        datacite: httpUrl(settings.get<string>('online.dataciteUrl'), DEFAULT_ENDPOINTS.datacite),
        huggingFace: httpUrl(settings.get<string>('online.huggingFaceUrl'), DEFAULT_ENDPOINTS.huggingFace),
        crossrefMailto: (settings.get<string>('online.crossrefMailto') ?? '').trim(),
      }),
      trendingAutoRefresh: settings.get<boolean>('trending.autoRefresh', false),
    }),
  });
}

/** A service's base URL from a setting: an http(s) URL, else the default. */
function httpUrl(value: string | undefined, fallback: string): string {
  const trimmed = value?.trim() ?? '';
  return /^https?:\/\/[^\s]+$/i.test(trimmed) ? trimmed.replace(/\/+$/, '') : fallback;
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}

/** Holds the current `Config` and re-reads it whenever a `paperLookup.*` setting changes. */
export class ConfigStore implements vscode.Disposable {
  private storedIndexes: readonly string[] = [];
  private current = readConfig();
  private readonly changeEmitter = new vscode.EventEmitter<Config>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(CONFIG_SECTION)) return;
    this.current = readConfig(this.storedIndexes);
    this.changeEmitter.fire(this.current);
  });

  /** The index files the extension keeps itself (absolute paths), loaded after the user's; a change reloads. */
  setStoredIndexes(files: readonly string[]): void {
    if (files.length === this.storedIndexes.length && files.every((file, i) => file === this.storedIndexes[i])) return;
    this.storedIndexes = [...files];
    this.current = readConfig(this.storedIndexes);
    this.changeEmitter.fire(this.current);
  }

  get value(): Config {
    return this.current;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
