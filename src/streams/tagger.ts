import { invalidInput, notFound } from '../core/errors';
import type { ImageStream, TagEvent } from '../store/image-stream-records';
import { assertDnsLabel, assertTag } from '../domain/names';
import { plainSpecTag } from '../domain/spec-tag';
import type { StreamLimits } from '../domain/tag-limit';
import { parseTagSource } from '../domain/tag-source';
import type { EventAnnouncer } from '../events/event-feed';
import type { Db } from '../store/database';
import { inTransaction, streamStoresOn, type StreamStores } from './stream-stores';
import type { AliasPropagation } from './alias-propagation';
import type { Importer } from './importer';
import { recordImage, tagUpdated, type Recorded } from './record-image';
import { removeTag } from './remove-tag';
import { requireTagRoom } from './tag-room';
import type { SourceAccess } from './source-access';
import type { KeyedLock } from '../core/keyed-lock';
import { streamLockKey } from './stream-lock';

export interface StreamTagRef {
  namespace: string;
  stream: string;
  tag: string;
}

export function parseStreamTag(value: string, what: string): StreamTagRef {
  const match = /^([^/:@]+)\/([^/:@]+):([^/:@]+)$/.exec(value);
  if (!match) throw invalidInput(`${what} "${value}" is not namespace/stream:tag`);
  const [, namespace, stream, tag] = match;
  assertDnsLabel(`${what} namespace`, namespace);
  assertDnsLabel(`${what} stream`, stream);
  assertTag(tag);
  return { namespace, stream, tag };
}

/** `oc tag` and rollback: status changes made under the stream's lock, in one transaction. */
export class Tagger {
  constructor(
    private readonly db: Db,
    private readonly announcer: EventAnnouncer,
    private readonly lock: KeyedLock,
    private readonly importer: Importer,
    private readonly aliases: AliasPropagation,
    private readonly sources: SourceAccess,
    private readonly limits: StreamLimits,
  ) {}

  /**
   * Points `destination` at `source`: a snapshot of a stream tag's current image, an alias that
   * follows it, a fixed `stream@digest`, or an external image (imported). Creates the stream.
   */
  async tag(source: string, destination: StreamTagRef, alias: boolean): Promise<void> {
    const from = parseTagSource(source, destination.namespace);
    if (from.kind === 'DOCKER_IMAGE') {
      if (alias)
        throw invalidInput(
          'alias follows another image stream tag; track an external image with scheduled import',
        );
      await this.importer.importImage({
        namespace: destination.namespace,
        stream: destination.stream,
        tag: destination.tag,
        from: from.name,
        all: false,
        confirm: true,
        dryRun: false,
      });
      return;
    }
    await this.sources.require(destination.namespace, from);
    if (alias && from.kind !== 'IMAGE_STREAM_TAG')
      throw invalidInput('alias needs a stream tag (namespace/stream:tag) as its source');
    if (from.name === `${destination.namespace}/${destination.stream}:${destination.tag}`)
      throw invalidInput('a tag cannot follow itself');
    const image = await this.sourceImage(from.kind, from.name);
    const spec = alias
      ? from
      : {
          kind: 'IMAGE_STREAM_IMAGE' as const,
          name: `${from.name.replace(/:[^:]+$/, '').replace(/@.*$/, '')}@${image.image}`,
        };
    await this.change(
      destination,
      true,
      async (trx, stream) => {
        const previous = await trx.imageStreams.specTag(stream.id, destination.tag);
        await requireTagRoom(trx, stream, previous ? 0 : 1, this.limits.maxTags);
        const generation = await trx.imageStreams.putSpecTag(
          stream.id,
          plainSpecTag(destination.tag, spec, previous),
          null,
        );
        return recordImage(
          trx,
          {
            stream,
            tag: destination.tag,
            image: image.image,
            dockerImageReference: image.dockerImageReference,
            generation,
          },
          new Date().toISOString(),
          this.limits.maxRevisions,
        );
      },
      `tagged from ${from.name}`,
    );
  }

  /** `oc tag -d`: the tag leaves the stream, its history and /v2 at once, reported as TAG_DELETED. */
  async remove(destination: StreamTagRef): Promise<void> {
    const { namespace, stream, tag } = destination;
    const removed = await this.lock.run(streamLockKey(namespace, stream), () =>
      inTransaction(this.db, (trx) =>
        removeTag(trx, { namespace, stream, tag, message: 'deleted by tagImage' }),
      ),
    );
    if (!removed) throw notFound(`image stream tag ${namespace}/${stream}:${tag} does not exist`);
    this.announcer.appended();
  }

  /** Makes an earlier history entry current again, as a new entry, so the rollback can be undone. */
  async rollback(
    target: StreamTagRef,
    choice: { digest?: string | null; position?: number | null },
  ): Promise<void> {
    if ((choice.digest == null) === (choice.position == null))
      throw invalidInput('give exactly one of digest and position');
    if (choice.position != null && (!Number.isInteger(choice.position) || choice.position < 1)) {
      throw invalidInput('position counts back from the current entry (0): it must be 1 or more');
    }
    await this.change(
      target,
      false,
      async (trx, stream) => {
        const entry: TagEvent | undefined =
          choice.position != null
            ? await trx.status.at(stream.id, target.tag, choice.position)
            : await trx.status.withImage(stream.id, choice.digest!, target.tag);
        if (!entry)
          throw notFound(
            `the history of ${target.stream}:${target.tag} has no ${choice.position != null ? `entry at position ${choice.position}` : `image ${choice.digest}`}`,
          );
        const spec = await trx.imageStreams.specTag(stream.id, target.tag);
        const recorded = await recordImage(
          trx,
          {
            stream,
            tag: target.tag,
            image: entry.image,
            dockerImageReference: entry.dockerImageReference,
            generation: spec?.generation ?? entry.generation,
          },
          new Date().toISOString(),
          this.limits.maxRevisions,
        );
        if (!recorded)
          throw invalidInput(
            `${entry.image} is already the current image of ${target.stream}:${target.tag}`,
          );
        return recorded;
      },
      'rolled back',
    );
  }

  private async sourceImage(
    kind: 'IMAGE_STREAM_TAG' | 'IMAGE_STREAM_IMAGE',
    name: string,
  ): Promise<TagEvent> {
    const stores = streamStoresOn(this.db);
    const [, namespace, streamName, separator, rest] = /^([^/]+)\/([^:@]+)([:@])(.+)$/.exec(name)!;
    const stream = await stores.imageStreams.get(namespace, streamName);
    const image =
      stream &&
      (kind === 'IMAGE_STREAM_TAG' && separator === ':'
        ? await stores.status.latest(stream.id, rest)
        : await stores.status.withImage(stream.id, rest));
    if (!image) throw notFound(`${name} has no image to tag`);
    return image;
  }

  private async change(
    target: StreamTagRef,
    create: boolean,
    work: (trx: StreamStores, stream: ImageStream) => Promise<Recorded | null>,
    message: string,
  ): Promise<void> {
    const done = await this.lock.run(streamLockKey(target.namespace, target.stream), () =>
      inTransaction(this.db, async (trx) => {
        const stream =
          (await trx.imageStreams.get(target.namespace, target.stream)) ??
          (create ? await trx.imageStreams.create(target.namespace, target.stream, []) : null);
        if (!stream)
          throw notFound(`image stream ${target.namespace}/${target.stream} does not exist`);
        const recorded = await work(trx, stream);
        if (!recorded) return null;
        await trx.events.append(
          tagUpdated(stream, target.tag, recorded, recorded.event.created, message),
        );
        return { stream, recorded };
      }),
    );
    if (!done) return;
    this.announcer.appended();
    await this.aliases.propagate(done.stream, [target.tag]);
  }
}
