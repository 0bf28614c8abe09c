import type { Logger } from 'pino';
import { namespaceOf, type PullAccess } from '../auth/pull-access';
import type { ImageStream } from '../store/image-stream-records';
import type { EventAnnouncer } from '../events/event-feed';
import type { Db } from '../store/database';
import { inTransaction, streamStoresOn } from './stream-stores';
import { recordImage, tagUpdated } from './record-image';
import type { KeyedLock } from '../core/keyed-lock';
import { streamLockKey } from './stream-lock';

const MAX_DEPTH = 10;

/**
 * Tags whose `from` is another stream's tag (`oc tag --alias`) follow it: when the source's image
 * changes, each follower records the same image, in its own stream's lock and transaction.
 */
export class AliasPropagation {
  constructor(
    private readonly db: Db,
    private readonly announcer: EventAnnouncer,
    private readonly lock: KeyedLock,
    private readonly pulls: PullAccess,
    private readonly maxRevisions: number,
    private readonly log: Logger,
  ) {}

  /** A follower whose namespace lost the right to pull the followed one keeps its image and says why. */
  private async refuse(follower: ImageStream, tag: string, followed: string): Promise<void> {
    const message = `follows ${followed}, but namespace "${follower.namespace}" may not pull from namespace "${namespaceOf(followed)}" (grantPull)`;
    await this.lock.run(streamLockKey(follower.namespace, follower.name), () =>
      inTransaction(this.db, async (trx) => {
        const spec = await trx.imageStreams.specTag(follower.id, tag);
        if (!spec) return;
        const now = new Date().toISOString();
        await trx.status.setCondition(
          follower.id,
          tag,
          { status: 'False', reason: 'Forbidden', message, generation: spec.generation },
          now,
        );
        await trx.events.append({
          type: 'IMPORT_FAILED',
          occurredAt: now,
          namespace: follower.namespace,
          stream: follower.name,
          tag,
          registry: null,
          repository: null,
          digest: null,
          previousDigest: null,
          message: `Forbidden: ${message}`,
        });
      }),
    );
    this.announcer.appended();
  }

  async propagate(stream: ImageStream, tags: string[], depth = 0): Promise<void> {
    if (depth >= MAX_DEPTH) {
      this.log.warn(
        { namespace: stream.namespace, stream: stream.name, tags },
        'alias chain too deep: stopped following',
      );
      return;
    }
    const stores = streamStoresOn(this.db);
    for (const tag of tags) {
      const source = await stores.status.latest(stream.id, tag);
      if (!source) continue;
      for (const follower of await stores.imageStreams.followers(
        `${stream.namespace}/${stream.name}:${tag}`,
      )) {
        const followerStream = await stores.imageStreams.getById(follower.streamId);
        if (!followerStream) continue;
        const followed = `${stream.namespace}/${stream.name}:${tag}`;
        if (!(await this.pulls.mayPull(followerStream.namespace, stream.namespace))) {
          await this.refuse(followerStream, follower.tag, followed);
          continue;
        }
        const moved = await this.lock.run(
          streamLockKey(followerStream.namespace, followerStream.name),
          () =>
            inTransaction(this.db, async (trx) => {
              const target = await trx.imageStreams.getById(follower.streamId);
              const spec =
                target && (await trx.imageStreams.specTag(follower.streamId, follower.tag));
              if (!target || !spec) return null;
              const recorded = await recordImage(
                trx,
                {
                  stream: target,
                  tag: follower.tag,
                  image: source.image,
                  dockerImageReference: source.dockerImageReference,
                  generation: spec.generation,
                },
                new Date().toISOString(),
                this.maxRevisions,
              );
              if (!recorded) return null;
              await trx.events.append(
                tagUpdated(
                  target,
                  follower.tag,
                  recorded,
                  recorded.event.created,
                  `follows ${followed}`,
                ),
              );
              return { target, recorded };
            }),
        );
        if (!moved) continue;
        this.announcer.appended();
        await this.propagate(moved.target, [follower.tag], depth + 1);
      }
    }
  }
}
