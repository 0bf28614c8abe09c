import { plainSpecTag } from '../domain/spec-tag';
import type { StreamLimits } from '../domain/tag-limit';
import type { EventAnnouncer } from '../events/event-feed';
import type { Db } from '../store/database';
import { RegistryContentStore } from '../store/registry-content-store';
import { inTransaction } from '../streams/stream-stores';
import type { AliasPropagation } from '../streams/alias-propagation';
import { recordImage, tagUpdated } from '../streams/record-image';
import type { KeyedLock } from '../core/keyed-lock';
import { streamLockKey } from '../streams/stream-lock';
import { requireTagRoom } from '../streams/tag-room';

export interface TagPush {
  repository: string;
  tag: string;
  digest: string;
}

/**
 * A push by tag moves the registry tag and, in the same transaction, the image stream's tag
 * (created on demand: the pusher holds EDITOR, which may create streams): a new history entry
 * pointing at `<integrated host>/<ns>/<stream>@<digest>`, and the IMAGE_PUSHED and TAG_UPDATED
 * events that report it.
 */
export class PushProvisioning {
  constructor(
    private readonly db: Db,
    private readonly announcer: EventAnnouncer,
    private readonly lock: KeyedLock,
    private readonly aliases: AliasPropagation,
    private readonly publicHost: string,
    private readonly limits: StreamLimits,
  ) {}

  async tagPushed(push: TagPush): Promise<void> {
    const [namespace, name] = push.repository.split('/');
    const now = new Date().toISOString();
    const done = await this.lock.run(streamLockKey(namespace, name), () =>
      inTransaction(this.db, async (trx) => {
        await new RegistryContentStore(trx.db).setTag(push.repository, push.tag, push.digest);
        const stream =
          (await trx.imageStreams.get(namespace, name)) ??
          (await trx.imageStreams.create(namespace, name, []));
        if (!stream) throw new Error(`image stream ${namespace}/${name} could not be created`);
        const spec = await trx.imageStreams.specTag(stream.id, push.tag);
        await requireTagRoom(trx, stream, spec ? 0 : 1, this.limits.maxTags);
        const generation =
          spec?.generation ??
          (await trx.imageStreams.putSpecTag(stream.id, plainSpecTag(push.tag, null), null));
        const recorded = await recordImage(
          trx,
          {
            stream,
            tag: push.tag,
            image: push.digest,
            dockerImageReference: `${this.publicHost}/${push.repository}@${push.digest}`,
            generation,
          },
          now,
          this.limits.maxRevisions,
        );
        await trx.events.append({
          type: 'IMAGE_PUSHED',
          occurredAt: now,
          namespace,
          stream: name,
          tag: push.tag,
          registry: 'integrated',
          repository: push.repository,
          digest: push.digest,
          previousDigest: recorded?.previous?.image ?? null,
          message: null,
        });
        if (recorded)
          await trx.events.append(tagUpdated(stream, push.tag, recorded, now, 'pushed'));
        return { stream, recorded };
      }),
    );
    // Signalled after the followers are moved: the feed's fan-out then starts after the push's
    // 201 has gone out, even where the followers' queries yield to the event loop (PostgreSQL).
    try {
      if (done.recorded) await this.aliases.propagate(done.stream, [push.tag]);
    } finally {
      this.announcer.appended();
    }
  }

  /**
   * A tag deleted on /v2 leaves its image stream as `oc tag -d` does: the spec tag and its
   * history go with it, in one transaction. False when neither had the tag.
   */
  async tagDeleted(repository: string, tag: string): Promise<boolean> {
    const [namespace, name] = repository.split('/');
    return this.lock.run(streamLockKey(namespace, name), () =>
      inTransaction(this.db, async (trx) => {
        const untagged = await new RegistryContentStore(trx.db).deleteTag(repository, tag);
        const stream = await trx.imageStreams.get(namespace, name);
        const removed =
          stream !== undefined && (await trx.imageStreams.deleteSpecTag(stream.id, tag));
        if (stream && removed) await trx.status.deleteTag(stream.id, tag);
        return untagged || removed;
      }),
    );
  }
}
