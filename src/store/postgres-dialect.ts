import { Pool, types } from 'pg';
import {
  CompiledQuery,
  PostgresDialect,
  PostgresDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type TransactionSettings,
} from 'kysely';

/** The advisory lock every regql write transaction on a database takes first ("regq"). */
const WRITE_LOCK_KEY = 0x72656771;
const INT8_OID = 20;

class SerializedPostgresDriver extends PostgresDriver {
  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    await super.beginTransaction(connection, settings);
    try {
      await connection.executeQuery(
        CompiledQuery.raw(`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`),
      );
    } catch (err) {
      // kysely rolls back only once the begin succeeded: without this, a lock_timeout would
      // hand the connection back to the pool inside an aborted transaction.
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw err;
    }
  }
}

/**
 * PostgreSQL whose transactions run one at a time, as SQLite's do: each takes one advisory lock
 * when it begins and holds it to commit. Event ids are then handed out in commit order (a feed
 * that has read id n never finds a smaller id committed later), and no two transactions of
 * regql's can deadlock. Statements outside transactions still run side by side.
 */
export class SerializedPostgresDialect extends PostgresDialect {
  constructor(private readonly settings: PostgresDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new SerializedPostgresDriver(this.settings);
  }
}

/** A pool whose 64-bit integers (ids, sizes, counts) come back as numbers, not strings. */
export function postgresPool(connectionString: string, onError: (err: Error) => void): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? (value: string) => Number(value)
          : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  pool.on('error', onError);
  // A checked-out client whose connection dies emits 'error' besides failing its query, and the
  // pool listens only to idle ones: unheard, that event would end the process. The failed
  // query reports it.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
