import { createHmac, timingSafeEqual } from 'node:crypto';
import { namespaceOf, pullerOf, type PullAccess } from '../auth/pull-access';
import { hasRole, type Identity } from '../auth/roles';

export type Action = 'pull' | 'push' | 'delete';

export interface Grant {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

export const SERVICE = 'regql';

/** `repository:ns/app:pull,push` (the name may hold a host:port, so split from the ends). */
export function parseScope(scope: string): Grant | null {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return null;
  const type = scope.slice(0, first);
  if (type !== 'repository' && type !== 'registry') return null;
  return {
    type,
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

/**
 * What an identity may do in a repository's namespace (its first path component): pull when the
 * one cross-namespace rule allows it (own namespace, public, or granted), push and delete with
 * EDITOR.
 */
export async function allowedActions(
  pulls: PullAccess,
  identity: Identity | null,
  repository: string,
): Promise<Action[]> {
  const namespace = namespaceOf(repository);
  const actions: Action[] = [];
  if (await pulls.mayPull(pullerOf(identity), namespace)) actions.push('pull');
  if (identity && hasRole(identity, namespace, 'EDITOR')) actions.push('push', 'delete');
  return actions;
}

/** Grants the intersection of what was asked and what the identity may do. */
export async function grant(
  pulls: PullAccess,
  identity: Identity | null,
  requested: Grant[],
): Promise<Grant[]> {
  const granted = await Promise.all(
    requested.map(async (scope): Promise<Grant | null> => {
      if (scope.type === 'registry')
        return identity && scope.name === 'catalog' ? { ...scope, actions: ['*'] } : null;
      const allowed = await allowedActions(pulls, identity, scope.name);
      const wanted = scope.actions.includes('*')
        ? allowed
        : scope.actions.filter((a): a is Action => (allowed as string[]).includes(a));
      return wanted.length > 0 ? { ...scope, actions: [...new Set(wanted)] } : null;
    }),
  );
  return granted.filter((g) => g !== null);
}

interface TokenBody {
  sub: string | null;
  access: Grant[];
  exp: number;
}

/** Short-lived registry tokens, signed with a key derived from regql's secret key. */
export class RegistryTokens {
  private readonly key: Buffer;

  constructor(
    secretKey: Buffer,
    private readonly ttlSeconds: number,
  ) {
    this.key = createHmac('sha256', secretKey).update('regql registry tokens v1').digest();
  }

  issue(
    subject: string | null,
    access: Grant[],
    now = Date.now(),
  ): { token: string; expiresIn: number; issuedAt: string } {
    const body: TokenBody = { sub: subject, access, exp: Math.floor(now / 1000) + this.ttlSeconds };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return {
      token: `${payload}.${this.sign(payload)}`,
      expiresIn: this.ttlSeconds,
      issuedAt: new Date(now).toISOString(),
    };
  }

  /** The token's grants, or null when it is forged, garbled or expired. */
  verify(token: string, now = Date.now()): { subject: string | null; access: Grant[] } | null {
    const [payload, signature] = token.split('.');
    if (!payload || !signature) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenBody;
      if (typeof body.exp !== 'number' || body.exp * 1000 <= now) return null;
      return { subject: body.sub, access: body.access };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

export const grants = (access: Grant[], repository: string, action: Action): boolean =>
  access.some(
    (g) => g.type === 'repository' && g.name === repository && g.actions.includes(action),
  );
