import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('image_streams').addColumn('platform', 'text').execute();
  await db.schema.alterTable('spec_tags').addColumn('next_import_at', 'text').execute();
  await db.schema
    .alterTable('spec_tags')
    .addColumn('import_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('spec_tags').addColumn('last_imported_digest', 'text').execute();
  await db.schema
    .createIndex('spec_tags_next_import_at')
    .on('spec_tags')
    .column('next_import_at')
    .execute();

  await db.schema
    .createTable('tag_events')
    .addColumn('stream_id', 'text', (c) =>
      c.notNull().references('image_streams.id').onDelete('cascade'),
    )
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('docker_image_reference', 'text', (c) => c.notNull())
    .addColumn('image', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tag_events_pk', ['stream_id', 'tag', 'seq'])
    .execute();

  await db.schema
    .createTable('tag_conditions')
    .addColumn('stream_id', 'text', (c) =>
      c.notNull().references('image_streams.id').onDelete('cascade'),
    )
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('message', 'text')
    .addColumn('last_transition_time', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tag_conditions_pk', ['stream_id', 'tag'])
    .execute();
}
