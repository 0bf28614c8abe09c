import type { Kysely } from 'kysely';
import { int64, type StoreDialect } from './dialect';

/**
 * The integrated registry's open upload sessions, so that every process sharing the store can
 * count a namespace's sessions and the bytes they hold. The bytes themselves stay in files.
 */
export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await db.schema
    .createTable('registry_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('size', int64(dialect), (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('registry_uploads_namespace')
    .on('registry_uploads')
    .column('namespace')
    .execute();
}
