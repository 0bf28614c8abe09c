import type { Readable } from 'node:stream';
import { digestMatches, sha256Digest } from '../digest';
import { MAX_MANIFEST_BYTES, parseManifest, type Manifest } from '../manifest';
import { manifestAccept } from '../media-types';
import { upstreamError, type UpstreamError } from '../upstream-error';
import { parseChallenge, type Challenge } from './challenge';
import { basicAuthorization, type RegistryCredential } from './credential';
import { nextLink } from './link';
import { TokenCache } from './token-cache';
import { header, readBounded, readJson, Transport, type UpstreamResponse } from './transport';

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
  manifest: Manifest;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface OpenedBlob {
  size: number | null;
  body: Readable;
}

export interface Page<T> {
  items: T[];
  /** Path and query of the next page on this registry, from its Link header. */
  next: string | null;
}

export interface Health {
  ok: boolean;
  latencyMs: number;
  authScheme: 'Bearer' | 'Basic' | 'none';
  message: string | null;
}

interface RequestInit {
  method?: 'GET' | 'HEAD';
  scope: string | null;
  credential: RegistryCredential | null;
  accept?: string;
}

const MAX_JSON_BYTES = 8 * 1024 * 1024;
const DEFAULT_TOKEN_LIFETIME = 60;

const redirectStatus = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

const repositoryScope = (repository: string) => `repository:${repository}:pull`;

/** A listing page: the Link target `next` if there is one, else `n` entries after `last`. */
interface PageRequest {
  n: number;
  next?: string | null;
  last?: string | null;
}

const pagePath = (path: string, page: PageRequest) =>
  page.next ??
  `${path}?${new URLSearchParams({ n: String(page.n), ...(page.last && { last: page.last }) })}`;

/**
 * The OCI Distribution client for one registry: the 401 challenge flow (Bearer tokens cached
 * until expiry, or Basic), an anonymous retry when a stored credential is refused, Link paging,
 * and digest checks on everything fetched by content.
 */
export class RegistryClient {
  private challenge: Challenge | null = null;

  constructor(
    readonly baseUrl: URL,
    private readonly transport: Transport,
    private readonly tokens: TokenCache,
    private readonly onResponse?: (res: UpstreamResponse) => void,
  ) {}

  async ping(credential: RegistryCredential | null): Promise<Health> {
    const started = performance.now();
    const res = await this.send('/v2/', { scope: null, credential });
    await res.body.dump();
    const latencyMs = Math.round(performance.now() - started);
    const authScheme = this.challenge?.scheme ?? 'none';
    if (res.status === 200) return { ok: true, latencyMs, authScheme, message: null };
    return { ok: false, latencyMs, authScheme, message: `GET /v2/ answered ${res.status}` };
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

  async tags(
    repository: string,
    page: PageRequest,
    credential: RegistryCredential | null,
  ): Promise<Page<string>> {
    const res = await this.expect200(
      pagePath(`/v2/${repository}/tags/list`, page),
      { scope: repositoryScope(repository), credential },
      `tags of ${repository}`,
    );
    const body = (await readJson(res, MAX_JSON_BYTES, `tag list of ${repository}`)) as {
      tags?: unknown;
    };
    if (body.tags !== null && body.tags !== undefined && !Array.isArray(body.tags)) {
      throw upstreamError('UPSTREAM_INVALID', `tag list of ${repository} has no tags array`);
    }
    const items = ((body.tags as unknown[] | null) ?? []).filter(
      (t): t is string => typeof t === 'string',
    );
    return { items, next: nextLink(header(res, 'link'), this.baseUrl) };
  }

  async catalog(page: PageRequest, credential: RegistryCredential | null): Promise<Page<string>> {
    const res = await this.expect200(
      pagePath('/v2/_catalog', page),
      { scope: 'registry:catalog:*', credential },
      'the catalog',
    );
    const body = (await readJson(res, MAX_JSON_BYTES, 'the catalog')) as { repositories?: unknown };
    if (!Array.isArray(body.repositories))
      throw upstreamError('UPSTREAM_INVALID', 'the catalog has no repositories array');
    const items = body.repositories.filter((r): r is string => typeof r === 'string');
    return { items, next: nextLink(header(res, 'link'), this.baseUrl) };
  }

  async getManifest(
    repository: string,
    reference: string,
    credential: RegistryCredential | null,
  ): Promise<FetchedManifest> {
    const what = `manifest ${repository}:${reference}`;
    const res = await this.expect200(
      `/v2/${repository}/manifests/${reference}`,
      { scope: repositoryScope(repository), credential, accept: manifestAccept },
      what,
    );
    const bytes = await readBounded(res, MAX_MANIFEST_BYTES, what);
    const digest = sha256Digest(bytes);
    const announced = header(res, 'docker-content-digest');
    const expected = reference.includes(':') ? reference : announced;
    if (expected && !digestMatches(expected, bytes)) {
      throw upstreamError('UPSTREAM_INVALID', `${what}: its bytes do not match digest ${expected}`);
    }
    const manifest = parseManifest(bytes, header(res, 'content-type'));
    return {
      digest: expected ?? digest,
      mediaType: manifest.mediaType,
      size: bytes.length,
      bytes,
      manifest,
    };
  }

  async headManifest(
    repository: string,
    reference: string,
    credential: RegistryCredential | null,
  ): Promise<ManifestHead> {
    const what = `manifest ${repository}:${reference}`;
    const res = await this.expect200(
      `/v2/${repository}/manifests/${reference}`,
      { method: 'HEAD', scope: repositoryScope(repository), credential, accept: manifestAccept },
      what,
    );
    await res.body.dump();
    const digest = header(res, 'docker-content-digest');
    if (!digest) {
      const fetched = await this.getManifest(repository, reference, credential);
      return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.size };
    }
    return {
      digest,
      mediaType: (header(res, 'content-type') ?? '').split(';')[0],
      size: Number(header(res, 'content-length') ?? 0),
    };
  }

  /** A small blob (an image config), read whole and checked against its digest. */
  async getBlob(
    repository: string,
    digest: string,
    maxBytes: number,
    credential: RegistryCredential | null,
  ): Promise<Buffer> {
    const what = `blob ${repository}@${digest}`;
    const res = await this.blobResponse(repository, digest, credential);
    const bytes = await readBounded(res, maxBytes, what);
    if (!digestMatches(digest, bytes))
      throw upstreamError('UPSTREAM_INVALID', `${what}: its bytes do not match its digest`);
    return bytes;
  }

  /**
   * A blob's bytes as they arrive, unchecked: the reader hashes them while it streams them on.
   * `size` is the Content-Length the registry declared, when it declared one.
   */
  async openBlob(
    repository: string,
    digest: string,
    credential: RegistryCredential | null,
  ): Promise<OpenedBlob> {
    const res = await this.blobResponse(repository, digest, credential);
    const declared = header(res, 'content-length');
    return { size: declared === undefined ? null : Number(declared), body: res.body };
  }

  /**
   * A blob GET that follows the redirects registries send blob reads to (a CDN or a presigned
   * storage URL), without the registry's authorization, which belongs to the registry alone.
   */
  private async blobResponse(
    repository: string,
    digest: string,
    credential: RegistryCredential | null,
  ): Promise<UpstreamResponse> {
    const what = `blob ${repository}@${digest}`;
    const path = `/v2/${repository}/blobs/${digest}`;
    let res = await this.send(path, { scope: repositoryScope(repository), credential });
    let at = new URL(path, this.baseUrl);
    for (let hop = 0; redirectStatus.has(res.status); hop++) {
      const location = header(res, 'location');
      await res.body.dump();
      if (!location || hop >= MAX_REDIRECTS)
        throw upstreamError('UPSTREAM_INVALID', `${what}: the registry redirected too often`);
      at = new URL(location, at);
      res = await this.transport.send(at);
      this.onResponse?.(res);
    }
    return this.expectOk(res, what);
  }

  private async expect200(
    path: string,
    init: RequestInit,
    what: string,
  ): Promise<UpstreamResponse> {
    return this.expectOk(await this.send(path, init), what);
  }

  private async expectOk(res: UpstreamResponse, what: string): Promise<UpstreamResponse> {
    if (res.status === 200) return res;
    const detail = await readBounded(res, 64 * 1024, what).then(
      (b) => errorDetail(b),
      () => '',
    );
    if (res.status === 401 || res.status === 403) {
      throw upstreamError(
        'UPSTREAM_UNAUTHORIZED',
        `${what}: the registry refused access (${res.status})${detail}`,
        res.status,
      );
    }
    if (res.status === 404)
      throw upstreamError('UPSTREAM_NOT_FOUND', `${what} does not exist${detail}`, 404);
    throw upstreamError(
      'UPSTREAM_REJECTED',
      `${what}: the registry answered ${res.status}${detail}`,
      res.status,
    );
  }

  /** Sends with whatever authorization the registry asked for, learning its challenge on the first 401. */
  private async send(path: string, init: RequestInit): Promise<UpstreamResponse> {
    const url = new URL(path, this.baseUrl);
    const scopes = init.scope ? [init.scope] : [];
    const attempt = async (authorization: string | null) => {
      const headers: Record<string, string> = {};
      if (init.accept) headers.accept = init.accept;
      if (authorization) headers.authorization = authorization;
      const res = await this.transport.send(url, { method: init.method ?? 'GET', headers });
      this.onResponse?.(res);
      return res;
    };
    const known = this.challenge;
    const first = await attempt(
      known ? await this.authorization(known, scopes, init.credential, false) : null,
    );
    if (first.status !== 401) return first;
    const challenge = parseChallenge(header(first, 'www-authenticate'));
    await first.body.dump();
    if (!challenge) return attempt(null);
    this.challenge = challenge;
    const second = await attempt(
      await this.authorization(challenge, scopes, init.credential, known !== null),
    );
    if (second.status !== 401 || !init.credential) return second;
    await second.body.dump();
    return attempt(await this.authorization(challenge, scopes, null, false));
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

function errorDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      errors?: { code?: string; message?: string }[];
    };
    const first = parsed.errors?.[0];
    return first ? `: ${[first.code, first.message].filter(Boolean).join(' ')}`.slice(0, 300) : '';
  } catch {
    return '';
  }
}
