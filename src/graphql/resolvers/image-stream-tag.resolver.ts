import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { RegqlError } from '../../core/errors';
import { connectionComplexity, decodeCursor, encodeCursor, pageSize } from '../connection';
import { forNamespace } from '../../federation/browser';
import type { Context } from '../context';
import { toImage } from '../to-image';
import { toTagEvent } from '../to-stream-tag';
import { Image } from '../types/image.type';
import { ImageStreamTag } from '../types/image-stream.type';
import { TagEventConnection } from '../types/tag-event.type';

/** History cursors are the entry's sequence number. */
function beforeSeq(after: string | null): number | null {
  const key = decodeCursor(after);
  if (key === undefined) return null;
  if (!/^\d+$/.test(key))
    throw new RegqlError('BAD_USER_INPUT', 'after is not a cursor of this history');
  return Number(key);
}

@Resolver(() => ImageStreamTag)
export class ImageStreamTagResolver {
  @FieldResolver(() => TagEventConnection, {
    complexity: connectionComplexity,
    description: 'History, newest first',
  })
  items(
    @Root() tag: ImageStreamTag,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): TagEventConnection | Promise<TagEventConnection> {
    const size = pageSize(first);
    const before = beforeSeq(after);
    // A tag that was never imported has no history: answer without a promise or a store read.
    if (!tag.currentReference)
      return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    return ctx.loaders.history
      .load({ streamId: tag.streamId, tag: tag.name, first: size, beforeSeq: before })
      .then((events) => {
        const edges = events
          .slice(0, size)
          .map((event) => ({ cursor: encodeCursor(String(event.seq)), node: toTagEvent(event) }));
        ctx.items.spend(edges.length);
        return {
          edges,
          pageInfo: { hasNextPage: events.length > size, endCursor: edges.at(-1)?.cursor ?? null },
        };
      });
  }

  @FieldResolver(() => Image, {
    nullable: true,
    description: 'The current image, read through its registry with the namespace credentials',
  })
  async image(@Root() tag: ImageStreamTag, @Ctx() ctx: Context): Promise<Image | null> {
    if (!tag.currentReference) return null;
    const located = await ctx.services.browser.locate(tag.currentReference);
    const summary = await ctx.loaders.images.load({
      ...located,
      reader: forNamespace(tag.namespace),
    });
    return toImage(summary, {
      registry: located.registry.name,
      repository: located.repository,
      namespace: tag.namespace,
    });
  }
}
