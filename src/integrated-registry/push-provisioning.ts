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
import { removeTag } from '../streams/remove-tag';

export interface TagPush {
  repository: string;
  tag: string;
  digest: string;
}

/**
 * A push by tag moves the registry tag and, in the same transaction, the image stream's tag
 * (created on demand: the pusher holds EDITOR, which may create streams): a new history entry
 * pointing at `<integrated host>/<ns>/<stream>@<digest>`, and the IMAGE_PUSHED and TAG_UPDATED
 * events that report it. Deletes on /v2 leave the stream in step, reported as TAG_DELETED.
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
   * history go with it, in one transaction with its TAG_DELETED event. False when neither had
   * the tag.
   */
  async tagDeleted(repository: string, tag: string): Promise<boolean> {
    const [namespace, stream] = repository.split('/');
    return this.announcing(
      this.lock.run(streamLockKey(namespace, stream), () =>
        inTransaction(this.db, (trx) =>
          removeTag(trx, { namespace, stream, tag, message: 'deleted on /v2' }),
        ),
      ),
    );
  }

  /**
   * A manifest deleted on /v2 by digest takes with it, in one transaction, every tag of the
   * image stream whose current image it is (as `oc tag -d`, one TAG_DELETED each), and the older
   * history entries of other tags that name it, so that no rollback can point at it. False when
   * the repository had no such manifest.
   */
  async manifestDeleted(repository: string, digest: string): Promise<boolean> {
    const [namespace, stream] = repository.split('/');
    return this.announcing(
      this.lock.run(streamLockKey(namespace, stream), () =>
        inTransaction(this.db, async (trx) => {
          if (!(await new RegistryContentStore(trx.db).deleteManifest(repository, digest)))
            return false;
          const found = await trx.imageStreams.get(namespace, stream);
          if (!found) return true;
          const message = `manifest ${digest} deleted on /v2; older history entries naming it were dropped`;
          for (const tag of await trx.status.tagsCurrentlyAt(found.id, digest))
            await removeTag(trx, { namespace, stream, tag, message });
          await trx.status.dropImage(found.id, digest);
          return true;
        }),
      ),
    );
  }

  /** Signals the feed once `change` has committed, when it changed anything. */
  private async announcing(change: Promise<boolean>): Promise<boolean> {
    const changed = await change;
    if (changed) this.announcer.appended();
    return changed;
  }
}
