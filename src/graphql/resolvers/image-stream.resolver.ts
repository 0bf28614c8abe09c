import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionComplexity, decodeCursor, pageSize, toConnection } from '../connection';
import type { Context } from '../context';
import { requireRole } from '../guards';
import { CreateImageStreamInput } from '../inputs/create-image-stream.input';
import { toImageStream, toImageStreamTag } from '../to-stream-tag';
import { ImageStream, ImageStreamConnection, ImageStreamTag } from '../types/image-stream.type';

/** A stream's tags (or only the one named), spec and status each batched across the page. */
async function loadTags(
  stream: ImageStream,
  ctx: Context,
  only?: string,
): Promise<ImageStreamTag[]> {
  const [specs, statuses] = await Promise.all([
    ctx.loaders.specTags.load(stream.id),
    ctx.loaders.statuses.load(stream.id),
  ]);
  const tags = specs.filter((tag) => only === undefined || tag.name === only);
  ctx.items.spend(tags.length);
  return tags.map((tag) =>
    toImageStreamTag(stream, tag, statuses.get(tag.name), ctx.services.publicHost),
  );
}

@Resolver(() => ImageStream)
export class ImageStreamResolver {
  @Query(() => ImageStreamConnection, { complexity: connectionComplexity })
  async imageStreams(
    @Arg('namespace') namespace: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ImageStreamConnection> {
    requireRole(ctx, namespace, 'VIEWER');
    const limit = pageSize(first);
    const { items, more } = await ctx.services.imageStreams.page(
      namespace,
      limit,
      decodeCursor(after),
    );
    return toConnection(items.map(toImageStream), more, (s) => s.name);
  }

  @Query(() => ImageStream, { nullable: true })
  async imageStream(
    @Arg('namespace') namespace: string,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<ImageStream | null> {
    requireRole(ctx, namespace, 'VIEWER');
    const stream = await ctx.services.imageStreams.get(namespace, name);
    return stream ? toImageStream(stream) : null;
  }

  @Mutation(() => ImageStream)
  async createImageStream(
    @Arg('input') input: CreateImageStreamInput,
    @Ctx() ctx: Context,
  ): Promise<ImageStream> {
    requireRole(ctx, input.namespace, 'EDITOR');
    const created = await ctx.services.streams.create(input);
    return toImageStream(created);
  }

  @Mutation(() => Boolean)
  async deleteImageStream(
    @Arg('namespace') namespace: string,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    requireRole(ctx, namespace, 'EDITOR');
    await ctx.services.streams.delete(namespace, name);
    return true;
  }

  @FieldResolver(() => String, { description: 'Where to pull it from the integrated registry' })
  dockerImageRepository(@Root() stream: ImageStream, @Ctx() ctx: Context): string {
    return `${ctx.services.publicHost}/${stream.namespace}/${stream.name}`;
  }

  @FieldResolver(() => [ImageStreamTag])
  tags(@Root() stream: ImageStream, @Ctx() ctx: Context): Promise<ImageStreamTag[]> {
    return loadTags(stream, ctx);
  }

  @FieldResolver(() => ImageStreamTag, { nullable: true })
  async tag(
    @Root() stream: ImageStream,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<ImageStreamTag | null> {
    return (await loadTags(stream, ctx, name))[0] ?? null;
  }
}
