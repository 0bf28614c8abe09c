import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { invalidInput } from '../../core/errors';
import { parseStreamTag } from '../../streams/tagger';
import type { Context } from '../context';
import { requireRole } from '../guards';
import { RollbackTagInput, TagImageInput } from '../inputs/tag-image.input';
import { currentStreamTag } from '../stream-tag-loader';
import { ImageStreamTag } from '../types/image-stream.type';

@Resolver()
export class TagResolver {
  @Mutation(() => ImageStreamTag, {
    nullable: true,
    description:
      'Like oc tag: a snapshot of a stream tag, an alias that follows it, a digest pin, an external image, or delete (answers null)',
  })
  async tagImage(
    @Arg('input') input: TagImageInput,
    @Ctx() ctx: Context,
  ): Promise<ImageStreamTag | null> {
    const destination = parseStreamTag(input.destination, 'destination');
    requireRole(ctx, destination.namespace, 'EDITOR');
    if (input.delete) {
      if (input.source) throw invalidInput('delete takes no source');
      await ctx.services.tagger.remove(destination);
      return null;
    }
    if (!input.source) throw invalidInput('source is required unless delete is set');
    await ctx.services.tagger.tag(input.source, destination, input.alias);
    return currentStreamTag(ctx, destination.namespace, destination.stream, destination.tag);
  }

  @Mutation(() => ImageStreamTag, {
    description:
      'Makes an earlier history entry current again (by digest or position), as a new entry that can itself be rolled back',
  })
  async rollbackTag(
    @Arg('input') input: RollbackTagInput,
    @Ctx() ctx: Context,
  ): Promise<ImageStreamTag> {
    requireRole(ctx, input.namespace, 'EDITOR');
    const target = parseStreamTag(`${input.namespace}/${input.stream}:${input.tag}`, 'tag');
    await ctx.services.tagger.rollback(target, { digest: input.digest, position: input.position });
    return currentStreamTag(ctx, target.namespace, target.stream, target.tag);
  }
}
