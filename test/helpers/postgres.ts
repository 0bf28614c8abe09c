import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openStore, type Store } from '../../src/store/open-store';
import { paths as storeFree } from '../store-free.json';
import { freePort } from './processes';

/** Set (by the jest global setup) to the admin URL of a test server: run the suite on PostgreSQL. */
export const TEST_POSTGRES_ENV = 'REGQL_TEST_POSTGRES_URL';

export interface PostgresServer {
  /** postgres://regql:PASSWORD@127.0.0.1:PORT/postgres */
  adminUrl: string;
  /** Creates a database (if missing) and returns its URL. */
  database(name: string): string;
  /** Stops the server, keeping its data, until `resume`. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('PostgreSQL is not installed (no initdb)');
  return join(base, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user. */
function run(program: string, args: string[]): void {
  const [command, all] =
    process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', program, ...args]]
      : [program, args];
  const done = spawnSync(command, all, { encoding: 'utf8', timeout: 60_000 });
  if (done.status !== 0)
    throw new Error(`${program} failed: ${done.error?.message ?? ''}${done.stdout}${done.stderr}`);
}

/**
 * A throwaway PostgreSQL cluster on a loopback port (password auth, C collation, no fsync), made
 * with initdb and pg_ctl under a temporary directory.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'regql-pg-'));
  const password = randomBytes(12).toString('hex');
  const port = await freePort();
  writeFileSync(join(dir, 'pw'), `${password}\n`);
  if (process.getuid?.() === 0) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
    chownSync(join(dir, 'pw'), uid, gid);
  }
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'regql',
    '-A',
    'scram-sha-256',
    `--pwfile=${join(dir, 'pw')}`,
    '--locale=C',
    '-E',
    'UTF8',
  ]);
  const start = () =>
    run(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
      'start',
    ]);
  const halt = () => run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
  start();
  const urlOf = (database: string) => `postgres://regql:${password}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlOf('postgres'),
    database: (name) => createDatabase(urlOf('postgres'), name),
    pause: halt,
    resume: start,
    stop: async () => {
      halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** Databases made by this process, by admin URL and name: each is created once. */
const created = new Map<string, string>();

/** Creates `name` on the server of `adminUrl` unless it exists; returns the database's URL. */
export function createDatabase(adminUrl: string, name: string): string {
  const known = created.get(`${adminUrl} ${name}`);
  if (known) return known;
  const url = new URL(adminUrl);
  const made = spawnSync(
    join(binDir(), 'createdb'),
    ['-h', url.hostname, '-p', url.port, '-U', url.username, name],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: url.password }, timeout: 30_000 },
  );
  if (made.status !== 0 && !made.stderr.includes('already exists'))
    throw new Error(`createdb ${name} failed: ${made.stderr}`);
  url.pathname = `/${name}`;
  created.set(`${adminUrl} ${name}`, url.toString());
  return url.toString();
}

/**
 * When the suite runs on PostgreSQL, the database that stands for `dataDir` (one per directory,
 * so a restart or a second process on the same directory shares it); otherwise nothing.
 */
export function testDatabaseEnv(dataDir: string): Record<string, string> {
  refuseInStoreFreeSuite();
  const adminUrl = process.env[TEST_POSTGRES_ENV];
  if (!adminUrl) return {};
  const name = `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 20)}`;
  return { REGQL_DATABASE_URL: createDatabase(adminUrl, name) };
}

/**
 * Every store a test opens (a test server, the command, openTestStore) is configured here, so a
 * suite listed in test/store-free.json, which the PostgreSQL run skips, fails when it opens one.
 */
function refuseInStoreFreeSuite(): void {
  const testPath = expect.getState().testPath;
  if (!testPath) return;
  const suite = relative(join(__dirname, '..', '..'), testPath)
    .split('\\')
    .join('/');
  const listed = storeFree.find((path) => suite === path || suite.startsWith(path));
  if (listed)
    throw new Error(
      `${suite} opens a store but test/store-free.json lists ${listed}, so the PostgreSQL run ` +
        'skips it: take it off the list',
    );
}

/** A store on a fresh data directory, for tests that open one themselves (SQLite or PostgreSQL). */
export function openTestStore(prefix: string): Promise<Store> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  return openStore(dataDir, { databaseUrl: testDatabaseEnv(dataDir).REGQL_DATABASE_URL });
}

/**
 * Every byte the store keeps for `dataDir`: the SQLite file and its WAL, or a dump of the
 * PostgreSQL database when the suite runs on PostgreSQL.
 */
export function storeContents(dataDir: string): Buffer {
  const url = testDatabaseEnv(dataDir).REGQL_DATABASE_URL;
  if (!url) {
    return Buffer.concat(
      ['regql.sqlite', 'regql.sqlite-wal']
        .map((f) => join(dataDir, f))
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f)),
    );
  }
  const { hostname, port, username, password, pathname } = new URL(url);
  return execFileSync(
    join(binDir(), 'pg_dump'),
    ['-h', hostname, '-p', port, '-U', username, pathname.slice(1)],
    { env: { ...process.env, PGPASSWORD: password }, maxBuffer: 256 * 1024 * 1024 },
  );
}
