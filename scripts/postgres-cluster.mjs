#!/usr/bin/env node
/**
 * A throwaway PostgreSQL cluster for the tests and the benchmark: `initdb` into a temporary directory, `postgres`
 * listening on 127.0.0.1 only, on a free port, with its socket in that directory (no system service, nothing
 * outside the directory touched), one database, and a password for the superuser (scram-sha-256 over TCP, so the
 * code under test really sends one). PostgreSQL refuses to run as root, so under root (CI) the cluster runs as an
 * unprivileged user: `postgres` where Debian's package made it, else `paperlookup-pg`, created here.
 *
 * As a module (mocha hooks, the benchmark, the VS Code integration tests):
 *   const cluster = await startCluster({ database: 'papers' });  // { url, port, dataDir, password, stop() }
 *   ...
 *   await cluster.stop();
 * From a shell:
 *   node scripts/postgres-cluster.mjs start [--database NAME]   prints { url, dataDir, ... } as JSON and exits; the server stays up
 *   node scripts/postgres-cluster.mjs stop DATA_DIR             stops it and removes the directory
 *
 * The programs come from `PG_BIN`, else the newest /usr/lib/postgresql/<version>/bin (Debian's `postgresql`),
 * else the PATH.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const FALLBACK_USER = 'paperlookup-pg';

/** Where initdb, pg_ctl and postgres are. */
export function postgresBinDir() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : '';
}

/** Whether PostgreSQL's server programs are installed, so tests can say what to install instead of failing obscurely. */
export function postgresAvailable() {
  const bin = postgresBinDir();
  try {
    execFileSync(bin ? path.join(bin, 'initdb') : 'initdb', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The uid and gid to run the server as: ours, unless we are root. */
function serverAccount() {
  if (process.getuid?.() !== 0) return {};
  for (const name of ['postgres', FALLBACK_USER]) {
    try {
      return { uid: Number(execFileSync('id', ['-u', name]).toString()), gid: Number(execFileSync('id', ['-g', name]).toString()) };
    } catch {
      // not there; try the next, or create it below
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', FALLBACK_USER]);
  return serverAccount();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(program, args, account, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...account, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (data) => (output += data));
    child.stderr.on('data', (data) => (output += data));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(program)} ${args.join(' ')} failed (${code}):\n${output}`))));
  });
}

/**
 * Starts a cluster and creates `database` in it. `settings` are extra `postgres -c` settings (the benchmark gives
 * more memory); by default durability is off (fsync, full_page_writes): a throwaway cluster loses nothing of value.
 */
export async function startCluster({ database = 'paperlookup', settings = {} } = {}) {
  const bin = postgresBinDir();
  const program = (name) => (bin ? path.join(bin, name) : name);
  const account = serverAccount();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlookup-pg-'));
  const password = randomBytes(12).toString('hex');
  const passwordFile = path.join(dataDir, 'password');
  const clusterDir = path.join(dataDir, 'data');
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account.uid !== undefined) {
    fs.chownSync(dataDir, account.uid, account.gid);
    fs.chownSync(passwordFile, account.uid, account.gid);
  }
  const port = await freePort();
  const options = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dataDir,
    fsync: 'off',
    full_page_writes: 'off',
    synchronous_commit: 'off',
    ...settings,
  };
  const flags = Object.entries(options).map(([name, value]) => `-c ${name}=${value}`).join(' ');
  try {
    await run(program('initdb'), ['-D', clusterDir, '-U', 'postgres', '--pwfile', passwordFile, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], account);
    fs.rmSync(passwordFile);
    await run(program('pg_ctl'), ['-D', clusterDir, '-l', path.join(dataDir, 'server.log'), '-w', '-t', '60', '-o', flags, 'start'], account);
    await run(program('psql'), ['-h', dataDir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE DATABASE "${database}"`], account);
  } catch (error) {
    await stopCluster(dataDir).catch(() => undefined);
    throw error;
  }
  const url = `postgresql://postgres:${password}@127.0.0.1:${port}/${database}`;
  return {
    url,
    /** The URL without the password, for the code paths that must find it elsewhere (PGPASSWORD, SecretStorage). */
    urlWithoutPassword: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    password,
    port,
    database,
    dataDir,
    /** Runs SQL as the superuser through the local socket (psql), for test setup. */
    psql: async (sql) => (await run(program('psql'), ['-h', dataDir, '-p', String(port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], account)).replace(/\n$/, ''),
    /** Stops the server (a fast shutdown: connections are closed) and keeps the directory, to start it again. */
    pause: () => run(program('pg_ctl'), ['-D', clusterDir, '-m', 'fast', '-w', 'stop'], account),
    resume: () => run(program('pg_ctl'), ['-D', clusterDir, '-l', path.join(dataDir, 'server.log'), '-w', '-t', '60', '-o', flags, 'start'], account),
    stop: () => stopCluster(dataDir),
  };
}

/** Stops the cluster in `dataDir` (if it runs) and removes the directory. */
export async function stopCluster(dataDir) {
  const bin = postgresBinDir();
  const clusterDir = path.join(dataDir, 'data');
  if (fs.existsSync(path.join(clusterDir, 'postmaster.pid'))) {
    await run(bin ? path.join(bin, 'pg_ctl') : 'pg_ctl', ['-D', clusterDir, '-m', 'immediate', '-w', 'stop'], serverAccount()).catch(() => undefined);
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [command, argument] = process.argv.slice(2);
  if (command === 'start') {
    const at = process.argv.indexOf('--database');
    const cluster = await startCluster(at > 0 ? { database: process.argv[at + 1] } : {});
    const { url, urlWithoutPassword, password, port, database, dataDir } = cluster;
    process.stdout.write(`${JSON.stringify({ url, urlWithoutPassword, password, port, database, dataDir })}\n`);
  } else if (command === 'stop' && argument) {
    await stopCluster(argument);
  } else {
    process.stderr.write('Usage: postgres-cluster.mjs start [--database NAME] | stop DATA_DIR\n');
    process.exitCode = 2;
  }
}
