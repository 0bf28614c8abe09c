import { randomUUID } from 'node:crypto';
import type {
  ImageStream,
  ImportMode,
  ReferencePolicyType,
  SpecTag,
  TagSourceKind,
} from '../domain/image-stream';
import type { Db, ImageStreamTable, SpecTagTable } from './database';

const streamFromRow = (row: ImageStreamTable): ImageStream => ({
  id: row.id,
  namespace: row.namespace,
  name: row.name,
  generation: row.generation,
  createdAt: row.created_at,
});

const specTagFromRow = (row: SpecTagTable): SpecTag => ({
  name: row.name,
  from:
    row.from_kind && row.from_name
      ? { kind: row.from_kind as TagSourceKind, name: row.from_name }
      : null,
  reference: row.reference === 1,
  scheduled: row.scheduled === 1,
  insecure: row.insecure === 1,
  importMode: row.import_mode as ImportMode,
  referencePolicy: row.reference_policy as ReferencePolicyType,
  generation: row.generation,
});

const specTagToRow = (streamId: string, tag: SpecTag): SpecTagTable => ({
  stream_id: streamId,
  name: tag.name,
  from_kind: tag.from?.kind ?? null,
  from_name: tag.from?.name ?? null,
  reference: tag.reference ? 1 : 0,
  scheduled: tag.scheduled ? 1 : 0,
  insecure: tag.insecure ? 1 : 0,
  import_mode: tag.importMode,
  reference_policy: tag.referencePolicy,
  generation: tag.generation,
});

export class ImageStreamStore {
  constructor(private readonly db: Db) {}

  /** Creates the stream with its spec tags; returns null when the name is taken. */
  async create(namespace: string, name: string, tags: SpecTag[]): Promise<ImageStream | null> {
    return this.db.transaction().execute(async (trx) => {
      const row: ImageStreamTable = {
        id: randomUUID(),
        namespace,
        name,
        generation: 1,
        created_at: new Date().toISOString(),
      };
      const inserted = await trx
        .insertInto('image_streams')
        .values(row)
        .onConflict((oc) => oc.columns(['namespace', 'name']).doNothing())
        .executeTakeFirst();
      if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return null;
      if (tags.length > 0) {
        await trx
          .insertInto('spec_tags')
          .values(tags.map((t) => specTagToRow(row.id, t)))
          .execute();
      }
      return streamFromRow(row);
    });
  }

  async get(namespace: string, name: string): Promise<ImageStream | undefined> {
    const row = await this.db
      .selectFrom('image_streams')
      .selectAll()
      .where('namespace', '=', namespace)
      .where('name', '=', name)
      .executeTakeFirst();
    return row && streamFromRow(row);
  }

  /** One page in name order, starting after `afterName`; fetches one extra row to tell if more follow. */
  async page(
    namespace: string,
    limit: number,
    afterName?: string,
  ): Promise<{ items: ImageStream[]; more: boolean }> {
    let query = this.db.selectFrom('image_streams').selectAll().where('namespace', '=', namespace);
    if (afterName !== undefined) query = query.where('name', '>', afterName);
    const rows = await query
      .orderBy('name')
      .limit(limit + 1)
      .execute();
    return { items: rows.slice(0, limit).map(streamFromRow), more: rows.length > limit };
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('image_streams')
      .where('namespace', '=', namespace)
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Spec tags of many streams in one read, in tag-name order. */
  async specTags(streamIds: readonly string[]): Promise<Map<string, SpecTag[]>> {
    const byStream = new Map<string, SpecTag[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return byStream;
    const rows = await this.db
      .selectFrom('spec_tags')
      .selectAll()
      .where('stream_id', 'in', streamIds)
      .orderBy('stream_id')
      .orderBy('name')
      .execute();
    for (const row of rows) byStream.get(row.stream_id)?.push(specTagFromRow(row));
    return byStream;
  }
}
