import { startPostgres, TEST_POSTGRES_ENV, type PostgresServer } from './helpers/postgres';

/** With REGQL_TEST_STORE=postgres, the whole suite runs on one throwaway PostgreSQL server. */
export default async function globalSetup(): Promise<void> {
  if (process.env.REGQL_TEST_STORE !== 'postgres') return;
  const server = await startPostgres();
  process.env[TEST_POSTGRES_ENV] = server.adminUrl;
  (globalThis as { regqlPostgres?: PostgresServer }).regqlPostgres = server;
}
