import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import {
  ALL_NAMESPACES,
  hasRole,
  isClusterAdmin,
  outranks,
  type Identity as AuthIdentity,
} from '../../auth/roles';
import { invalidInput, notFound } from '../../core/errors';
import type { Context } from '../context';
import { requireClusterAdmin, requireIdentity, requireRole } from '../guards';
import { CreateTokenInput } from '../inputs/create-token.input';
import { CreatedToken, Identity } from '../types/identity.type';

const toIdentity = (identity: AuthIdentity): Identity => ({
  ...identity,
  clusterAdmin: isClusterAdmin(identity),
});

@Resolver(() => Identity)
export class IdentityResolver {
  @Query(() => Identity)
  viewer(@Ctx() ctx: Context): Identity {
    return toIdentity(requireIdentity(ctx));
  }

  @Mutation(() => CreatedToken, {
    description: 'A new token with one role in one namespace; shown once',
  })
  async createToken(
    @Arg('input') input: CreateTokenInput,
    @Ctx() ctx: Context,
  ): Promise<CreatedToken> {
    const caller =
      input.namespace === ALL_NAMESPACES
        ? requireClusterAdmin(ctx)
        : requireRole(ctx, input.namespace, 'ADMIN');
    if (!outranks(caller, input.role))
      throw invalidInput(`cannot grant ${input.role}, above your own role`);
    if (input.description.length > 200)
      throw invalidInput('description must be at most 200 characters');
    const { identity, token } = await ctx.services.identities.create(
      input.namespace,
      input.role,
      input.description,
    );
    return { id: identity.id, token };
  }

  @Mutation(() => Boolean)
  async revokeToken(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    const caller = requireIdentity(ctx);
    const target = await ctx.services.identities.find(id);
    const allowed =
      target &&
      (isClusterAdmin(caller) ||
        (target.namespace !== ALL_NAMESPACES && hasRole(caller, target.namespace, 'ADMIN')));
    // A token the caller may not manage is reported exactly like one that does not exist.
    if (!target || !allowed) throw notFound(`no token ${id} that you may revoke`);
    await ctx.services.identities.revoke(id);
    ctx.services.feed.revoke(id);
    return true;
  }
}
