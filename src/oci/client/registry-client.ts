import type { Readable } from 'node:stream';
import { digestMatches, sha256Digest } from '../digest';
import { MAX_MANIFEST_BYTES, parseManifest, type Descriptor, type Manifest } from '../manifest';
import { manifestAccept, OCI_INDEX } from '../media-types';
import { upstreamError, type UpstreamError } from '../upstream-error';
import type { RegistryCredential } from './credential';
import { expectStatus } from './expect-status';
import { nextLink } from './link';
import { RegistrySession } from './registry-session';
import type { TokenCache } from './token-cache';
import { header, readBounded, readJson, type Transport, type UpstreamResponse } from './transport';

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

const redirectStatus = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

export const repositoryScope = (repository: string) => `repository:${repository}:pull`;

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
  /** The registry's authorization state, which a pusher of the same registry shares. */
  readonly session: RegistrySession;

  constructor(
    readonly baseUrl: URL,
    private readonly transport: Transport,
    tokens: TokenCache,
    private readonly onResponse?: (res: UpstreamResponse) => void,
  ) {
    this.session = new RegistrySession(baseUrl, transport, tokens, onResponse);
  }

  async ping(credential: RegistryCredential | null): Promise<Health> {
    const started = performance.now();
    const res = await this.send('/v2/', { scope: null, credential });
    await res.body.dump();
    const latencyMs = Math.round(performance.now() - started);
    const authScheme = this.session.authScheme;
    if (res.status === 200) return { ok: true, latencyMs, authScheme, message: null };
    return { ok: false, latencyMs, authScheme, message: `GET /v2/ answered ${res.status}` };
  }

  /** Logs in the way `docker login` does: the credential must be accepted, not merely tolerated. */
  login(credential: RegistryCredential): Promise<void> {
    return this.session.login(credential);
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

  /**
   * The manifests that name `digest` as their subject: from the referrers API, or, where the
   * registry has none (it answers 404), from the `sha256-<hex>` tag the OCI fallback keeps.
   */
  async referrers(
    repository: string,
    digest: string,
    credential: RegistryCredential | null,
  ): Promise<Descriptor[]> {
    const what = `referrers of ${repository}@${digest}`;
    const res = await this.send(`/v2/${repository}/referrers/${digest}`, {
      scope: repositoryScope(repository),
      credential,
      accept: OCI_INDEX,
    });
    if (res.status !== 404) {
      const bytes = await readBounded(await this.expectOk(res, what), MAX_MANIFEST_BYTES, what);
      const index = parseManifest(bytes, OCI_INDEX);
      return index.kind === 'index' ? index.manifests : [];
    }
    await res.body.dump();
    const fallback = digest.replace(':', '-');
    try {
      const tagged = await this.getManifest(repository, fallback, credential);
      return tagged.manifest.kind === 'index' ? tagged.manifest.manifests : [];
    } catch (err) {
      if ((err as UpstreamError).code === 'UPSTREAM_NOT_FOUND') return [];
      throw err;
    }
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

  private expectOk(res: UpstreamResponse, what: string): Promise<UpstreamResponse> {
    return expectStatus(res, [200], what);
  }

  private send(path: string, init: RequestInit): Promise<UpstreamResponse> {
    return this.session.send(path, {
      method: init.method,
      scopes: init.scope ? [init.scope] : [],
      credential: init.credential,
      ...(init.accept && { headers: { accept: init.accept } }),
    });
  }
}
