import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { requireRole } from '../guards';
import { ImportImageInput } from '../inputs/import-image.input';
import { toImage } from '../to-image';
import { toImageStream } from '../to-stream-tag';
import { ImportResult } from '../types/import-result.type';

@Resolver()
export class ImportResolver {
  @Mutation(() => ImportResult, {
    description: 'Like oc import-image: one tag, or a whole repository with all; results per tag',
  })
  async importImage(
    @Arg('input') input: ImportImageInput,
    @Ctx() ctx: Context,
  ): Promise<ImportResult> {
    requireRole(ctx, input.namespace, 'EDITOR');
    const outcome = await ctx.services.importer.importImage(input);
    if (!outcome.dryRun)
      for (const image of outcome.images) ctx.services.countImport(image.status, 'api');
    return {
      stream: outcome.stream && toImageStream(outcome.stream),
      additionalTags: outcome.additionalTags,
      dryRun: outcome.dryRun,
      images: outcome.images.map((result) => ({
        tag: result.tag,
        status: result.status,
        reason: result.reason,
        message: result.message,
        image:
          result.image && result.source
            ? toImage(result.image, {
                registry: result.source.registry.name,
                repository: result.source.repository,
                namespace: input.namespace,
              })
            : null,
      })),
    };
  }
}
