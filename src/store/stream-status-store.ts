import { sql } from 'kysely';
import type { TagCondition, TagEvent, TagStatus } from './image-stream-records';
import type { Db, TagConditionTable, TagEventTable } from './database';

const eventFromRow = (row: TagEventTable): TagEvent => ({
  seq: row.seq,
  created: row.created,
  dockerImageReference: row.docker_image_reference,
  image: row.image,
  generation: row.generation,
});

const conditionFromRow = (row: TagConditionTable): TagCondition => ({
  type: 'ImportSuccess',
  status: row.status as TagCondition['status'],
  reason: row.reason,
  message: row.message,
  lastTransitionTime: row.last_transition_time,
  generation: row.generation,
});

export interface HistoryKey {
  streamId: string;
  tag: string;
}

export const statusKey = (k: HistoryKey) => `${k.streamId}\u0000${k.tag}`;

/** Tag histories (newest first) and import conditions. Construct it on a transaction to change both at once. */
export class StreamStatusStore {
  constructor(private readonly db: Db) {}

  /** The current event and condition of every tag of these streams, by stream then tag: two reads. */
  async current(streamIds: readonly string[]): Promise<Map<string, Map<string, TagStatus>>> {
    const statuses = new Map<string, Map<string, TagStatus>>(
      streamIds.map((id) => [id, new Map()]),
    );
    if (streamIds.length === 0) return statuses;
    const newest = await this.db
      .selectFrom('tag_events as e')
      .innerJoin(
        (eb) =>
          eb
            .selectFrom('tag_events')
            .select(['stream_id', 'tag', (x) => x.fn.max('seq').as('seq')])
            .where('stream_id', 'in', streamIds)
            .groupBy(['stream_id', 'tag'])
            .as('m'),
        (join) =>
          join
            .onRef('m.stream_id', '=', 'e.stream_id')
            .onRef('m.tag', '=', 'e.tag')
            .onRef('m.seq', '=', 'e.seq'),
      )
      .selectAll('e')
      .execute();
    for (const row of newest)
      statuses.get(row.stream_id)?.set(row.tag, { current: eventFromRow(row), condition: null });
    const conditions = await this.db
      .selectFrom('tag_conditions')
      .selectAll()
      .where('stream_id', 'in', streamIds)
      .execute();
    for (const row of conditions) {
      const tags = statuses.get(row.stream_id);
      tags?.set(row.tag, {
        current: tags.get(row.tag)?.current ?? null,
        condition: conditionFromRow(row),
      });
    }
    return statuses;
  }

  /** Up to `first + 1` entries per tag, newest first, older than `beforeSeq`: one read for many tags. */
  async history(
    keys: readonly HistoryKey[],
    first: number,
    beforeSeq: number | null,
  ): Promise<Map<string, TagEvent[]>> {
    const result = new Map<string, TagEvent[]>(keys.map((k) => [statusKey(k), []]));
    if (keys.length === 0) return result;
    const streamIds = [...new Set(keys.map((k) => k.streamId))];
    const ranked = this.db
      .selectFrom('tag_events')
      .selectAll()
      .select(
        sql<number>`row_number() over (partition by stream_id, tag order by seq desc)`.as('rank'),
      )
      .where('stream_id', 'in', streamIds)
      .$if(beforeSeq !== null, (q) => q.where('seq', '<', beforeSeq as number));
    const rows = await this.db
      .selectFrom(ranked.as('r'))
      .selectAll()
      .where('rank', '<=', first + 1)
      .orderBy('seq', 'desc')
      .execute();
    for (const row of rows)
      result.get(statusKey({ streamId: row.stream_id, tag: row.tag }))?.push(eventFromRow(row));
    return result;
  }

  latest(streamId: string, tag: string): Promise<TagEvent | undefined> {
    return this.at(streamId, tag, 0);
  }

  /** Entry `position` of the history, 0 being the current one. */
  async at(streamId: string, tag: string, position: number): Promise<TagEvent | undefined> {
    const row = await this.db
      .selectFrom('tag_events')
      .selectAll()
      .where('stream_id', '=', streamId)
      .where('tag', '=', tag)
      .orderBy('seq', 'desc')
      .offset(position)
      .limit(1)
      .executeTakeFirst();
    return row && eventFromRow(row);
  }

  /** The newest entry of any tag of the stream that names `digest`. */
  async withImage(streamId: string, digest: string, tag?: string): Promise<TagEvent | undefined> {
    const row = await this.db
      .selectFrom('tag_events')
      .selectAll()
      .where('stream_id', '=', streamId)
      .where('image', '=', digest)
      .$if(tag !== undefined, (q) => q.where('tag', '=', tag as string))
      .orderBy('created', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && eventFromRow(row);
  }

  /**
   * The image references the stream's history holds, each with a tag that recorded it, those
   * naming `digest` first, then newest first; at most `limit`.
   */
  async references(
    streamId: string,
    digest: string,
    limit: number,
  ): Promise<{ reference: string; tag: string }[]> {
    const rows = await this.db
      .selectFrom('tag_events')
      .select(({ fn }) => [
        'docker_image_reference as reference',
        fn.max('tag').as('tag'),
        fn.max('created').as('newest'),
        fn.max(sql<number>`case when image = ${digest} then 1 else 0 end`).as('names'),
      ])
      .where('stream_id', '=', streamId)
      .groupBy('docker_image_reference')
      .orderBy('names', 'desc')
      .orderBy('newest', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ reference: row.reference, tag: row.tag }));
  }

  async append(streamId: string, tag: string, event: Omit<TagEvent, 'seq'>): Promise<TagEvent> {
    const seq = ((await this.latest(streamId, tag))?.seq ?? 0) + 1;
    await this.db
      .insertInto('tag_events')
      .values({
        stream_id: streamId,
        tag,
        seq,
        created: event.created,
        docker_image_reference: event.dockerImageReference,
        image: event.image,
        generation: event.generation,
      })
      .execute();
    return { ...event, seq };
  }

  /** Keeps the newest `keep` entries of the tag; returns how many older ones went. */
  async prune(streamId: string, tag: string, keep: number): Promise<number> {
    const cutoff = await this.at(streamId, tag, keep - 1);
    if (!cutoff) return 0;
    const result = await this.db
      .deleteFrom('tag_events')
      .where('stream_id', '=', streamId)
      .where('tag', '=', tag)
      .where('seq', '<', cutoff.seq)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Sets ImportSuccess; its transition time moves only when the status changes. */
  async setCondition(
    streamId: string,
    tag: string,
    condition: Omit<TagCondition, 'type' | 'lastTransitionTime'>,
    now: string,
  ): Promise<void> {
    const previous = await this.db
      .selectFrom('tag_conditions')
      .select(['status', 'last_transition_time'])
      .where('stream_id', '=', streamId)
      .where('tag', '=', tag)
      .executeTakeFirst();
    const row = {
      status: condition.status,
      reason: condition.reason,
      message: condition.message,
      generation: condition.generation,
      last_transition_time:
        previous && previous.status === condition.status ? previous.last_transition_time : now,
    };
    await this.db
      .insertInto('tag_conditions')
      .values({ stream_id: streamId, tag, ...row })
      .onConflict((oc) => oc.columns(['stream_id', 'tag']).doUpdateSet(row))
      .execute();
  }

  async deleteTag(streamId: string, tag: string): Promise<void> {
    await this.db
      .deleteFrom('tag_events')
      .where('stream_id', '=', streamId)
      .where('tag', '=', tag)
      .execute();
    await this.db
      .deleteFrom('tag_conditions')
      .where('stream_id', '=', streamId)
      .where('tag', '=', tag)
      .execute();
  }

  /** The tags of the stream whose current image is `digest`, in name order. */
  async tagsCurrentlyAt(streamId: string, digest: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('tag_events as te')
      .select('te.tag')
      .where('te.stream_id', '=', streamId)
      .where('te.image', '=', digest)
      .where(({ eb, selectFrom }) =>
        eb(
          'te.seq',
          '=',
          selectFrom('tag_events as newest')
            .select(({ fn }) => fn.max('newest.seq').as('seq'))
            .whereRef('newest.stream_id', '=', 'te.stream_id')
            .whereRef('newest.tag', '=', 'te.tag'),
        ),
      )
      .orderBy('te.tag')
      .execute();
    return rows.map((row) => row.tag);
  }

  /** Drops every history entry of the stream that names `digest`; returns how many went. */
  async dropImage(streamId: string, digest: string): Promise<number> {
    const result = await this.db
      .deleteFrom('tag_events')
      .where('stream_id', '=', streamId)
      .where('image', '=', digest)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
