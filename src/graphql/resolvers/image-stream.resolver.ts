import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { invalidInput, notFound } from '../../domain/errors';
import type { ImageStream as StoredStream, SpecTag } from '../../domain/image-stream';
import { assertDnsLabel } from '../../domain/names';
import { buildSpecTags } from '../../domain/spec-tag';
import { connectionComplexity, decodeCursor, pageSize, toConnection } from '../connection';
import type { Context } from '../context';
import { ImportMode, ReferencePolicyType, TagSourceKind } from '../enums';
import { requireRole } from '../guards';
import { CreateImageStreamInput } from '../inputs/create-image-stream.input';
import { ImageStream, ImageStreamConnection, ImageStreamTag } from '../types/image-stream.type';

const toImageStream = (stream: StoredStream): ImageStream => ({
  ...stream,
  createdAt: new Date(stream.createdAt),
});

export function toImageStreamTag(stream: ImageStream, tag: SpecTag): ImageStreamTag {
  return {
    streamId: stream.id,
    namespace: stream.namespace,
    stream: stream.name,
    name: tag.name,
    from: tag.from && { kind: tag.from.kind as TagSourceKind, name: tag.from.name },
    reference: tag.reference,
    importPolicy: {
      scheduled: tag.scheduled,
      insecure: tag.insecure,
      importMode: tag.importMode as ImportMode,
    },
    referencePolicy: tag.referencePolicy as ReferencePolicyType,
    generation: tag.generation,
    current: null,
    conditions: [],
    pullSpec: tag.reference && tag.from?.kind === 'DOCKER_IMAGE' ? tag.from.name : null,
  };
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
    assertDnsLabel('name', input.name);
    const tags = buildSpecTags(input.tags, input.namespace);
    const created = await ctx.services.imageStreams.create(input.namespace, input.name, tags);
    if (!created)
      throw invalidInput(`image stream ${input.namespace}/${input.name} exists already`);
    return toImageStream(created);
  }

  @Mutation(() => Boolean)
  async deleteImageStream(
    @Arg('namespace') namespace: string,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    requireRole(ctx, namespace, 'EDITOR');
    if (!(await ctx.services.imageStreams.delete(namespace, name))) {
      throw notFound(`image stream ${namespace}/${name} does not exist`);
    }
    return true;
  }

  @FieldResolver(() => String, { description: 'Where to pull it from the integrated registry' })
  dockerImageRepository(@Root() stream: ImageStream, @Ctx() ctx: Context): string {
    return `${ctx.services.publicHost}/${stream.namespace}/${stream.name}`;
  }

  @FieldResolver(() => [ImageStreamTag])
  async tags(@Root() stream: ImageStream, @Ctx() ctx: Context): Promise<ImageStreamTag[]> {
    const tags = await ctx.loaders.specTags.load(stream.id);
    return tags.map((tag) => toImageStreamTag(stream, tag));
  }

  @FieldResolver(() => ImageStreamTag, { nullable: true })
  async tag(
    @Root() stream: ImageStream,
    @Arg('name') name: string,
    @Ctx() ctx: Context,
  ): Promise<ImageStreamTag | null> {
    const tags = await ctx.loaders.specTags.load(stream.id);
    const tag = tags.find((t) => t.name === name);
    return tag ? toImageStreamTag(stream, tag) : null;
  }
}
