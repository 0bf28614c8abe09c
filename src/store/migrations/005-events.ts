import { sql, type Kysely } from 'kysely';
import { int64, type StoreDialect } from './dialect';

export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const postgres = dialect === 'postgres';
  const eventId = int64(dialect);
  // AUTOINCREMENT (a sequence on PostgreSQL): an id is never reused, even after the newest
  // events are pruned.
  await sql`
    CREATE TABLE events (
      id ${sql.raw(postgres ? 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT')},
      type TEXT NOT NULL,
      occurred_at TEXT NOT NULL,
      namespace TEXT,
      stream TEXT,
      tag TEXT,
      registry TEXT,
      repository TEXT,
      digest TEXT,
      previous_digest TEXT,
      message TEXT
    )`.execute(db);
  await db.schema
    .createIndex('events_namespace')
    .on('events')
    .columns(['namespace', 'id'])
    .execute();
  await db.schema.createIndex('events_occurred_at').on('events').column('occurred_at').execute();

  await db.schema
    .createTable('event_log_state')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', eventId, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_receivers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_seen')
    .addColumn('receiver_id', 'text', (c) =>
      c.notNull().references('webhook_receivers.id').onDelete('cascade'),
    )
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_seen_pk', ['receiver_id', 'dedupe_key'])
    .execute();

  await db.schema
    .createTable('triggers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('stream', 'text')
    .addColumn('tag', 'text')
    /** `,TYPE,TYPE,` so that SQL can test membership with LIKE; null: every type. */
    .addColumn('types', 'text')
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('triggers_namespace').on('triggers').column('namespace').execute();

  await db.schema
    .createTable('trigger_deliveries')
    .addColumn('id', eventId, (c) =>
      postgres ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('trigger_id', 'text', (c) =>
      c.notNull().references('triggers.id').onDelete('cascade'),
    )
    .addColumn('event_id', eventId, (c) => c.notNull())
    /** The image stream (namespace/name) or repository the event is about: delivery order key. */
    .addColumn('subject', 'text', (c) => c.notNull())
    /** The event as JSON, so that a delivery outlives the event's retention in the log. */
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('trigger_deliveries_once', ['trigger_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('trigger_deliveries_due')
    .on('trigger_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('trigger_deliveries_order')
    .on('trigger_deliveries')
    .columns(['trigger_id', 'subject', 'status', 'id'])
    .execute();
}
