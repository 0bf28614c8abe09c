import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credentials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('registry_host', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sealed_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('credentials_namespace')
    .on('credentials')
    .column('namespace')
    .execute();
  await db.schema.alterTable('registries').addColumn('api_url', 'text').execute();
}
