import { GraphQLError } from 'graphql';
import { hasRole, isClusterAdmin, type Identity, type Role } from '../auth/roles';
import { assertDnsLabel } from '../domain/names';
import { allowedActions } from '../registry/access';
import type { Context } from './context';

export function requireIdentity(ctx: Context): Identity {
  if (!ctx.identity) {
    throw new GraphQLError('a bearer token is required', {
      extensions: { code: 'UNAUTHENTICATED' },
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
      extensions: { code: 'FORBIDDEN' },
    });
  }
  return identity;
}

export function requireClusterAdmin(ctx: Context): Identity {
  const identity = requireIdentity(ctx);
  if (!isClusterAdmin(identity)) {
    throw new GraphQLError('only a cluster admin may do this', {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  return identity;
}

/**
 * The integrated registry holds namespaces' own images: browsing it needs the pull right in the
 * repository's namespace (VIEWER, or a public namespace), like pulling does.
 */
export function mayBrowse(ctx: Context, registryKind: string, repository: string): boolean {
  if (registryKind !== 'INTEGRATED') return true;
  return allowedActions(
    ctx.identity,
    repository,
    ctx.services.config.registry.publicNamespaces,
  ).includes('pull');
}

export function requireBrowse(ctx: Context, registryKind: string, repository: string): void {
  if (!mayBrowse(ctx, registryKind, repository)) {
    throw new GraphQLError(`pulling from ${repository} needs VIEWER in its namespace`, {
      extensions: { code: 'FORBIDDEN' },
    });
  }
}
