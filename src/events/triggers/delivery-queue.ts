import type { ExpressionBuilder } from 'kysely';
import type { Database, Db } from '../../store/database';
import type { RegistryEvent } from '../registry-event';

export interface ClaimedDelivery {
  id: number;
  triggerId: string;
  url: string;
  sealedSecret: string;
  attempts: number;
  firstAttemptAt: string | null;
  /** Also the claim's token: an outcome is recorded only while the lease is still this one. */
  leaseUntil: string;
  /** The event as JSON, exactly as it is sent and signed. */
  body: string;
  eventType: RegistryEvent['type'];
}

export interface DeliveryOutcome {
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  firstAttemptAt: string;
  nextAttemptAt: string;
  lastStatusCode: number | null;
  /** undefined keeps the error recorded before, so a delivered retry still shows why it was one. */
  lastError?: string;
}

type Deliveries = ExpressionBuilder<Database & { d: Database['trigger_deliveries'] }, 'd'>;

/** A PENDING delivery with no older PENDING one of its trigger and subject: only these may go. */
const isHead = (eb: Deliveries) =>
  eb.not(
    eb.exists(
      eb
        .selectFrom('trigger_deliveries as o')
        .select('o.id')
        .whereRef('o.trigger_id', '=', 'd.trigger_id')
        .whereRef('o.subject', '=', 'd.subject')
        .where('o.status', '=', 'PENDING')
        .whereRef('o.id', '<', 'd.id'),
    ),
  );

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The trigger deliveries as a work queue shared by every regql process on the store. A claim is a
 * lease set in one UPDATE, so two processes never send the same delivery at once, and only the
 * oldest PENDING delivery of a (trigger, subject) is ever claimable, so each stream's events
 * arrive in log order.
 */
export class DeliveryQueue {
  constructor(private readonly db: Db) {}

  async claim(limit: number, now: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const at = iso(now);
    const leaseUntil = iso(now + leaseMs);
    const claimed = await this.db
      .updateTable('trigger_deliveries')
      .set({ lease_until: leaseUntil })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('trigger_deliveries as d')
          .select('d.id')
          .where('d.status', '=', 'PENDING')
          .where('d.next_attempt_at', '<=', at)
          .where((w) => w.or([w('d.lease_until', 'is', null), w('d.lease_until', '<=', at)]))
          .where(isHead)
          .orderBy('d.id')
          .limit(limit),
      )
      // Checked again on the row itself: another process may have claimed it since the subquery read.
      .where('status', '=', 'PENDING')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .returning('id')
      .execute();
    if (claimed.length === 0) return [];
    const rows = await this.db
      .selectFrom('trigger_deliveries as d')
      .innerJoin('triggers as t', 't.id', 'd.trigger_id')
      .select([
        'd.id',
        'd.trigger_id',
        'd.attempts',
        'd.first_attempt_at',
        'd.payload',
        't.url',
        't.sealed_secret',
      ])
      .where(
        'd.id',
        'in',
        claimed.map((c) => c.id),
      )
      .orderBy('d.id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      triggerId: row.trigger_id,
      url: row.url,
      sealedSecret: row.sealed_secret,
      attempts: row.attempts,
      firstAttemptAt: row.first_attempt_at,
      leaseUntil,
      body: row.payload,
      eventType: (JSON.parse(row.payload) as RegistryEvent).type,
    }));
  }

  /** Records an attempt and releases the lease; false when the lease was lost (or the trigger removed). */
  async record(claim: ClaimedDelivery, outcome: DeliveryOutcome, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('trigger_deliveries')
      .set({
        status: outcome.status,
        attempts: outcome.attempts,
        first_attempt_at: outcome.firstAttemptAt,
        next_attempt_at: outcome.nextAttemptAt,
        last_status_code: outcome.lastStatusCode,
        ...(outcome.lastError !== undefined && { last_error: outcome.lastError }),
        lease_until: null,
        updated_at: iso(now),
      })
      .where('id', '=', claim.id)
      .where('lease_until', '=', claim.leaseUntil)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Gives up deliveries queued before `cutoff` and not being attempted: behind a receiver that keeps
   * failing, later events would otherwise each wait out the whole retry time in turn.
   */
  async giveUpQueuedBefore(cutoff: number, now: number): Promise<void> {
    const at = iso(now);
    await this.db
      .updateTable('trigger_deliveries')
      .set({
        status: 'FAILED',
        last_error: 'not delivered within the retry time of the event',
        next_attempt_at: at,
        updated_at: at,
      })
      .where('status', '=', 'PENDING')
      .where('created_at', '<', iso(cutoff))
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .execute();
  }

  /** When a delivery next becomes claimable (due and its lease, if any, expired); null: none. */
  async nextDue(): Promise<number | null> {
    const row = await this.db
      .selectFrom('trigger_deliveries as d')
      .select((eb) =>
        eb.fn
          .min(
            eb
              .case()
              .when('d.lease_until', '>', eb.ref('d.next_attempt_at'))
              .then(eb.ref('d.lease_until'))
              .else(eb.ref('d.next_attempt_at'))
              .end(),
          )
          .as('at'),
      )
      .where('d.status', '=', 'PENDING')
      .where(isHead)
      .executeTakeFirst();
    return row?.at ? Date.parse(row.at) : null;
  }
}
