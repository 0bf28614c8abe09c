import { GraphQLError } from 'graphql';
import { hasRole, isClusterAdmin, type Identity, type Role } from '../auth/roles';
import { assertDnsLabel } from '../domain/names';
import { namespaceOf, pullerOf } from '../auth/pull-access';
import { INTEGRATED_KIND } from '../../plugins/integrated';
import type { Context } from './context';
import type { ErrorCode } from '../core/error-codes';

export function requireIdentity(ctx: Context): Identity {
  if (!ctx.identity) {
    throw new GraphQLError('a bearer token is required', {
      extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode },
    });
  }
  return ctx.identity;
}

/**
 * Checks the namespace name, then the caller's role in it. Runs before any read, so a caller
 * without the role learns nothing about the namespace (not even whether something exists).
 */
export function requireRole(ctx: Context, namespace: string, role: Role): Identity {
  const identity = requireIdentity(ctx);
  assertDnsLabel('namespace', namespace);
  if (!hasRole(identity, namespace, role)) {
    throw new GraphQLError(`role ${role} in namespace "${namespace}" is required`, {
      extensions: { code: 'FORBIDDEN' satisfies ErrorCode },
    });
  }
  return identity;
}

export function requireClusterAdmin(ctx: Context): Identity {
  const identity = requireIdentity(ctx);
  if (!isClusterAdmin(identity)) {
    throw new GraphQLError('only a cluster admin may do this', {
      extensions: { code: 'FORBIDDEN' satisfies ErrorCode },
    });
  }
  return identity;
}

/**
 * The integrated registry holds namespaces' own images: browsing a repository of it needs the
 * right to pull from its namespace, the same rule /v2 applies.
 */
export async function requireBrowse(
  ctx: Context,
  registryKind: string,
  repository: string,
): Promise<void> {
  if (registryKind !== INTEGRATED_KIND) return;
  await ctx.services.pulls.require(pullerOf(ctx.identity), namespaceOf(repository));
}
