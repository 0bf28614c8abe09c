import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Db } from '../../store/database';
import { ImageStreamStore } from '../../store/image-stream-store';
import type { ImportStatus } from '../../domain/import-status';
import type { EventAnnouncer } from '../event-feed';
import { EventLog } from '../event-log';
import { builtInPluginRegistry } from '../../../plugins';
import type { ExternalPush } from '../../../plugins/webhook-parsing/external-push';
import { pushMatchesPullSpec } from './match-push';
import { ReceiverStore, type Receiver } from './receiver-store';

export interface Intake {
  accepted: number;
  duplicates: number;
  /** Image-stream tags whose import the pushes started. */
  imports: number;
}

/** Imports of image-stream tags, as the streams layer runs them on schedule. */
export interface TagImports {
  importScheduled(streamId: string, tag: string): Promise<ImportStatus>;
}

/** The shared pace of imports: how long until the next may start, and taking a turn. */
export interface ImportPace {
  waitMs(): number;
  take(): void;
}

const IMPORT_CONCURRENCY = 4;
/** Pauses before looking again for a tag that does not show the pushed digest yet. */
const TAG_LAG_PAUSES_MS = [100, 200, 400, 800, 1600];

interface ImportTarget {
  streamId: string;
  tag: string;
  /** What the push says the tag now points at, when the sender says. */
  digest: string | null;
}

/**
 * Turns the pushes a receiver was told about into EXTERNAL_PUSH events (a redelivery is
 * recognized by its dedupe key and taken once), then imports at once every image-stream tag of
 * the receiver's namespace that tracks a pushed repository and tag.
 */
export class WebhookIntake {
  private readonly running = new Set<string>();
  /** Imports waiting for a slot, oldest first, by stream and tag. */
  private readonly waiting = new Map<string, ImportTarget>();
  private readonly again = new Map<string, ImportTarget>();
  private readonly onIdle: (() => void)[] = [];
  private readonly streams: ImageStreamStore;
  /** Set while waiting imports wait for the import rate. */
  private paced: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly importer: TagImports,
    private readonly rate: ImportPace,
    private readonly announcer: EventAnnouncer,
    private readonly log: Logger,
    private readonly countImport: (status: string) => void,
  ) {
    this.streams = new ImageStreamStore(db);
  }

  async accept(receiver: Receiver, pushes: ExternalPush[]): Promise<Intake> {
    const now = new Date();
    const fresh = await this.db.transaction().execute(async (trx) => {
      const receivers = new ReceiverStore(trx);
      const events = new EventLog(trx);
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
        await events.append({
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
            `${builtInPluginRegistry.webhook(receiver.kind).webhook.senderName} ${receiver.id}`,
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
    for (const target of targets) this.startImport(target);
    return {
      accepted: fresh.length,
      duplicates: pushes.length - fresh.length,
      imports: targets.length,
    };
  }

  /** Resolves once no import is running or waiting. */
  private settled(): Promise<void> {
    if (this.running.size === 0 && this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.onIdle.push(resolve));
  }

  /** Drops the imports still waiting for their turn and resolves once the running ones end. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.paced) clearTimeout(this.paced);
    this.waiting.clear();
    this.again.clear();
    return this.settled();
  }

  private async tracking(namespace: string, pushes: ExternalPush[]): Promise<ImportTarget[]> {
    const tags = await this.streams.importingIn(namespace);
    return tags.flatMap((t) => {
      const push = pushes.findLast((p) => pushMatchesPullSpec(p, t.from));
      return push ? [{ streamId: t.streamId, tag: t.tag, digest: push.digest }] : [];
    });
  }

  /**
   * At most IMPORT_CONCURRENCY imports at once; a push for a tag whose import is waiting or
   * running adds nothing but, if it is running, one more import after it.
   */
  private startImport(target: ImportTarget): void {
    if (this.stopped) return;
    const key = `${target.streamId}\n${target.tag}`;
    if (this.running.has(key)) {
      this.again.set(key, target);
      return;
    }
    this.waiting.set(key, target);
    this.pump();
  }

  /** Starts waiting imports while fewer than IMPORT_CONCURRENCY run and the import rate allows. */
  private pump(): void {
    while (this.running.size < IMPORT_CONCURRENCY && this.waiting.size > 0) {
      const wait = this.rate.waitMs();
      if (wait > 0) {
        this.paced ??= setTimeout(() => {
          this.paced = null;
          this.pump();
        }, wait);
        return;
      }
      this.rate.take();
      const [key, target] = this.waiting.entries().next().value!;
      this.waiting.delete(key);
      const { streamId, tag } = target;
      this.running.add(key);
      void this.importPushed(target)
        .then((status) => {
          this.countImport(status);
          this.log.info({ streamId, tag, status }, 'webhook import');
        })
        .catch((err: unknown) => this.log.error({ err, streamId, tag }, 'webhook import failed'))
        .finally(() => {
          this.running.delete(key);
          const again = this.again.get(key);
          if (again) {
            this.again.delete(key);
            this.startImport(again);
          }
          this.pump();
          if (this.running.size === 0 && this.waiting.size === 0)
            for (const settle of this.onIdle.splice(0)) settle();
        });
    }
  }

  /**
   * A CNCF registry sends its notification before it moves the tag (distribution stores the
   * manifest, notifies, then writes the tag link), so an import at once can still find the old
   * digest. While the tag shows neither the pushed digest nor anything new, look again a few
   * times with growing pauses.
   */
  private async importPushed({ streamId, tag, digest }: ImportTarget): Promise<ImportStatus> {
    for (let attempt = 0; ; attempt++) {
      const status = await this.importer.importScheduled(streamId, tag);
      if (status !== 'UNCHANGED' || !digest || attempt === TAG_LAG_PAUSES_MS.length) return status;
      const spec = await this.streams.specTag(streamId, tag);
      if (!spec?.from || spec.lastImportedDigest === digest) return status;
      await sleep(TAG_LAG_PAUSES_MS[attempt]);
    }
  }
}
