import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, sql, type Dialect } from 'kysely';
import type { Logger } from 'pino';
import { urlForLogs } from '../core/logger';
import type { Database, Db } from './database';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect';
import { migrationProvider, type StoreDialect } from './migrations';
import { postgresPool, SerializedPostgresDialect } from './postgres-dialect';

export interface Store {
  db: Db;
  /** Statements executed so far; read by metrics and by the N+1 tests. */
  queryCount(): number;
  /** Whether the database answers a trivial query (PostgreSQL can be away; SQLite cannot). */
  answers(): Promise<boolean>;
  close(): Promise<void>;
}

/** How long a readiness probe waits for the database before calling it away. */
const ANSWER_TIMEOUT_MS = 2000;

export interface StoreOptions {
  /** postgres://… for a PostgreSQL store; otherwise SQLite under the data directory. */
  databaseUrl?: string;
  /** Where a PostgreSQL connection that fails while idle is reported. */
  log?: Logger;
}

function sqliteDialect(dataDir: string): Dialect {
  const sqlite = new SqliteDatabase(join(dataDir, 'regql.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return new ImmediateSqliteDialect({ database: sqlite });
}

function postgresDialect(databaseUrl: string, log: Logger | undefined): Dialect {
  const where = urlForLogs(databaseUrl);
  return new SerializedPostgresDialect({
    pool: postgresPool(databaseUrl, (err) =>
      log?.warn({ err, database: where }, 'an idle PostgreSQL connection failed'),
    ),
  });
}

/**
 * Opens the store (SQLite under the data directory, or PostgreSQL when `databaseUrl` is set)
 * and applies pending migrations.
 */
export async function openStore(dataDir: string, options: StoreOptions = {}): Promise<Store> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const dialect: StoreDialect = options.databaseUrl ? 'postgres' : 'sqlite';
  let queries = 0;
  const db = new Kysely<Database>({
    dialect: options.databaseUrl
      ? postgresDialect(options.databaseUrl, options.log)
      : sqliteDialect(dataDir),
    log: (event) => {
      if (event.level === 'query') queries += 1;
    },
  });
  const { error, results } = await new Migrator({
    db,
    provider: migrationProvider(dialect),
  }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    const where = options.databaseUrl ? ` (${urlForLogs(options.databaseUrl)})` : '';
    throw new Error(
      `store migration ${failed?.migrationName ?? ''}${where} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    db,
    queryCount: () => queries,
    answers: async () => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ANSWER_TIMEOUT_MS);
      });
      const answered = sql`select 1`.execute(db).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answered, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => db.destroy(),
  };
}
