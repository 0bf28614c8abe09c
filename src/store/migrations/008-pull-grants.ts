import type { Kysely } from 'kysely';

/** Pull grants between namespaces: `namespace` may pull images of `from_namespace`. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pull_grants')
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('from_namespace', 'text', (c) => c.notNull())
    .addColumn('granted_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pull_grants_pk', ['namespace', 'from_namespace'])
    .execute();
  await db.schema
    .createIndex('pull_grants_from')
    .on('pull_grants')
    .column('from_namespace')
    .execute();
}
