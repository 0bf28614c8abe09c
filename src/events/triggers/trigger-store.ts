import type { Selectable } from 'kysely';
import type { SecretBox } from '../../auth/secret-box';
import { newId } from '../../auth/token-secret';
import type { Db, TriggerDeliveryTable, TriggerTable } from '../../store/database';
import { oneOf } from '../../core/one-of';
import { eventTypes, type EventType } from '../registry-event';
import type { NewTrigger } from './trigger-input';

/** What the API shows of a trigger: everything but its secret. */
export interface TriggerView {
  id: string;
  namespace: string;
  url: string;
  stream: string | null;
  tag: string | null;
  types: EventType[];
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  status: string;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  /** When the next attempt is due; null once the delivery is settled. */
  nextAttemptAt: string | null;
  updatedAt: string;
}

const view = (row: TriggerTable): TriggerView => ({
  id: row.id,
  namespace: row.namespace,
  url: row.url,
  stream: row.stream,
  tag: row.tag,
  types: (row.types ?? '')
    .split(',')
    .filter(Boolean)
    .map((type) => oneOf(eventTypes, type, 'event type')),
  createdAt: row.created_at,
});

/** What a delivery shows; not its payload, the event's JSON, which only the sender reads. */
const DELIVERY_COLUMNS = [
  'id',
  'trigger_id',
  'event_id',
  'status',
  'attempts',
  'last_error',
  'last_status_code',
  'next_attempt_at',
  'updated_at',
] as const;

const deliveryView = (
  row: Pick<Selectable<TriggerDeliveryTable>, (typeof DELIVERY_COLUMNS)[number]>,
): DeliveryView => ({
  id: String(row.id),
  eventId: String(row.event_id),
  status: row.status,
  attempts: row.attempts,
  lastError: row.last_error,
  lastStatusCode: row.last_status_code,
  nextAttemptAt: row.status === 'PENDING' ? row.next_attempt_at : null,
  updatedAt: row.updated_at,
});

/** Outbound triggers and their delivery log. The HMAC key is sealed: it is read back only to sign. */
export class TriggerStore {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  async add(trigger: NewTrigger): Promise<TriggerView> {
    const id = newId('trg');
    const row: TriggerTable = {
      id,
      namespace: trigger.namespace,
      url: trigger.url,
      stream: trigger.stream,
      tag: trigger.tag,
      types: trigger.types ? `,${trigger.types.join(',')},` : null,
      sealed_secret: this.box.seal(trigger.secret, id),
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('triggers').values(row).execute();
    return view(row);
  }

  async list(namespace: string): Promise<TriggerView[]> {
    const rows = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('namespace', '=', namespace)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(view);
  }

  async get(id: string): Promise<TriggerView | undefined> {
    const row = await this.db
      .selectFrom('triggers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && view(row);
  }

  /** Removes the trigger and, with it, its queued deliveries. */
  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('triggers').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  openSecret(triggerId: string, sealed: string): string {
    return this.box.open(sealed, triggerId);
  }

  /** The newest `first` deliveries of each trigger, newest first, in one read. */
  async recentDeliveries(
    triggerIds: readonly string[],
    first: number,
  ): Promise<Map<string, DeliveryView[]>> {
    const rows = await this.db
      .selectFrom((db) =>
        db
          .selectFrom('trigger_deliveries')
          .select(DELIVERY_COLUMNS)
          .select((eb) =>
            eb.fn
              .agg<number>('row_number')
              .over((over) => over.partitionBy('trigger_id').orderBy('id', 'desc'))
              .as('position'),
          )
          .where('trigger_id', 'in', [...triggerIds])
          .as('ranked'),
      )
      .selectAll()
      .where('position', '<=', first)
      .orderBy('id', 'desc')
      .execute();
    const byTrigger = new Map<string, DeliveryView[]>(triggerIds.map((id) => [id, []]));
    for (const row of rows) byTrigger.get(row.trigger_id)?.push(deliveryView(row));
    return byTrigger;
  }
}
