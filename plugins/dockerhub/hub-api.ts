import { type RegistryCredential } from '../../src/oci/client/credential';
import { TokenCache } from '../../src/oci/client/token-cache';
import { readJson, type Transport } from '../../src/oci/client/transport';
import { invalidInput } from '../../src/core/errors';
import { upstreamError } from '../../src/oci/upstream-error';
import { skipPages } from '../paging';
import type { AdapterPage, RepositoryInfo, TagInfo } from '../plugin';

const PAGE_SIZE = 100;
const MAX_BYTES = 8 * 1024 * 1024;
const HUB_TOKEN_SECONDS = 600;

interface HubTag {
  name?: unknown;
  digest?: unknown;
  last_updated?: unknown;
}

interface HubList<T> {
  results?: T[];
  next?: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Hub cursors are `page:skip`, the Hub API paging by page number with a fixed page size. */
function parseCursor(after: string | null): { page: number; skip: number } {
  const match = after ? /^(\d+):(\d+)$/.exec(after) : null;
  return match ? { page: Number(match[1]), skip: Number(match[2]) } : { page: 1, skip: 0 };
}

/** hub.docker.com: tags with metadata, and repositories per namespace (the registry refuses _catalog). */
export class HubApi {
  constructor(
    private readonly base: URL,
    private readonly transport: Transport,
    private readonly tokens: TokenCache,
  ) {}

  async tags(
    repository: string,
    first: number,
    after: string | null,
    credential: RegistryCredential | null,
  ): Promise<AdapterPage<TagInfo>> {
    const [namespace, name] = repository.split('/', 2);
    return this.pages(
      `/v2/namespaces/${namespace}/repositories/${name}/tags`,
      first,
      after,
      credential,
      (tag: HubTag) => {
        const tagName = str(tag.name);
        return tagName
          ? { name: tagName, digest: str(tag.digest), lastModified: str(tag.last_updated) }
          : null;
      },
    );
  }

  async repositories(
    query: string | null,
    first: number,
    after: string | null,
    credential: RegistryCredential | null,
  ): Promise<AdapterPage<RepositoryInfo>> {
    const [namespace, prefix = ''] = (query ?? '').split('/', 2);
    if (!namespace)
      throw invalidInput(
        'Docker Hub lists repositories per namespace: pass query "<namespace>/" (e.g. "library/")',
      );
    const page = await this.pages(
      `/v2/repositories/${namespace}/`,
      first,
      after,
      credential,
      (repo: { name?: unknown; last_updated?: unknown }) => {
        const name = str(repo.name);
        return name ? { name: `${namespace}/${name}`, lastModified: str(repo.last_updated) } : null;
      },
    );
    return {
      items: page.items.filter((r) => r.name.startsWith(`${namespace}/${prefix}`)),
      next: page.next,
    };
  }

  private pages<T, R>(
    path: string,
    first: number,
    after: string | null,
    credential: RegistryCredential | null,
    map: (raw: T) => R | null,
  ): Promise<AdapterPage<R>> {
    return skipPages(
      first,
      parseCursor(after),
      async (page: number) => {
        const body = await this.get<HubList<T>>(
          `${path}?page=${page}&page_size=${PAGE_SIZE}`,
          credential,
        );
        if (!Array.isArray(body.results))
          throw upstreamError('UPSTREAM_INVALID', `Docker Hub ${path} has no results array`);
        return { items: body.results, next: body.next ? page + 1 : null };
      },
      map,
      (page, skip) => `${page}:${skip}`,
    );
  }

  private async get<T>(path: string, credential: RegistryCredential | null): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential) headers.authorization = `Bearer ${await this.token(credential)}`;
    const res = await this.transport.send(new URL(path, this.base), { headers });
    if (res.status === 200) return (await readJson(res, MAX_BYTES, `Docker Hub ${path}`)) as T;
    await res.body.dump();
    if (res.status === 401 || res.status === 403)
      throw upstreamError(
        'UPSTREAM_UNAUTHORIZED',
        `Docker Hub refused ${path} (${res.status})`,
        res.status,
      );
    if (res.status === 404)
      throw upstreamError('UPSTREAM_NOT_FOUND', `Docker Hub has no ${path}`, 404);
    throw upstreamError(
      'UPSTREAM_REJECTED',
      `Docker Hub answered ${res.status} for ${path}`,
      res.status,
    );
  }

  private async token(credential: RegistryCredential): Promise<string> {
    const key = TokenCache.key({
      realm: new URL('/v2/auth/token', this.base).href,
      scopes: [],
      credentialId: credential.id,
    });
    const cached = this.tokens.get(key);
    if (cached) return cached;
    const res = await this.transport.send(new URL('/v2/auth/token', this.base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: credential.username ?? '', secret: credential.secret }),
    });
    if (res.status !== 200) {
      await res.body.dump();
      throw upstreamError(
        'UPSTREAM_UNAUTHORIZED',
        `Docker Hub refused the credential (${res.status})`,
        res.status,
      );
    }
    const body = (await readJson(res, 64 * 1024, 'Docker Hub token')) as {
      access_token?: unknown;
      token?: unknown;
    };
    const token = str(body.access_token) ?? str(body.token);
    if (!token)
      throw upstreamError('UPSTREAM_INVALID', 'Docker Hub token response has no access_token');
    this.tokens.set(key, token, HUB_TOKEN_SECONDS);
    return token;
  }
}
