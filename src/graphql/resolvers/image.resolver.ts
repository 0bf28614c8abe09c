import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { notImplemented } from '../../domain/errors';
import type { Context } from '../context';
import { requireIdentity } from '../guards';
import { Image } from '../types/image.type';

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => Image, {
    nullable: true,
    description: 'Any pull spec, resolved through its registry',
  })
  image(@Arg('pullSpec') _pullSpec: string, @Ctx() ctx: Context): Image | null {
    requireIdentity(ctx);
    throw notImplemented('image');
  }
}
