import { Arg, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import { invalidInput } from '../../core/errors';
import type { Context } from '../context';
import { requireClusterAdmin } from '../guards';
import { GarbageCollection } from '../types/garbage-collection.type';

@Resolver()
export class GarbageCollectionResolver {
  @Mutation(() => GarbageCollection, {
    description:
      'Removes integrated-registry blobs no manifest references (blobs younger than the grace period stay) and upload sessions abandoned for registry.uploadMaxAgeSeconds',
  })
  collectGarbage(
    @Arg('graceSeconds', () => Int, { nullable: true }) graceSeconds: number | null,
    @Ctx() ctx: Context,
  ): Promise<GarbageCollection> {
    requireClusterAdmin(ctx);
    const grace = graceSeconds ?? ctx.services.limits.gcGraceSeconds;
    if (grace < 0) throw invalidInput('graceSeconds must not be negative');
    return ctx.services.collectGarbage(grace * 1000);
  }
}
