import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator } from 'kysely';
import type { Database, Db } from './database';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect';
import { migrationProvider } from './migrations';

export interface Store {
  db: Db;
  /** Statements executed so far; read by metrics and by the N+1 tests. */
  queryCount(): number;
  close(): Promise<void>;
}

/** Opens the embedded SQLite store under the data directory and applies pending migrations. */
export async function openStore(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SqliteDatabase(join(dataDir, 'regql.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  let queries = 0;
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: sqlite }),
    log: (event) => {
      if (event.level === 'query') queries += 1;
    },
  });
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider,
  }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new Error(
      `store migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { db, queryCount: () => queries, close: () => db.destroy() };
}
