import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { MirrorJob as StoredJob } from '../../store/mirror-job-store';
import {
  connectionComplexity,
  decodeCursor,
  pageSize,
  toConnection,
  type ConnectionShape,
} from '../connection';
import type { Context } from '../context';
import { requireRole } from '../guards';
import { MirrorImageInput } from '../inputs/mirror-image.input';
import { MirrorJob, MirrorJobConnection } from '../types/mirror-job.type';

const date = (value: string | null) => (value === null ? null : new Date(value));

const toMirrorJob = (job: StoredJob): MirrorJob => ({
  ...job,
  createdAt: new Date(job.createdAt),
  startedAt: date(job.startedAt),
  finishedAt: date(job.finishedAt),
});

@Resolver(() => MirrorJob)
export class MirrorResolver {
  @Mutation(() => MirrorJob, {
    description:
      'Like oc image mirror: copies an image or index to another registry, server-side, as a job; progress arrives as MIRROR_* events',
  })
  async mirrorImage(
    @Arg('input') input: MirrorImageInput,
    @Ctx() ctx: Context,
  ): Promise<MirrorJob> {
    const identity = requireRole(ctx, input.namespace, 'EDITOR');
    return toMirrorJob(await ctx.services.mirror.request(identity, input));
  }

  @Query(() => MirrorJobConnection, {
    complexity: connectionComplexity,
    description: "The namespace's mirror jobs, newest first",
  })
  async mirrorJobs(
    @Arg('namespace') namespace: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<MirrorJob>> {
    requireRole(ctx, namespace, 'VIEWER');
    const limit = pageSize(first);
    const rows = await ctx.services.mirrorJobs.list(
      namespace,
      limit + 1,
      decodeCursor(after) ?? null,
    );
    return toConnection(rows.slice(0, limit).map(toMirrorJob), rows.length > limit, (j) => j.id);
  }
}
