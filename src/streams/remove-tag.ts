import type { EventDraft } from '../events/registry-event';
import { RegistryContentStore } from '../store/registry-content-store';
import type { StreamStores } from './stream-stores';

export interface TagRemoval {
  namespace: string;
  stream: string;
  tag: string;
  /** Why the tag went, for the event's message. */
  message: string;
}

/**
 * Removes a tag as `oc tag -d` does, from the image stream (spec tag and history) and from the
 * integrated registry's `/v2` tags at once, and appends the TAG_DELETED event that reports it,
 * naming the image the tag had. False when neither had the tag.
 */
export async function removeTag(trx: StreamStores, removal: TagRemoval): Promise<boolean> {
  const { namespace, stream: name, tag } = removal;
  const repository = `${namespace}/${name}`;
  const content = new RegistryContentStore(trx.db);
  const pushed = await content.pushedDigest(repository, tag);
  const untagged = await content.deleteTag(repository, tag);
  const stream = await trx.imageStreams.get(namespace, name);
  const current = stream && (await trx.status.latest(stream.id, tag));
  const removed = stream !== undefined && (await trx.imageStreams.deleteSpecTag(stream.id, tag));
  if (stream && (removed || current)) await trx.status.deleteTag(stream.id, tag);
  if (!untagged && !removed && !current) return false;
  await trx.events.append(tagDeleted(removal, current?.image ?? pushed));
  return true;
}

function tagDeleted(removal: TagRemoval, digest: string | null): EventDraft {
  return {
    type: 'TAG_DELETED',
    occurredAt: new Date().toISOString(),
    namespace: removal.namespace,
    stream: removal.stream,
    tag: removal.tag,
    registry: 'integrated',
    repository: `${removal.namespace}/${removal.stream}`,
    digest,
    previousDigest: null,
    message: removal.message,
  };
}
