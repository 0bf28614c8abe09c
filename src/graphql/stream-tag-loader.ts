import { notFound } from '../core/errors';
import { streamStoresOn } from '../streams/stream-stores';
import type { Context } from './context';
import { toImageStreamTag } from './to-stream-tag';
import type { ImageStreamTag } from './types/image-stream.type';

/** A tag as it is now, after a mutation changed it. */
export async function currentStreamTag(
  ctx: Context,
  namespace: string,
  stream: string,
  tag: string,
): Promise<ImageStreamTag> {
  const stores = streamStoresOn(ctx.services.db);
  const found = await stores.imageStreams.get(namespace, stream);
  const spec = found && (await stores.imageStreams.specTag(found.id, tag));
  if (!found || !spec)
    throw notFound(`image stream tag ${namespace}/${stream}:${tag} does not exist`);
  const status = (await stores.status.current([found.id])).get(found.id)?.get(tag);
  return toImageStreamTag(found, spec, status, ctx.services.publicHost);
}
