import type { Kysely } from 'kysely';

/** Retries are bounded from the first attempt, which may come long after the delivery was queued. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('trigger_deliveries').addColumn('first_attempt_at', 'text').execute();
}
