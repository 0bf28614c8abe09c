import type { Identities } from '../auth/identities';
import type { Identity } from '../auth/roles';
import { tokenFromAuthorization } from '../auth/token-secret';

export type Authentication = { identity: Identity | null } | { invalid: string };

/** No credentials is anonymous; credentials that do not check out are an error, never anonymous. */
export async function authenticate(
  identities: Identities,
  authorization: unknown,
): Promise<Authentication> {
  if (authorization === undefined || authorization === null || authorization === '')
    return { identity: null };
  const token = tokenFromAuthorization(authorization);
  if (!token) return { invalid: 'authorization must be "Bearer <token>"' };
  const identity = await identities.authenticate(token);
  return identity ? { identity } : { invalid: 'the token is not valid (unknown or revoked)' };
}
