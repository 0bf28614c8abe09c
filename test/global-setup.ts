import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startPostgres, TEST_POSTGRES_ENV, type PostgresServer } from './helpers/postgres';

const root = join(__dirname, '..');
/** A full build takes about 30 s on a loaded 2-core machine; this bounds only a stuck tsc. */
const BUILD_TIMEOUT_MS = 600_000;

/**
 * Builds dist/ for the tests that run the real command (test/helpers/cli.ts), once per jest run:
 * `tsc -b` is incremental, so with nothing changed it only checks that dist/ is up to date.
 */
function build(): void {
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    { cwd: root, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS },
  );
  if (tsc.status !== 0)
    throw new Error(
      `building dist/ (tsc -b tsconfig.build.json) failed (exit ${tsc.status ?? tsc.signal}):\n${tsc.stdout}${tsc.stderr}`,
    );
}

/** With REGQL_TEST_STORE=postgres, the whole suite runs on one throwaway PostgreSQL server. */
export default async function globalSetup(): Promise<void> {
  build();
  if (process.env.REGQL_TEST_STORE !== 'postgres') return;
  const server = await startPostgres();
  process.env[TEST_POSTGRES_ENV] = server.adminUrl;
  (globalThis as { regqlPostgres?: PostgresServer }).regqlPostgres = server;
}
