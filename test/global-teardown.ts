import type { PostgresServer } from './helpers/postgres';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { regqlPostgres?: PostgresServer }).regqlPostgres?.stop();
}
