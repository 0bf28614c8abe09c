import type { Identity, Role } from '../store/identity-records';

export { roles } from '../store/identity-records';
export type { Identity, Role };

/** The namespace of a token that holds its role in every namespace. */
export const ALL_NAMESPACES = '*';

const rank: Record<Role, number> = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };

export function hasRole(identity: Identity, namespace: string, role: Role): boolean {
  const inScope = identity.namespace === ALL_NAMESPACES || identity.namespace === namespace;
  return inScope && rank[identity.role] >= rank[role];
}

export function isClusterAdmin(identity: Identity): boolean {
  return identity.namespace === ALL_NAMESPACES && identity.role === 'ADMIN';
}

export function outranks(identity: Identity, role: Role): boolean {
  return rank[identity.role] >= rank[role];
}
