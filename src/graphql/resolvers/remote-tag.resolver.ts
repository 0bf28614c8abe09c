import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { forCaller } from '../../federation/browser';
import type { Context } from '../context';
import { locatedIn, toImage } from '../to-image';
import { Image } from '../types/image.type';
import { RemoteTag } from '../types/repository.type';

/** By digest when the listing told it (cached for good), else by tag. */
const imageKey = (tag: RemoteTag, ctx: Context) =>
  locatedIn(tag.repository, tag.knownDigest ?? tag.name, forCaller(ctx.identity));

/** Digest and image come from one manifest read per tag, shared by both fields. */
@Resolver(() => RemoteTag)
export class RemoteTagResolver {
  @FieldResolver(() => String, { nullable: true })
  async digest(@Root() tag: RemoteTag, @Ctx() ctx: Context): Promise<string | null> {
    return tag.knownDigest ?? (await ctx.loaders.images.load(imageKey(tag, ctx))).digest;
  }

  @FieldResolver(() => Image, { nullable: true })
  async image(@Root() tag: RemoteTag, @Ctx() ctx: Context): Promise<Image> {
    const summary = await ctx.loaders.images.load(imageKey(tag, ctx));
    return toImage(summary, {
      registry: tag.repository.registry,
      repository: tag.repository.name,
      namespace: null,
    });
  }
}
