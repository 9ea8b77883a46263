/**
 * Settings → one frozen, typed object. The rest of the extension reads `Config` and never calls
 * `getConfiguration` itself, so a feature can be tested with a plain object.
 */
import * as vscode from 'vscode';
import { DEFAULT_PLAIN_TEMPLATE } from './citation/format';

export interface Config {
  /** Extra index files, workspace-relative or absolute. */
  readonly indexes: readonly string[];
  readonly plainTemplate: string;
  readonly reusePanel: boolean;
  readonly maxResults: number;
}

export const CONFIG_SECTION = 'paperLookup';

export function readConfig(): Config {
  const settings = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const indexes = settings.get<unknown>('indexes');
  return Object.freeze({
    indexes: Object.freeze(Array.isArray(indexes) ? indexes.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '') : []),
    plainTemplate: settings.get<string>('citation.plainTemplate') || DEFAULT_PLAIN_TEMPLATE,
    reusePanel: settings.get<boolean>('panel.reuse', true),
    maxResults: clamp(settings.get<number>('search.maxResults', 50), 1, 500),
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
