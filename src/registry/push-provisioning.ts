import type { EventBus } from '../events/event-bus';
import type { RegistryEvent } from '../events/registry-event';
import type { Db } from '../store/database';
import { RegistryContentStore } from '../store/registry-content-store';
import { inTransaction } from '../store/stores';
import type { AliasPropagation } from '../streams/alias-propagation';
import { nextEventId, recordImage, tagUpdated } from '../streams/record-image';
import { streamLockKey, type KeyedLock } from '../streams/stream-lock';

export interface TagPush {
  repository: string;
  tag: string;
  digest: string;
}

/**
 * A push by tag moves the registry tag and, in the same transaction, the image stream's tag
 * (created on demand: the pusher holds EDITOR, which may create streams): a new history entry
 * pointing at `<integrated host>/<ns>/<stream>@<digest>`. IMAGE_PUSHED and TAG_UPDATED follow.
 */
export class PushProvisioning {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly lock: KeyedLock,
    private readonly aliases: AliasPropagation,
    private readonly publicHost: string,
    private readonly maxRevisions: number,
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
        const generation =
          spec?.generation ??
          (await trx.imageStreams.putSpecTag(
            stream.id,
            {
              name: push.tag,
              from: null,
              reference: false,
              scheduled: false,
              insecure: false,
              importMode: 'LEGACY',
              referencePolicy: 'SOURCE',
              generation: 0,
              lastImportedDigest: null,
            },
            null,
          ));
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
          this.maxRevisions,
        );
        return { stream, recorded };
      }),
    );
    const pushed: RegistryEvent = {
      id: nextEventId(),
      type: 'IMAGE_PUSHED',
      occurredAt: now,
      namespace,
      stream: name,
      tag: push.tag,
      registry: 'integrated',
      repository: push.repository,
      digest: push.digest,
      previousDigest: done.recorded?.previous?.image ?? null,
      message: null,
    };
    this.bus.publish(pushed);
    if (done.recorded) {
      this.bus.publish(tagUpdated(done.stream, push.tag, done.recorded, now, 'pushed'));
      await this.aliases.propagate(done.stream, [push.tag]);
    }
  }
}
