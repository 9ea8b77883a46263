/**
 * A shared catalog's address: a `postgresql://` URL, as `paper-lookup load --into`, `search --index` and the
 * `paperLookup.indexes` setting take it. Pure: no `vscode` import.
 *
 * The URL's TLS parameters (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`) go to node-postgres as they are. A
 * password is never part of what is shown: messages name the server by `describeServer`, and the extension keeps
 * passwords in VS Code's SecretStorage, keyed by `passwordKey`, never in settings. Only types come from
 * node-postgres here, so the extension reads its settings without loading it (half a second on a busy machine).
 */
import type { ClientConfig } from 'pg';

export function isPostgresUrl(entry: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(entry.trim());
}

/** `user@host:port/database`, for messages and the status bar: no password, no query string. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url.trim());
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `${user}${parsed.hostname || 'localhost'}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
  } catch {
    return 'a PostgreSQL server (unreadable URL)';
  }
}

/** The URL without its password, as the key under which a password is remembered for it. */
export function passwordKey(url: string): string {
  try {
    const parsed = new URL(url.trim());
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.trim();
  }
}

/** Whether the URL carries its own password. */
export function urlHasPassword(url: string): boolean {
  try {
    return new URL(url.trim()).password !== '';
  } catch {
    return false;
  }
}

/**
 * The client settings for a URL. `password` is asked only when the server wants one and the URL has none (the
 * CLI gives PGPASSWORD, the extension its SecretStorage). Every statement and connection attempt has a time limit, so a
 * server that stops answering is reported instead of waited for.
 */
export function clientConfig(url: string, password?: () => Promise<string>, { statementTimeoutMs = 30_000 } = {}): ClientConfig {
  return {
    connectionString: url.trim(),
    ...(password && !urlHasPassword(url) ? { password } : {}),
    connectionTimeoutMillis: 10_000,
    statement_timeout: statementTimeoutMs,
    application_name: 'paper-lookup',
  };
}

/** What went wrong, in words a user can act on; the server's own message (localised by it) follows. */
export function describeConnectionError(url: string, error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const server = describeServer(url);
  switch (code) {
    case 'ECONNREFUSED':
      return `Cannot reach ${server}: nothing is listening there (is the server running?).`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot reach ${server}: the host name does not resolve.`;
    case 'ETIMEDOUT':
      return `Cannot reach ${server}: the connection timed out.`;
    case '28P01':
      return `${server} refused the password.`;
    case '28000':
      return `${server} refused the connection: ${message}`;
    case '3D000':
      return `${server}: the database does not exist.`;
    case '42P01':
    case '3F000':
      return `${server} has no paper catalog yet: load one with \`paper-lookup load --into <url> FILE...\`.`;
    case '42501':
      return `${server}: permission denied (${message}). Editors need SELECT on paper_lookup.papers and USAGE on the schema paper_lookup.`;
  }
  // node-postgres's words when the server wants a password and none was given.
  if (/client password must be a string|password authentication failed/i.test(message)) return `${server} asks for a password, and none was given (or it was wrong): put it in PGPASSWORD, ~/.pgpass or the URL.`;
  if (/timeout/i.test(message)) return `Cannot reach ${server}: the connection timed out.`;
  return `${server}: ${message}`;
}
