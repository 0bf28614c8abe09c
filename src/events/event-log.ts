import { sql, type Selectable } from 'kysely';
import { oneOf } from '../core/one-of';
import type { Db, EventTable } from '../store/database';
import {
  eventSubject,
  eventTypes,
  type EventDraft,
  type EventFilter,
  type RegistryEvent,
} from './registry-event';

export interface LogQuery {
  /** Events with a greater id; 0 for the oldest retained. */
  after: number;
  /** The namespaces the reader may see; null: every namespace. */
  readable: readonly string[] | null;
  filter: EventFilter;
  limit: number;
}

function eventFromRow(row: Selectable<EventTable>): RegistryEvent {
  return {
    id: String(row.id),
    type: oneOf(eventTypes, row.type, 'event type'),
    occurredAt: row.occurred_at,
    namespace: row.namespace,
    stream: row.stream,
    tag: row.tag,
    registry: row.registry,
    repository: row.repository,
    digest: row.digest,
    previousDigest: row.previous_digest,
    message: row.message,
  };
}

const PRUNED_THROUGH = 'pruned_through';

/**
 * The durable event log. `append` runs inside the transaction of the change it reports (or one
 * of its own), and in the same transaction queues a delivery for every trigger the event matches.
 */
export class EventLog {
  constructor(private readonly db: Db) {}

  async append(draft: EventDraft): Promise<RegistryEvent> {
    // Outside a transaction, one of its own: ids follow commit order only among transactions,
    // which run one at a time (see the store's dialects).
    if (!this.db.isTransaction)
      return this.db.transaction().execute((trx) => new EventLog(trx).append(draft));
    const { id } = await this.db
      .insertInto('events')
      .values({
        type: draft.type,
        occurred_at: draft.occurredAt,
        namespace: draft.namespace,
        stream: draft.stream,
        tag: draft.tag,
        registry: draft.registry,
        repository: draft.repository,
        digest: draft.digest,
        previous_digest: draft.previousDigest,
        message: draft.message,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const event = { id: String(id), ...draft };
    if (draft.namespace) await this.queueDeliveries(event);
    return event;
  }

  async read(query: LogQuery): Promise<RegistryEvent[]> {
    const { filter } = query;
    let select = this.db
      .selectFrom('events')
      .selectAll()
      .where('id', '>', query.after)
      .orderBy('id')
      .limit(query.limit);
    if (query.readable) select = select.where('namespace', 'in', [...query.readable, '']);
    if (filter.namespace) select = select.where('namespace', '=', filter.namespace);
    if (filter.stream) select = select.where('stream', '=', filter.stream);
    if (filter.tag) select = select.where('tag', '=', filter.tag);
    if (filter.types && filter.types.length > 0)
      select = select.where('type', 'in', [...filter.types]);
    return (await select.execute()).map(eventFromRow);
  }

  async lastId(): Promise<number> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return Math.max(Number(row?.id ?? 0), await this.prunedThrough());
  }

  /** The highest id that retention has removed: a reader resuming before it has missed events. */
  async prunedThrough(): Promise<number> {
    const row = await this.db
      .selectFrom('event_log_state')
      .select('value')
      .where('name', '=', PRUNED_THROUGH)
      .executeTakeFirst();
    return row?.value ?? 0;
  }

  /**
   * Removes the events logged before the first one at or after `before`: by id, so that an odd
   * timestamp cannot take newer events with it. Deliveries carry their own copy of the event;
   * those still pending after the whole retention are given up.
   */
  async prune(before: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const kept = await trx
        .selectFrom('events')
        .select((eb) => eb.fn.min('id').as('id'))
        .where('occurred_at', '>=', before)
        .executeTakeFirst();
      const through = kept?.id != null ? Number(kept.id) - 1 : await new EventLog(trx).lastId();
      if (through <= (await new EventLog(trx).prunedThrough())) return 0;
      const removed = await trx.deleteFrom('events').where('id', '<=', through).executeTakeFirst();
      await trx
        .deleteFrom('trigger_deliveries')
        .where('event_id', '<=', through)
        .where('status', '!=', 'PENDING')
        .execute();
      await trx
        .updateTable('trigger_deliveries')
        .set({
          status: 'FAILED',
          last_error: 'not delivered within the event log retention',
          lease_until: null,
          updated_at: new Date().toISOString(),
        })
        .where('status', '=', 'PENDING')
        .where('created_at', '<', before)
        .execute();
      await trx
        .insertInto('event_log_state')
        .values({ name: PRUNED_THROUGH, value: through })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({
            value: sql`case when excluded.value > event_log_state.value then excluded.value else event_log_state.value end`,
          }),
        )
        .execute();
      return Number(removed.numDeletedRows);
    });
  }

  private async queueDeliveries(event: RegistryEvent): Promise<void> {
    const now = new Date().toISOString();
    await this.db
      .insertInto('trigger_deliveries')
      .columns([
        'trigger_id',
        'event_id',
        'subject',
        'payload',
        'status',
        'attempts',
        'next_attempt_at',
        'created_at',
        'updated_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('triggers')
          .select([
            'id',
            sql.lit(Number(event.id)).as('event_id'),
            sql.val(eventSubject(event)).as('subject'),
            sql.val(JSON.stringify(event)).as('payload'),
            sql.lit('PENDING').as('status'),
            sql.lit(0).as('attempts'),
            sql.val(now).as('next_attempt_at'),
            sql.val(now).as('created_at'),
            sql.val(now).as('updated_at'),
          ])
          .where('namespace', '=', event.namespace)
          .where((w) => w.or([w('stream', 'is', null), w('stream', '=', event.stream)]))
          .where((w) => w.or([w('tag', 'is', null), w('tag', '=', event.tag)]))
          .where((w) =>
            w.or([
              w('types', 'is', null),
              sql<boolean>`types like ${`%,${event.type.replaceAll('_', '!_')},%`} escape '!'`,
            ]),
          ),
      )
      .execute();
  }
}
