import type { ImageStream } from '../store/image-stream-records';
import { assertTagRoom } from '../domain/tag-limit';
import type { StreamStores } from './stream-stores';

/** Refuses `adding` new tags past the stream's limit; counts the stream's tags only when adding. */
export async function requireTagRoom(
  stores: StreamStores,
  stream: ImageStream,
  adding: number,
  maxTags: number,
): Promise<void> {
  if (adding === 0) return;
  assertTagRoom(
    `${stream.namespace}/${stream.name}`,
    await stores.imageStreams.tagCount(stream.id),
    adding,
    maxTags,
  );
}
