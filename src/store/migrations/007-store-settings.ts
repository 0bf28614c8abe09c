import type { Kysely } from 'kysely';

/** Values the store keeps about itself, such as the check of the secret key it was sealed with. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('store_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
