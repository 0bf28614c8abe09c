import type { Readable } from 'node:stream';
import { upstreamError, type UpstreamError } from '../upstream-error';
import { parseChallenge, type Challenge } from './challenge';
import { basicAuthorization, type RegistryCredential } from './credential';
import { TokenCache } from './token-cache';
import { header, isStream, readJson, type Transport, type UpstreamResponse } from './transport';

export interface SessionRequest {
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Token scopes the request needs, e.g. `repository:team/app:pull,push`. */
  scopes: string[];
  credential: RegistryCredential | null;
  headers?: Record<string, string>;
  /**
   * A streamed body is sent once: the request must be authorized already (an earlier request
   * with the same scopes learned the challenge and cached the token), since a 401 cannot be
   * answered by sending a consumed body again.
   */
  body?: string | Buffer | Readable;
}

const DEFAULT_TOKEN_LIFETIME = 60;

/**
 * The authorization side of talking to one registry: the 401 challenge (Bearer tokens cached
 * until expiry, or Basic), learned on the first refusal and reused, and an anonymous retry when a
 * stored credential is refused. Reading and pushing clients share one session per registry.
 */
export class RegistrySession {
  private challenge: Challenge | null = null;

  constructor(
    readonly baseUrl: URL,
    readonly transport: Transport,
    private readonly tokens: TokenCache,
    private readonly onResponse?: (res: UpstreamResponse) => void,
  ) {}

  get authScheme(): 'Bearer' | 'Basic' | 'none' {
    return this.challenge?.scheme ?? 'none';
  }

  /** Logs in the way `docker login` does: the credential must be accepted, not merely tolerated. */
  async login(credential: RegistryCredential): Promise<void> {
    const res = await this.transport.send(new URL('/v2/', this.baseUrl));
    await res.body.dump();
    const challenge =
      res.status === 401
        ? parseChallenge(header(res, 'www-authenticate'))
        : { scheme: 'none' as const };
    if (!challenge)
      throw upstreamError(
        'UPSTREAM_INVALID',
        'the registry sent an unreadable authentication challenge',
      );
    this.challenge = challenge;
    if (challenge.scheme === 'Bearer') {
      await this.fetchToken(challenge, [], credential, false);
      return;
    }
    const check = await this.transport.send(new URL('/v2/', this.baseUrl), {
      headers: { authorization: basicAuthorization(credential) },
    });
    await check.body.dump();
    if (check.status !== 200)
      throw upstreamError(
        'UPSTREAM_UNAUTHORIZED',
        `the registry refused the credential (${check.status})`,
        check.status,
      );
  }

  /** Sends with whatever authorization the registry asked for, learning its challenge on the first 401. */
  async send(target: string | URL, init: SessionRequest): Promise<UpstreamResponse> {
    const url = new URL(target, this.baseUrl);
    const attempt = async (authorization: string | null) => {
      const headers: Record<string, string> = { ...init.headers };
      if (authorization) headers.authorization = authorization;
      const res = await this.transport.send(url, {
        method: init.method ?? 'GET',
        headers,
        body: init.body,
      });
      this.onResponse?.(res);
      return res;
    };
    const known = this.challenge;
    const first = await attempt(
      known ? await this.authorization(known, init.scopes, init.credential, false) : null,
    );
    if (first.status !== 401 || isStream(init.body)) return first;
    const challenge = parseChallenge(header(first, 'www-authenticate'));
    await first.body.dump();
    if (!challenge) return attempt(null);
    this.challenge = challenge;
    const second = await attempt(
      await this.authorization(challenge, init.scopes, init.credential, known !== null),
    );
    if (second.status !== 401 || !init.credential) return second;
    await second.body.dump();
    return attempt(await this.authorization(challenge, init.scopes, null, false));
  }

  private async authorization(
    challenge: Challenge,
    scopes: string[],
    credential: RegistryCredential | null,
    refresh: boolean,
  ): Promise<string | null> {
    if (challenge.scheme === 'Basic') return credential ? basicAuthorization(credential) : null;
    if (challenge.scheme === 'none') return null;
    try {
      return `Bearer ${await this.fetchToken(challenge, scopes, credential, refresh)}`;
    } catch (err) {
      // A stale stored credential must not hide a public image: fall back to an anonymous token.
      if (!credential || (err as UpstreamError).code !== 'UPSTREAM_UNAUTHORIZED') throw err;
      return `Bearer ${await this.fetchToken(challenge, scopes, null, refresh)}`;
    }
  }

  private async fetchToken(
    challenge: Extract<Challenge, { scheme: 'Bearer' }>,
    scopes: string[],
    credential: RegistryCredential | null,
    refresh: boolean,
  ): Promise<string> {
    const key = TokenCache.key({
      realm: challenge.realm,
      service: challenge.service,
      scopes,
      credentialId: credential?.id ?? 'anonymous',
    });
    const cached = refresh ? undefined : this.tokens.get(key);
    if (cached) return cached;
    const realm = new URL(challenge.realm);
    if (challenge.service) realm.searchParams.set('service', challenge.service);
    for (const scope of scopes) realm.searchParams.append('scope', scope);
    const res = await this.transport.send(realm, {
      headers: credential ? { authorization: basicAuthorization(credential) } : {},
    });
    if (res.status === 401 || res.status === 403) {
      await res.body.dump();
      throw upstreamError(
        'UPSTREAM_UNAUTHORIZED',
        credential
          ? `the token service refused the credential (${res.status})`
          : `the token service refused anonymous access (${res.status})`,
        res.status,
      );
    }
    if (res.status !== 200) {
      await res.body.dump();
      throw upstreamError(
        'UPSTREAM_REJECTED',
        `the token service answered ${res.status}`,
        res.status,
      );
    }
    const body = (await readJson(res, 1024 * 1024, 'the token response')) as Record<
      string,
      unknown
    >;
    const token =
      typeof body.token === 'string'
        ? body.token
        : typeof body.access_token === 'string'
          ? body.access_token
          : null;
    if (!token)
      throw upstreamError(
        'UPSTREAM_INVALID',
        'the token response has neither token nor access_token',
      );
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in
        : DEFAULT_TOKEN_LIFETIME;
    this.tokens.set(key, token, lifetime);
    return token;
  }
}
