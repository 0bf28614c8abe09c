import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { RollbackTagInput, TagImageInput } from '../inputs/tag-image.input';
import { ImageStreamTag } from '../types/image-stream.type';

@Resolver()
export class TagResolver {
  @Mutation(() => ImageStreamTag, {
    nullable: true,
    description: 'Like oc tag: snapshot, alias, digest pin or delete',
  })
  tagImage(@Arg('input') _input: TagImageInput, @Ctx() ctx: Context): ImageStreamTag | null {
    requireIdentity(ctx);
    throw notImplemented('tagImage');
  }

  @Mutation(() => ImageStreamTag)
  rollbackTag(@Arg('input') input: RollbackTagInput, @Ctx() ctx: Context): ImageStreamTag {
    requireRole(ctx, input.namespace, 'EDITOR');
    throw notImplemented('rollbackTag');
  }
}
