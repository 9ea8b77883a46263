/**
 * Settings → one frozen, typed object. The rest of the extension reads `Config` and never calls
 * `getConfiguration` itself, so a feature can be tested with a plain object.
 */
import * as vscode from 'vscode';
import { DEFAULT_PLAIN_TEMPLATE, type CitationOptions } from './citation/format';
import { DEFAULT_KEY_TEMPLATE, keyTemplateProblem } from './papers/keys';
import { maxFileBytes } from './sources/regularFile';
import { isPostgresUrl } from './postgres/connection';

export type AddToBibliography = 'always' | 'ask' | 'never';

export interface Config {
  /** Extra index files, workspace-relative or absolute. */
  readonly indexes: readonly string[];
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
}

export const CONFIG_SECTION = 'paperLookup';

export function readConfig(): Config {
  const settings = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const entries = settings.get<unknown>('indexes');
  const indexes = Array.isArray(entries) ? entries.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '') : [];
  const keyTemplate = settings.get<string>('citation.keyTemplate') || DEFAULT_KEY_TEMPLATE;
  const problem = keyTemplateProblem(keyTemplate);
  const languages = settings.get<Record<string, unknown>>('citation.languages') ?? {};
  const addToBibliography = settings.get<string>('citation.addToBibliography');
  return Object.freeze({
    indexes: Object.freeze(indexes.filter((entry) => !isPostgresUrl(entry))),
    catalogServers: Object.freeze(indexes.filter(isPostgresUrl).map((entry) => entry.trim())),
    citation: Object.freeze({
      plainTemplate: settings.get<string>('citation.plainTemplate') || DEFAULT_PLAIN_TEMPLATE,
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
  });
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}

/** Holds the current `Config` and re-reads it whenever a `paperLookup.*` setting changes. */
export class ConfigStore implements vscode.Disposable {
  private current = readConfig();
  private readonly changeEmitter = new vscode.EventEmitter<Config>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(CONFIG_SECTION)) return;
    this.current = readConfig();
    this.changeEmitter.fire(this.current);
  });

  get value(): Config {
    return this.current;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
