import type { Kysely } from 'kysely';
import { int64, type StoreDialect } from './dialect';

export async function up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const size = int64(dialect);
  await db.schema
    .createTable('registry_blobs')
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('size', size, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_blobs_pk', ['repository', 'digest'])
    .execute();
  await db.schema
    .createIndex('registry_blobs_digest')
    .on('registry_blobs')
    .column('digest')
    .execute();

  await db.schema
    .createTable('registry_manifests')
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', size, (c) => c.notNull())
    .addColumn('artifact_type', 'text')
    .addColumn('subject', 'text')
    .addColumn('annotations', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_manifests_pk', ['repository', 'digest'])
    .execute();
  await db.schema
    .createIndex('registry_manifests_subject')
    .on('registry_manifests')
    .columns(['repository', 'subject'])
    .execute();

  await db.schema
    .createTable('registry_manifest_refs')
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_manifest_refs_pk', ['repository', 'manifest', 'digest'])
    .execute();
  await db.schema
    .createIndex('registry_manifest_refs_digest')
    .on('registry_manifest_refs')
    .column('digest')
    .execute();

  await db.schema
    .createTable('registry_tags')
    .addColumn('repository', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registry_tags_pk', ['repository', 'tag'])
    .execute();
}
