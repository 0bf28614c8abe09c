import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { hasRole } from '../../auth/roles';
import { invalidInput, notFound } from '../../core/errors';
import { assertDnsLabel } from '../../domain/names';
import type { PullGrant as StoredGrant } from '../../store/pull-grant-store';
import type { Context } from '../context';
import { requireIdentity, requireRole } from '../guards';
import { PullGrantInput } from '../inputs/pull-grant.input';
import { PullGrant } from '../types/pull-grant.type';

const toPullGrant = (grant: StoredGrant): PullGrant => ({
  ...grant,
  createdAt: new Date(grant.createdAt),
});

function checkNames(input: PullGrantInput): void {
  assertDnsLabel('namespace', input.namespace);
  assertDnsLabel('from', input.from);
  if (input.namespace === input.from) throw invalidInput('a namespace always pulls from itself');
}

@Resolver()
export class PullGrantResolver {
  @Mutation(() => PullGrant, {
    description:
      'Lets `namespace` pull the images of `from` (needs ADMIN in `from`, the namespace giving access)',
  })
  async grantPull(@Arg('input') input: PullGrantInput, @Ctx() ctx: Context): Promise<PullGrant> {
    checkNames(input);
    const caller = requireRole(ctx, input.from, 'ADMIN');
    const grant: StoredGrant = {
      namespace: input.namespace,
      from: input.from,
      grantedBy: caller.id,
      createdAt: new Date().toISOString(),
    };
    if (!(await ctx.services.pullGrants.insert(grant)))
      throw invalidInput(`namespace "${input.namespace}" may pull from "${input.from}" already`);
    return toPullGrant(grant);
  }

  @Mutation(() => Boolean, {
    description:
      'Withdraws a pull grant (ADMIN of either namespace); tags that name the images keep them but stop following and importing',
  })
  async revokePull(@Arg('input') input: PullGrantInput, @Ctx() ctx: Context): Promise<boolean> {
    checkNames(input);
    const caller = requireIdentity(ctx);
    const allowed =
      hasRole(caller, input.from, 'ADMIN') || hasRole(caller, input.namespace, 'ADMIN');
    if (!allowed || !(await ctx.services.pullGrants.delete(input.namespace, input.from)))
      throw notFound(
        `no pull grant from "${input.from}" to "${input.namespace}" that you may revoke`,
      );
    return true;
  }

  @Query(() => [PullGrant], {
    description: 'Pull grants the namespace gave or received (needs VIEWER there)',
  })
  async pullGrants(@Arg('namespace') namespace: string, @Ctx() ctx: Context): Promise<PullGrant[]> {
    requireRole(ctx, namespace, 'VIEWER');
    return (await ctx.services.pullGrants.involving(namespace)).map(toPullGrant);
  }
}
