import type { Db, WebhookReceiverTable } from '../../store/database';
import { webhookKinds, type WebhookKind } from '../../../plugins';
import { oneOf } from '../../core/one-of';

export interface Receiver {
  id: string;
  kind: WebhookKind;
  namespace: string;
  createdAt: string;
}

const toReceiver = (row: WebhookReceiverTable): Receiver => ({
  id: row.id,
  kind: oneOf(webhookKinds, row.kind, 'webhook receiver kind'),
  namespace: row.namespace,
  createdAt: row.created_at,
});

/** Webhook receivers (their secrets only as hashes) and the deliveries each has taken. */
export class ReceiverStore {
  constructor(private readonly db: Db) {}

  async insert(receiver: Receiver, secretHash: string): Promise<void> {
    await this.db
      .insertInto('webhook_receivers')
      .values({
        id: receiver.id,
        kind: receiver.kind,
        namespace: receiver.namespace,
        secret_hash: secretHash,
        created_at: receiver.createdAt,
      })
      .execute();
  }

  async withSecretHash(id: string): Promise<(Receiver & { secretHash: string }) | undefined> {
    const row = await this.db
      .selectFrom('webhook_receivers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { ...toReceiver(row), secretHash: row.secret_hash };
  }

  async list(namespace: string): Promise<Receiver[]> {
    const rows = await this.db
      .selectFrom('webhook_receivers')
      .selectAll()
      .where('namespace', '=', namespace)
      .orderBy('created_at')
      .execute();
    return rows.map(toReceiver);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('webhook_receivers')
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Records a delivery; false when the same key was taken and has not expired (a redelivery). */
  async firstSighting(
    receiverId: string,
    key: string,
    now: Date,
    windowSeconds: number,
  ): Promise<boolean> {
    const expiresAt = new Date(now.getTime() + windowSeconds * 1000).toISOString();
    const result = await this.db
      .insertInto('webhook_seen')
      .values({ receiver_id: receiverId, dedupe_key: key, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .columns(['receiver_id', 'dedupe_key'])
          .doUpdateSet({ expires_at: expiresAt })
          .where('webhook_seen.expires_at', '<=', now.toISOString()),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async forgetExpired(now: Date): Promise<void> {
    await this.db.deleteFrom('webhook_seen').where('expires_at', '<=', now.toISOString()).execute();
  }
}
