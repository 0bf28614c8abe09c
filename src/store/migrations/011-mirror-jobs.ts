import type { Kysely } from 'kysely';
import { int64, type StoreDialect } from './dialect';

/** Mirror jobs: what was asked, how far it got and how it ended, listed per namespace. */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('mirror_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('all_platforms', 'integer', (c) => c.notNull())
    .addColumn('include_referrers', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('bytes_done', int64(dialect), (c) => c.notNull())
    .addColumn('bytes_total', int64(dialect))
    .addColumn('blobs_copied', 'integer', (c) => c.notNull())
    .addColumn('blobs_mounted', 'integer', (c) => c.notNull())
    .addColumn('blobs_skipped', 'integer', (c) => c.notNull())
    .addColumn('digest', 'text')
    .addColumn('message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('mirror_jobs_namespace')
    .on('mirror_jobs')
    .columns(['namespace', 'id'])
    .execute();
  await db.schema.createIndex('mirror_jobs_state').on('mirror_jobs').column('state').execute();
}
