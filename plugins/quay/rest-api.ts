import type { RegistryCredential } from '../../src/oci/client/credential';
import { readBounded, readJson, type Transport } from '../../src/oci/client/transport';
import { upstreamError } from '../../src/oci/upstream-error';
import { skipPages } from '../paging';
import type { AdapterPage, RepositoryInfo, TagHistoryEntry, VulnerabilityReport } from '../plugin';

const MAX_BYTES = 16 * 1024 * 1024;
const HISTORY_PAGE = 100;
const MAX_HISTORY_PAGES = 50;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
/** Quay sends epoch seconds in tag history and RFC 2822 dates elsewhere. */
function epoch(v: unknown): Date | null {
  if (typeof v === 'number') return new Date(v * 1000);
  const parsed = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(parsed) ? null : new Date(parsed);
}
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function parseCursor(after: string | null): { page: string | null; skip: number } {
  try {
    const [token, skip] = JSON.parse(after ?? '[null,0]') as [unknown, unknown];
    return {
      page: typeof token === 'string' ? token : null,
      skip: typeof skip === 'number' ? skip : 0,
    };
  } catch {
    return { page: null, skip: 0 };
  }
}

function split(repository: string): string {
  const at = repository.indexOf('/');
  if (at < 0)
    throw upstreamError(
      'UPSTREAM_NOT_FOUND',
      `Quay repositories are namespace/name, not "${repository}"`,
    );
  return `${encodeURIComponent(repository.slice(0, at))}/${encodeURIComponent(repository.slice(at + 1))}`;
}

/** Quay's REST API (`/api/v1`): OAuth application tokens as Bearer; robots are for /v2 only. */
export class QuayApi {
  constructor(
    private readonly base: URL,
    private readonly transport: Transport,
  ) {}

  /** Cursors are `[next_page token, items to skip]`: Quay fixes its own page size. */
  repositories(
    namespace: string,
    first: number,
    after: string | null,
    credential: RegistryCredential | null,
  ): Promise<AdapterPage<RepositoryInfo>> {
    return skipPages(
      first,
      parseCursor(after),
      async (pageToken: string | null) => {
        const query = new URLSearchParams({
          namespace,
          ...(pageToken && { next_page: pageToken }),
        });
        const body = await this.json('GET', `/api/v1/repository?${query}`, credential);
        if (!Array.isArray(body.repositories)) {
          throw upstreamError('UPSTREAM_INVALID', 'Quay repository list has no repositories array');
        }
        return { items: body.repositories.filter(isObject), next: str(body.next_page) };
      },
      (repo) => ({
        name: `${str(repo.namespace) ?? namespace}/${str(repo.name) ?? ''}`,
        lastModified: epoch(repo.last_modified)?.toISOString() ?? null,
      }),
      (pageToken, skip) => JSON.stringify([pageToken, skip]),
    );
  }

  /** Every entry of the tag, active and expired, newest first. */
  async tagHistory(
    repository: string,
    tag: string,
    credential: RegistryCredential | null,
  ): Promise<TagHistoryEntry[]> {
    const entries: TagHistoryEntry[] = [];
    for (let page = 1; page <= MAX_HISTORY_PAGES; page++) {
      const query = new URLSearchParams({
        onlyActiveTags: 'false',
        specificTag: tag,
        page: String(page),
        limit: String(HISTORY_PAGE),
      });
      const body = await this.json(
        'GET',
        `/api/v1/repository/${split(repository)}/tag/?${query}`,
        credential,
      );
      if (!Array.isArray(body.tags))
        throw upstreamError('UPSTREAM_INVALID', 'Quay tag history has no tags array');
      for (const raw of body.tags) {
        const digest = isObject(raw) ? str(raw.manifest_digest) : null;
        const startedAt = isObject(raw) ? epoch(raw.start_ts) : null;
        if (!isObject(raw) || raw.name !== tag || !digest || !startedAt) continue;
        const endedAt = epoch(raw.end_ts);
        entries.push({
          tag,
          digest,
          startedAt,
          endedAt,
          active: endedAt === null || endedAt > new Date(),
          isIndex: raw.is_manifest_list === true,
        });
      }
      if (body.has_additional !== true) break;
    }
    return entries.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  }

  async restoreTag(
    repository: string,
    tag: string,
    digest: string,
    credential: RegistryCredential | null,
  ): Promise<void> {
    await this.json(
      'POST',
      `/api/v1/repository/${split(repository)}/tag/${encodeURIComponent(tag)}/restore`,
      credential,
      { manifest_digest: digest },
    );
  }

  async vulnerabilities(
    repository: string,
    digest: string,
    credential: RegistryCredential | null,
  ): Promise<VulnerabilityReport> {
    const body = await this.json(
      'GET',
      `/api/v1/repository/${split(repository)}/manifest/${digest}/security?vulnerabilities=true`,
      credential,
    );
    const layer = isObject(body.data) && isObject(body.data.Layer) ? body.data.Layer : null;
    const features = Array.isArray(layer?.Features) ? layer.Features : [];
    return {
      status: str(body.status) ?? 'unsupported',
      features: features.filter(isObject).map((f) => ({
        name: str(f.Name) ?? '',
        version: str(f.Version) ?? '',
        vulnerabilities: (Array.isArray(f.Vulnerabilities) ? f.Vulnerabilities : [])
          .filter(isObject)
          .map((v) => ({
            name: str(v.Name) ?? '',
            severity: str(v.Severity) ?? 'Unknown',
            fixedBy: str(v.FixedBy),
            link: str(v.Link),
            description: str(v.Description),
          })),
      })),
    };
  }

  private async json(
    method: 'GET' | 'POST',
    path: string,
    credential: RegistryCredential | null,
    payload?: unknown,
  ): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential?.kind === 'TOKEN') headers.authorization = `Bearer ${credential.secret}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await this.transport.send(new URL(path, this.base), {
      method,
      headers,
      ...(payload !== undefined && { body: JSON.stringify(payload) }),
    });
    const what = `Quay ${method} ${path.split('?')[0]}`;
    if (res.status >= 200 && res.status < 300) {
      if (res.status === 204) {
        await res.body.dump();
        return {};
      }
      const body = await readJson(res, MAX_BYTES, what);
      return isObject(body) ? body : {};
    }
    const problem = await readBounded(res, 64 * 1024, what).then(problemDetail, () => '');
    if (res.status === 401 || res.status === 403)
      throw upstreamError(
        'UPSTREAM_UNAUTHORIZED',
        `${what}: refused (${res.status})${problem}`,
        res.status,
      );
    if (res.status === 404)
      throw upstreamError('UPSTREAM_NOT_FOUND', `${what}: not found${problem}`, 404);
    throw upstreamError('UPSTREAM_REJECTED', `${what}: ${res.status}${problem}`, res.status);
  }
}

/** RFC 7807 problem documents carry the reason in `detail` or `error_message`. */
function problemDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const detail = str(parsed.detail) ?? str(parsed.error_message) ?? str(parsed.title);
    return detail ? `: ${detail.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}
