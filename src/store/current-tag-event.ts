import { sql, type SqlBool } from 'kysely';

/**
 * Whether the `tag_events` row aliased `te` is the newest of its tag: the tag's current image.
 * For queries that select from `tag_events as te`.
 */
export const isCurrentTagEvent = sql<SqlBool>`te.seq = (select max(newest.seq) from tag_events as newest where newest.stream_id = te.stream_id and newest.tag = te.tag)`;
