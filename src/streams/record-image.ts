import type { ImageStream, TagEvent } from '../store/image-stream-records';
import type { EventDraft } from '../events/registry-event';
import type { StreamStores } from './stream-stores';

export interface ImageChange {
  stream: ImageStream;
  tag: string;
  image: string;
  dockerImageReference: string;
  generation: number;
}

export interface Recorded {
  event: TagEvent;
  previous: TagEvent | null;
  pruned: number;
}

/**
 * Makes `image` the tag's current image: a new history entry only when the digest changes, the
 * history cut to `maxRevisions`. Null when the tag already points there.
 */
export async function recordImage(
  stores: StreamStores,
  change: ImageChange,
  now: string,
  maxRevisions: number,
): Promise<Recorded | null> {
  const previous = (await stores.status.latest(change.stream.id, change.tag)) ?? null;
  if (previous?.image === change.image) return null;
  const event = await stores.status.append(change.stream.id, change.tag, {
    created: now,
    dockerImageReference: change.dockerImageReference,
    image: change.image,
    generation: change.generation,
  });
  const pruned = await stores.status.prune(change.stream.id, change.tag, maxRevisions);
  return { event, previous, pruned };
}

export function tagUpdated(
  stream: ImageStream,
  tag: string,
  recorded: Recorded,
  occurredAt: string,
  message: string | null,
): EventDraft {
  return {
    type: 'TAG_UPDATED',
    occurredAt,
    namespace: stream.namespace,
    stream: stream.name,
    tag,
    registry: null,
    repository: null,
    digest: recorded.event.image,
    previousDigest: recorded.previous?.image ?? null,
    message:
      [message, recorded.pruned > 0 ? `pruned ${recorded.pruned} old revision(s)` : null]
        .filter(Boolean)
        .join('; ') || null,
  };
}
