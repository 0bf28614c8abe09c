import { randomUUID } from 'node:crypto';
import { oneOf } from '../core/one-of';
import {
  tagSourceKinds,
  type ImageStream,
  importModes,
  referencePolicyTypes,
  type SpecTag,
} from './image-stream-records';
import type { Db, ImageStreamTable, SpecTagTable } from './database';

const streamFromRow = (row: ImageStreamTable): ImageStream => ({
  id: row.id,
  namespace: row.namespace,
  name: row.name,
  generation: row.generation,
  createdAt: row.created_at,
  platform: row.platform,
});

const specTagFromRow = (row: SpecTagTable): SpecTag => ({
  name: row.name,
  from:
    row.from_kind && row.from_name
      ? { kind: oneOf(tagSourceKinds, row.from_kind, 'tag source kind'), name: row.from_name }
      : null,
  reference: row.reference === 1,
  scheduled: row.scheduled === 1,
  insecure: row.insecure === 1,
  importMode: oneOf(importModes, row.import_mode, 'import mode'),
  referencePolicy: oneOf(referencePolicyTypes, row.reference_policy, 'reference policy'),
  generation: row.generation,
  lastImportedDigest: row.last_imported_digest,
});

const specColumns = (tag: SpecTag) => ({
  from_kind: tag.from?.kind ?? null,
  from_name: tag.from?.name ?? null,
  reference: tag.reference ? 1 : 0,
  scheduled: tag.scheduled ? 1 : 0,
  insecure: tag.insecure ? 1 : 0,
  import_mode: tag.importMode,
  reference_policy: tag.referencePolicy,
  generation: tag.generation,
  last_imported_digest: tag.lastImportedDigest,
});

export interface DueTag {
  streamId: string;
  tag: string;
  /** The pull spec it imports from, to pace imports per registry. */
  from: string;
  failures: number;
  /** When it fell due, as stored: claiming it checks that no one else has moved it since. */
  dueAt: string;
}

/** Streams and their spec tags. Construct it on a transaction to make several changes atomic. */
export class ImageStreamStore {
  constructor(private readonly db: Db) {}

  /** Creates the stream with its spec tags (scheduled ones due at once); null when the name is taken. */
  async create(
    namespace: string,
    name: string,
    tags: SpecTag[],
    platform: string | null = null,
  ): Promise<ImageStream | null> {
    const row: ImageStreamTable = {
      id: randomUUID(),
      namespace,
      name,
      generation: 1,
      created_at: new Date().toISOString(),
      platform,
    };
    const inserted = await this.db
      .insertInto('image_streams')
      .values(row)
      .onConflict((oc) => oc.columns(['namespace', 'name']).doNothing())
      .executeTakeFirst();
    if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return null;
    if (tags.length > 0) {
      await this.db
        .insertInto('spec_tags')
        .values(
          tags.map((t) => ({
            stream_id: row.id,
            name: t.name,
            next_import_at: t.scheduled ? row.created_at : null,
            import_failures: 0,
            ...specColumns(t),
          })),
        )
        .execute();
    }
    return streamFromRow(row);
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

  async getById(id: string): Promise<ImageStream | undefined> {
    const row = await this.db
      .selectFrom('image_streams')
      .selectAll()
      .where('id', '=', id)
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

  async specTag(streamId: string, tag: string): Promise<SpecTag | undefined> {
    return (await this.specTagsNamed(streamId, [tag])).get(tag);
  }

  async tagCount(streamId: string): Promise<number> {
    const { n } = await this.db
      .selectFrom('spec_tags')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('stream_id', '=', streamId)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** The stream's spec tags of these names, by name, in one read. */
  async specTagsNamed(streamId: string, tags: readonly string[]): Promise<Map<string, SpecTag>> {
    if (tags.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('spec_tags')
      .selectAll()
      .where('stream_id', '=', streamId)
      .where('name', 'in', tags)
      .execute();
    return new Map(rows.map((row) => [row.name, specTagFromRow(row)]));
  }

  /** Spec tags whose `from` names `source` (`ns/stream:tag`): the aliases that follow it. */
  async followers(source: string): Promise<{ streamId: string; tag: string }[]> {
    const rows = await this.db
      .selectFrom('spec_tags')
      .select(['stream_id', 'name'])
      .where('from_kind', '=', 'IMAGE_STREAM_TAG')
      .where('from_name', '=', source)
      .execute();
    return rows.map((r) => ({ streamId: r.stream_id, tag: r.name }));
  }

  /** The spec tags of a namespace that import from a registry, with the pull spec of each. */
  async importingIn(namespace: string): Promise<{ streamId: string; tag: string; from: string }[]> {
    const rows = await this.db
      .selectFrom('spec_tags')
      .innerJoin('image_streams', 'image_streams.id', 'spec_tags.stream_id')
      .select(['spec_tags.stream_id', 'spec_tags.name', 'spec_tags.from_name'])
      .where('image_streams.namespace', '=', namespace)
      .where('spec_tags.from_kind', '=', 'DOCKER_IMAGE')
      .execute();
    return rows.map((r) => ({ streamId: r.stream_id, tag: r.name, from: r.from_name ?? '' }));
  }

  /** Writes a spec tag (new or changed) and moves the stream's generation; returns the tag's generation. */
  async putSpecTag(streamId: string, tag: SpecTag, nextImportAt: string | null): Promise<number> {
    const stream = await this.db
      .updateTable('image_streams')
      .set((eb) => ({ generation: eb('generation', '+', 1) }))
      .where('id', '=', streamId)
      .returning('generation')
      .executeTakeFirstOrThrow();
    const columns = {
      ...specColumns(tag),
      generation: stream.generation,
      next_import_at: nextImportAt,
    };
    await this.db
      .insertInto('spec_tags')
      .values({ stream_id: streamId, name: tag.name, import_failures: 0, ...columns })
      .onConflict((oc) => oc.columns(['stream_id', 'name']).doUpdateSet(columns))
      .execute();
    return stream.generation;
  }

  async deleteSpecTag(streamId: string, tag: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('spec_tags')
      .where('stream_id', '=', streamId)
      .where('name', '=', tag)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async setLastImported(streamId: string, tag: string, digest: string): Promise<void> {
    await this.db
      .updateTable('spec_tags')
      .set({ last_imported_digest: digest })
      .where('stream_id', '=', streamId)
      .where('name', '=', tag)
      .execute();
  }

  /** Scheduled tags due by `now`, soonest first. */
  async due(now: string, limit: number): Promise<DueTag[]> {
    const rows = await this.db
      .selectFrom('spec_tags')
      .select(['stream_id', 'name', 'from_name', 'import_failures', 'next_import_at'])
      .where('scheduled', '=', 1)
      .where('from_kind', '=', 'DOCKER_IMAGE')
      .where('next_import_at', '<=', now)
      .orderBy('next_import_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      streamId: r.stream_id,
      tag: r.name,
      from: r.from_name ?? '',
      failures: r.import_failures,
      dueAt: r.next_import_at!,
    }));
  }

  /**
   * Moves a due tag's next run to `nextImportAt` if it still falls due at `dueAt`; false when
   * another scheduler (another process) claimed it first.
   */
  async claim(due: DueTag, nextImportAt: string): Promise<boolean> {
    const result = await this.db
      .updateTable('spec_tags')
      .set({ next_import_at: nextImportAt })
      .where('stream_id', '=', due.streamId)
      .where('name', '=', due.tag)
      .where('next_import_at', '=', due.dueAt)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setSchedule(
    streamId: string,
    tag: string,
    nextImportAt: string,
    failures: number,
  ): Promise<void> {
    await this.db
      .updateTable('spec_tags')
      .set({ next_import_at: nextImportAt, import_failures: failures })
      .where('stream_id', '=', streamId)
      .where('name', '=', tag)
      .execute();
  }
}
