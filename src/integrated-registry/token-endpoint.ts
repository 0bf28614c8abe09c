import type { IncomingMessage, ServerResponse } from 'node:http';
import { markCredentialsRefused } from '../auth/credential-refusals';
import type { Identities } from '../auth/identities';
import type { Identity } from '../auth/roles';
import type { PullAccess } from '../auth/pull-access';
import { grant, parseScope, type RegistryTokens } from './access';
import { OciError, sendOciError } from './errors';

/** The caller of a registry request: HTTP Basic with a regql token as password (any user name), or none. */
export async function callerOf(
  identities: Identities,
  authorization: string | undefined,
): Promise<Identity | null | 'invalid'> {
  if (!authorization) return null;
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  if (!basic) return 'invalid';
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return (await identities.authenticate(password)) ?? 'invalid';
}

/**
 * regql's token server for its registry (`docker login` / `skopeo login` with a regql token):
 * grants the intersection of the requested scopes and the caller's namespace roles.
 */
export function tokenEndpoint(identities: Identities, tokens: RegistryTokens, pulls: PullAccess) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const caller = await callerOf(identities, req.headers.authorization);
    if (caller === 'invalid') {
      markCredentialsRefused(req);
      return sendOciError(
        res,
        new OciError(401, 'UNAUTHORIZED', 'the password must be a valid regql token', {
          'www-authenticate': 'Basic realm="regql"',
        }),
      );
    }
    const requested = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .map(parseScope)
      .filter((g) => g !== null);
    const issued = tokens.issue(caller?.id ?? null, await grant(pulls, caller, requested));
    const body = JSON.stringify({
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(body);
  };
}
