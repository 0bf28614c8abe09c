import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { openStore, type Store } from '../../src/store/open-store';
import { inTransaction } from '../../src/streams/stream-stores';
import { TEST_POSTGRES_ENV } from '../helpers/postgres';

/** SQLite's locking; on PostgreSQL the suite skips it (test/store/postgres.test.ts covers that). */
const onSqlite = !process.env[TEST_POSTGRES_ENV];

(onSqlite ? describe : describe.skip)(
  'SQLite transactions with another process on the same file',
  () => {
    let dir: string;
    let store: Store;
    let other: SqliteDatabase.Database;

    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'regql-trx-'));
      store = await openStore(dir);
      other = new SqliteDatabase(join(dir, 'regql.sqlite'));
      other.pragma('busy_timeout = 0');
    });
    afterEach(async () => {
      other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('holds the write lock from the start, so a write elsewhere waits instead of failing this one', async () => {
      const otherWrite = await inTransaction(store.db, async ({ db }) => {
        await db.selectFrom('tokens').selectAll().execute();
        let outcome = 'written';
        try {
          other.prepare("insert into event_log_state (name, value) values ('elsewhere', 1)").run();
        } catch (err) {
          outcome = (err as { code: string }).code;
        }
        await db.insertInto('event_log_state').values({ name: 'here', value: 1 }).execute();
        return outcome;
      });
      expect(otherWrite).toBe('SQLITE_BUSY');
      const names = await store.db.selectFrom('event_log_state').select('name').execute();
      expect(names.map((r) => r.name)).toContain('here');
      other.prepare("insert into event_log_state (name, value) values ('elsewhere', 1)").run();
    });
  },
);
