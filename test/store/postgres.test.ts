import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EventLog } from '../../src/events/event-log';
import type { Db } from '../../src/store/database';
import { openStore, type Store } from '../../src/store/open-store';
import { RegistryContentStore } from '../../src/store/registry-content-store';
import { inTransaction } from '../../src/streams/stream-stores';
import { eventDraft, eventually } from '../helpers/events';
import { freePort } from '../helpers/processes';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { startTestServer } from '../helpers/server';

const draft = eventDraft({ namespace: 'team-a' });

/** Runs `work` in a transaction on `db`, then keeps it (and the write lock) open until `release`. */
async function holdWriteLock<T>(
  db: Db,
  work: (events: EventLog) => Promise<T>,
): Promise<{ release: () => void; done: Promise<T> }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const holding = new Promise<void>((resolve) => (locked = resolve));
  const done = inTransaction(db, async ({ events }) => {
    const result = await work(events);
    locked();
    await held;
    return result;
  });
  await holding;
  return { release, done };
}

describe('the store on a real PostgreSQL server', () => {
  let server: PostgresServer;
  let dir: string;
  const stores: Store[] = [];
  const open = async (database: string) => {
    const store = await openStore(dir, { databaseUrl: server.database(database) });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'regql-pg-store-'));
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [
      'in a transaction of its own making',
      (db: Db) => inTransaction(db, ({ events }) => events.append(draft)),
    ],
    ['appended on its own', (db: Db) => new EventLog(db).append(draft)],
  ])(
    'runs write transactions one at a time across processes, so event ids follow commit order: %s',
    async (_how, appendElsewhere) => {
      const [a, b] = [await open('serialized'), await open('serialized')];
      const order: string[] = [];
      const { release, done } = await holdWriteLock(a.db, (events) => events.append(draft));
      const first = done.then((event) => {
        order.push('a commits');
        return event;
      });
      const second = appendElsewhere(b.db).then((event) => {
        order.push('b committed');
        return event;
      });
      await new Promise((r) => setTimeout(r, 300));
      const whileHeld = [...order];
      release();
      const [one, two] = await Promise.all([first, second]);
      expect(whileHeld).toEqual([]);
      expect(order).toEqual(['a commits', 'b committed']);
      expect(Number(two.id)).toBeGreaterThan(Number(one.id));
    },
  );

  it('rolls back a transaction whose wait for the write lock times out, leaving its connection usable', async () => {
    const url = server.database('lock-timeout');
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`alter database "lock-timeout" set lock_timeout = '200ms'`);
    await admin.end();
    const [a, b] = [await open('lock-timeout'), await open('lock-timeout')];
    const { release, done: first } = await holdWriteLock(a.db, async () => {});
    await expect(inTransaction(b.db, ({ events }) => events.append(draft))).rejects.toThrow(
      /lock timeout/,
    );
    release();
    await first;
    expect(await b.db.selectFrom('events').select('id').execute()).toEqual([]);
  });

  it('keeps sizes past 2 GiB and returns 64-bit integers as numbers', async () => {
    const store = await open('sizes');
    const content = new RegistryContentStore(store.db);
    const digest = `sha256:${'d'.repeat(64)}`;
    await content.linkBlob('team-a/big', digest, 5 * 1024 ** 3);
    expect(await content.blobSize('team-a/big', digest)).toBe(5 * 1024 ** 3);
  });

  it('is not ready while its database is away, and ready again once it is back', async () => {
    const served = await startTestServer({
      env: { REGQL_DATABASE_URL: server.database('readiness') },
    });
    const readyz = async () => (await fetch(`${served.url}/readyz`)).status;
    try {
      expect(await readyz()).toBe(200);
      server.pause();
      try {
        expect(await readyz()).toBe(503);
      } finally {
        server.resume();
      }
      await eventually(async () => (await readyz()) === 200, 'readiness after the restart');
    } finally {
      await served.close();
    }
  });

  it('names an unreachable server without its password', async () => {
    const port = await freePort();
    const failure = await openStore(dir, {
      databaseUrl: `postgres://regql:pg-secret-93f1@127.0.0.1:${port}/regql`,
    }).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(failure).toContain(`postgres://127.0.0.1:${port}/regql`);
    expect(failure).not.toContain('pg-secret-93f1');
  });
});
