import type { Logger } from 'pino';
import type { Db } from '../../store/database';
import { ImageStreamStore } from '../../store/image-stream-store';
import { inTransaction } from '../../store/stores';
import type { Importer } from '../../streams/importer';
import type { EventAnnouncer } from '../event-feed';
import type { ExternalPush } from './external-push';
import { pushMatchesPullSpec } from './match-push';
import { ReceiverStore, type Receiver } from './receiver-store';

export interface Intake {
  accepted: number;
  duplicates: number;
  /** Image-stream tags whose import the pushes started. */
  imports: number;
}

const senderNames: Record<Receiver['kind'], string> = {
  DISTRIBUTION: 'registry notification',
  QUAY: 'Quay webhook',
  DOCKER_HUB: 'Docker Hub webhook',
  HARBOR: 'Harbor webhook',
};

/**
 * Turns the pushes a receiver was told about into EXTERNAL_PUSH events (a redelivery is
 * recognized by its dedupe key and taken once), then imports at once every image-stream tag of
 * the receiver's namespace that tracks a pushed repository and tag.
 */
export class WebhookIntake {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly importer: Importer,
    private readonly announcer: EventAnnouncer,
    private readonly log: Logger,
  ) {}

  async accept(receiver: Receiver, pushes: ExternalPush[]): Promise<Intake> {
    const now = new Date();
    const fresh = await inTransaction(this.db, async (trx) => {
      const receivers = new ReceiverStore(trx.db);
      const taken: ExternalPush[] = [];
      for (const push of pushes) {
        if (
          !(await receivers.firstSighting(
            receiver.id,
            push.dedupeKey,
            now,
            push.dedupeWindowSeconds,
          ))
        )
          continue;
        taken.push(push);
        await trx.events.append({
          type: 'EXTERNAL_PUSH',
          occurredAt: now.toISOString(),
          namespace: receiver.namespace,
          stream: null,
          tag: push.tag,
          registry: push.registryHost,
          repository: push.repository,
          digest: push.digest,
          previousDigest: null,
          message: [
            `${senderNames[receiver.kind]} ${receiver.id}`,
            push.occurredAt && `pushed at ${push.occurredAt}`,
          ]
            .filter(Boolean)
            .join('; '),
        });
      }
      await receivers.forgetExpired(now);
      return taken;
    });
    if (fresh.length > 0) this.announcer.appended();
    const targets = fresh.length > 0 ? await this.tracking(receiver.namespace, fresh) : [];
    for (const target of targets) this.startImport(target.streamId, target.tag);
    return {
      accepted: fresh.length,
      duplicates: pushes.length - fresh.length,
      imports: targets.length,
    };
  }

  /** Resolves once every import started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }

  private async tracking(namespace: string, pushes: ExternalPush[]) {
    const tags = await new ImageStreamStore(this.db).importingIn(namespace);
    return tags.filter((t) => pushes.some((push) => pushMatchesPullSpec(push, t.from)));
  }

  private startImport(streamId: string, tag: string): void {
    const run = this.importer
      .importScheduled(streamId, tag)
      .then((status) => this.log.info({ streamId, tag, status }, 'webhook import'))
      .catch((err: unknown) => this.log.error({ err, streamId, tag }, 'webhook import failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
