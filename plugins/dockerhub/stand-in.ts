/**
 * Docker Hub on loopback: registry-1.docker.io, auth.docker.io and hub.docker.com as three
 * listeners, content kept in a real CNCF registry (`library/nginx` for official images).
 */

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { StandIn } from '../plugin';
import {
  ALL_ACTIONS,
  TokenStore,
  actionFor,
  backingBlobJson,
  backingLayersSize,
  backingManifest,
  backingManifestHead,
  backingTags,
  basicCredentials,
  bearerChallenge,
  bearerToken,
  describeRequest,
  grantedActions,
  isIndexType,
  isRegistryRoot,
  layersSize,
  listen,
  mapLimited,
  namespaceRepositories,
  pageNotFound,
  parseRegistryPath,
  proxy,
  readJson,
  registryError,
  requestUrl,
  requestedScopes,
  sendJson,
  serveTagList,
  type Grant,
  type ManifestJson,
  type Platform,
  type RecordedRequest,
  type RegistryRoute,
  type Scope,
  type BackingRegistry,
} from '../stand-in-common';

export interface DockerHubStandInOptions {
  backing: BackingRegistry;
  /** username -> password, for the token service and the Hub API */
  users?: Record<string, string>;
  /** `namespace/name` repositories anonymous callers may not pull or see */
  privateRepositories?: string[];
  /** pulls (manifest GETs) allowed per window; default 100 */
  rateLimit?: number;
}

export interface DockerHubRequest extends RecordedRequest {
  service: 'registry' | 'auth' | 'hub';
}

export interface DockerHubStandIn {
  /** registry-1.docker.io role */
  registryUrl: string;
  /** auth.docker.io role; the realm is `${authUrl}/token` */
  authUrl: string;
  /** hub.docker.com role */
  hubUrl: string;
  requests: DockerHubRequest[];
  /** Sets the remaining pull count of the registry rate limit. */
  setRemaining(n: number): void;
  close(): Promise<void>;
}

const SERVICE = 'registry.docker.io';
const TOKEN_TTL_S = 300;
const HUB_TOKEN_TTL_S = 600;
const RATE_WINDOW_S = 21600;
const HUB_LIMIT = 180;
const HUB_WINDOW_S = 60;
const RATE_LIMIT_MESSAGE =
  'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit';

interface HubState {
  options: DockerHubStandInOptions;
  urls: { registry: string; auth: string; hub: string };
  registryTokens: TokenStore;
  hubTokens: TokenStore;
  remaining: number;
  hubWindow: { remaining: number; resetAt: number };
  stamps: Stamps;
}

/** ISO times that stay put for a (key, digest) and move forward when the digest changes. */
class Stamps {
  private readonly seen = new Map<string, { digest: string; at: string }>();
  private last = 0;

  at(key: string, digest: string): string {
    const known = this.seen.get(key);
    if (known?.digest === digest) return known.at;
    this.last = Math.max(Date.now(), this.last + 1);
    const at = new Date(this.last).toISOString();
    this.seen.set(key, { digest, at });
    return at;
  }
}

const isPrivate = (state: HubState, repository: string) =>
  (state.options.privateRepositories ?? []).includes(repository);

function allowedActions(
  state: HubState,
  identity: string | undefined,
  repository: string,
): string[] {
  if (identity !== undefined) return ALL_ACTIONS;
  return isPrivate(state, repository) ? [] : ['pull'];
}

function grantScope(state: HubState, identity: string | undefined, scope: Scope): Scope {
  if (scope.type !== 'repository') return { ...scope, actions: [] };
  return {
    ...scope,
    actions: grantedActions(scope.actions, allowedActions(state, identity, scope.name)),
  };
}

async function handleAuth(
  state: HubState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = requestUrl(req);
  if (url.pathname !== '/token' || req.method !== 'GET') {
    sendJson(res, 404, { details: 'not found' });
    return;
  }
  const credentials = basicCredentials(req.headers);
  if (credentials && state.options.users?.[credentials.username] !== credentials.password) {
    sendJson(res, 401, { details: 'incorrect username or password' });
    return;
  }
  const scopes = requestedScopes(url).map((s) => grantScope(state, credentials?.username, s));
  const token = state.registryTokens.issue(credentials?.username, scopes, TOKEN_TTL_S);
  sendJson(res, 200, {
    token,
    access_token: token,
    expires_in: TOKEN_TTL_S,
    issued_at: new Date().toISOString(),
  });
}

function unauthorized(
  state: HubState,
  res: ServerResponse,
  grant: Grant | undefined,
  scope?: string,
  detail: unknown = null,
): void {
  const error = grant && scope ? 'insufficient_scope' : undefined;
  registryError(res, 401, 'UNAUTHORIZED', 'authentication required', detail, {
    'www-authenticate': bearerChallenge(`${state.urls.auth}/token`, SERVICE, scope, error),
  });
}

function rateLimitHeaders(state: HubState): OutgoingHttpHeaders {
  return {
    'ratelimit-limit': `${state.options.rateLimit ?? 100};w=${RATE_WINDOW_S}`,
    'ratelimit-remaining': `${Math.max(state.remaining, 0)};w=${RATE_WINDOW_S}`,
    'docker-ratelimit-source': '127.0.0.1',
  };
}

async function serveRoute(
  state: HubState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RegistryRoute,
  grant: Grant | undefined,
): Promise<void> {
  const action = actionFor(req.method);
  if (!state.registryTokens.allows(grant, route.name, action)) {
    const detail = [{ Type: 'repository', Class: '', Name: route.name, Action: action }];
    unauthorized(state, res, grant, `repository:${route.name}:${action}`, detail);
    return;
  }
  if (route.kind === 'tags')
    return serveTagList(res, state.options.backing, route.name, requestUrl(req));
  if (route.kind !== 'manifests' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    await proxy(req, res, state.options.backing, { publicUrl: state.urls.registry });
    return;
  }
  if (req.method === 'GET') {
    if (state.remaining <= 0) {
      sendJson(
        res,
        429,
        { errors: [{ code: 'TOOMANYREQUESTS', message: RATE_LIMIT_MESSAGE }] },
        rateLimitHeaders(state),
      );
      return;
    }
    state.remaining--;
  }
  await proxy(req, res, state.options.backing, {
    publicUrl: state.urls.registry,
    headers: rateLimitHeaders(state),
  });
}

async function handleRegistry(
  state: HubState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { pathname } = requestUrl(req);
  const grant = state.registryTokens.find(bearerToken(req.headers));
  if (isRegistryRoot(pathname)) {
    if (!grant) return unauthorized(state, res, undefined);
    sendJson(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
    return;
  }
  if (pathname === '/v2/_catalog') {
    const detail = [{ Type: 'registry', Class: '', Name: 'catalog', Action: '*' }];
    return unauthorized(state, res, grant, 'registry:catalog:*', detail);
  }
  const route = parseRegistryPath(pathname);
  if (!route) {
    return pageNotFound(res);
  }
  await serveRoute(state, req, res, route, grant);
}

function hubHeaders(state: HubState): OutgoingHttpHeaders {
  const now = Date.now();
  if (now >= state.hubWindow.resetAt) {
    state.hubWindow = { remaining: HUB_LIMIT, resetAt: now + HUB_WINDOW_S * 1000 };
  }
  state.hubWindow.remaining = Math.max(state.hubWindow.remaining - 1, -1);
  return {
    'x-ratelimit-limit': String(HUB_LIMIT),
    'x-ratelimit-remaining': String(Math.max(state.hubWindow.remaining, 0)),
    'x-ratelimit-reset': String(Math.ceil(state.hubWindow.resetAt / 1000)),
  };
}

const notFound = (res: ServerResponse, headers: OutgoingHttpHeaders) =>
  sendJson(res, 404, { message: 'object not found', errinfo: {} }, headers);

interface HubImage {
  architecture: string;
  os: string;
  variant: string | null;
  size: number;
  digest: string;
  last_pushed: string;
  status: 'active';
}

interface HubTag {
  name: string;
  last_updated: string;
  tag_last_pushed: string;
  digest: string;
  media_type: string;
  content_type: 'image';
  full_size: number;
  tag_status: 'active';
  v2: true;
  images: HubImage[];
}

function hubImage(state: HubState, platform: Platform, digest: string, size: number): HubImage {
  return {
    architecture: platform.architecture ?? 'unknown',
    os: platform.os ?? 'unknown',
    variant: platform.variant ?? null,
    size,
    digest,
    last_pushed: state.stamps.at(`image:${digest}`, digest),
    status: 'active',
  };
}

async function indexImages(
  state: HubState,
  repository: string,
  index: ManifestJson,
): Promise<HubImage[]> {
  return mapLimited(index.manifests ?? [], 8, async (child) => {
    const size = await backingLayersSize(state.options.backing, repository, child.digest);
    return hubImage(state, child.platform ?? {}, child.digest, size ?? 0);
  });
}

async function singleImage(
  state: HubState,
  repository: string,
  digest: string,
  manifest: ManifestJson,
) {
  const config = manifest.config
    ? ((await backingBlobJson(
        state.options.backing,
        repository,
        manifest.config.digest,
      )) as Platform)
    : {};
  return hubImage(state, config, digest, layersSize(manifest));
}

async function hubTag(
  state: HubState,
  repository: string,
  tag: string,
): Promise<HubTag | undefined> {
  const stored = await backingManifest(state.options.backing, repository, tag);
  if (!stored) return undefined;
  const manifest = JSON.parse(stored.body.toString('utf8')) as ManifestJson;
  const images = isIndexType(stored.mediaType)
    ? await indexImages(state, repository, manifest)
    : [await singleImage(state, repository, stored.digest, manifest)];
  const main = images.find((i) => i.architecture === 'amd64') ?? images[0];
  const updated = state.stamps.at(`tag:${repository}:${tag}`, stored.digest);
  return {
    name: tag,
    last_updated: updated,
    tag_last_pushed: updated,
    digest: stored.digest,
    media_type: stored.mediaType,
    content_type: 'image',
    full_size: main?.size ?? 0,
    tag_status: 'active',
    v2: true,
    images,
  };
}

interface Page {
  page: number;
  size: number;
}

/** `page` and `page_size` (default 10, at most 100) of a Hub listing, or undefined after a 400. */
function pageOf(url: URL, res: ServerResponse, headers: OutgoingHttpHeaders): Page | undefined {
  const page = Number(url.searchParams.get('page') ?? '1');
  const size = Number(url.searchParams.get('page_size') ?? '10');
  if (Number.isInteger(page) && page >= 1 && Number.isInteger(size) && size >= 1)
    return { page, size: Math.min(size, 100) };
  sendJson(res, 400, { message: 'invalid pagination parameters', errinfo: {} }, headers);
  return undefined;
}

function pageLink(base: string, url: URL, page: number, size: number): string {
  const next = new URL(url.pathname, base);
  url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
  next.searchParams.set('page', String(page));
  next.searchParams.set('page_size', String(size));
  return next.toString();
}

function paginated<T>(state: HubState, url: URL, page: Page, all: T[], results: unknown[]) {
  const more = page.page * page.size < all.length;
  return {
    count: all.length,
    next: more ? pageLink(state.urls.hub, url, page.page + 1, page.size) : null,
    previous: page.page > 1 ? pageLink(state.urls.hub, url, page.page - 1, page.size) : null,
    results,
  };
}

async function tagOrder(state: HubState, repository: string, tags: string[], ordering: string) {
  if (ordering.endsWith('name')) {
    const sorted = [...tags].sort();
    return ordering.startsWith('-') ? sorted.reverse() : sorted;
  }
  const stamped = await mapLimited(tags, 16, async (tag) => {
    const head = await backingManifestHead(state.options.backing, repository, tag);
    return { tag, at: head ? state.stamps.at(`tag:${repository}:${tag}`, head.digest) : '' };
  });
  const direction = ordering === 'last_updated' ? 1 : -1;
  stamped.sort((a, b) => direction * a.at.localeCompare(b.at) || a.tag.localeCompare(b.tag));
  return stamped.map((s) => s.tag);
}

function hubIdentity(state: HubState, req: IncomingMessage): { ok: boolean; identity?: string } {
  const header = req.headers.authorization;
  if (!header) return { ok: true };
  const token = /^(?:Bearer|JWT)\s+(\S+)$/i.exec(header)?.[1];
  const grant = state.hubTokens.find(token);
  return grant ? { ok: true, identity: grant.identity } : { ok: false };
}

async function listTags(
  state: HubState,
  req: IncomingMessage,
  res: ServerResponse,
  repository: string,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  const url = requestUrl(req);
  const page = pageOf(url, res, headers);
  if (!page) return;
  const all = await backingTags(state.options.backing, repository);
  if (!all) return notFound(res, headers);
  const filter = url.searchParams.get('name') ?? '';
  const ordered = await tagOrder(
    state,
    repository,
    all.filter((t) => t.includes(filter)),
    url.searchParams.get('ordering') ?? '-last_updated',
  );
  const slice = ordered.slice((page.page - 1) * page.size, page.page * page.size);
  if (page.page > 1 && slice.length === 0) return notFound(res, headers);
  const results = (await mapLimited(slice, 8, (tag) => hubTag(state, repository, tag))).filter(
    Boolean,
  );
  sendJson(res, 200, paginated(state, url, page, ordered, results), headers);
}

async function getTag(
  state: HubState,
  res: ServerResponse,
  repository: string,
  tag: string,
  headers: OutgoingHttpHeaders,
) {
  const found = await hubTag(state, repository, tag);
  if (!found) return notFound(res, headers);
  sendJson(res, 200, found, headers);
}

async function repositoryEntry(state: HubState, repository: string) {
  const [namespace, name] = repository.split('/');
  const tags = (await backingTags(state.options.backing, repository)) ?? [];
  const heads = await mapLimited(tags, 16, async (tag) => {
    const head = await backingManifestHead(state.options.backing, repository, tag);
    return head ? state.stamps.at(`tag:${repository}:${tag}`, head.digest) : '';
  });
  const lastUpdated = heads.sort().at(-1) || null;
  return {
    name,
    namespace,
    repository_type: 'image',
    status: 1,
    status_description: 'active',
    description: '',
    is_private: isPrivate(state, repository),
    star_count: 0,
    pull_count: 0,
    last_updated: lastUpdated,
  };
}

async function listRepositories(
  state: HubState,
  req: IncomingMessage,
  res: ServerResponse,
  namespace: string,
  identity: string | undefined,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  const url = requestUrl(req);
  const page = pageOf(url, res, headers);
  if (!page) return;
  const visible = await namespaceRepositories(
    state.options.backing,
    namespace,
    (r) => identity !== undefined || !isPrivate(state, r),
  );
  const slice = visible.slice((page.page - 1) * page.size, page.page * page.size);
  if (page.page > 1 && slice.length === 0) return notFound(res, headers);
  const results = await mapLimited(slice, 4, (r) => repositoryEntry(state, r));
  sendJson(res, 200, paginated(state, url, page, visible, results), headers);
}

async function login(
  state: HubState,
  req: IncomingMessage,
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
) {
  const body = (await readJson(req)) ?? {};
  const legacy = requestUrl(req).pathname.startsWith('/v2/users/login');
  const username = String(body[legacy ? 'username' : 'identifier'] ?? '');
  const secret = String(body[legacy ? 'password' : 'secret'] ?? '');
  if (!username || state.options.users?.[username] !== secret) {
    sendJson(res, 401, { message: 'Incorrect authentication credentials.', errinfo: {} }, headers);
    return;
  }
  const token = state.hubTokens.issue(username, [], HUB_TOKEN_TTL_S);
  sendJson(res, 200, legacy ? { token } : { access_token: token }, headers);
}

const TAGS_PATH =
  /^\/v2\/(?:namespaces\/([^/]+)\/repositories\/([^/]+)|repositories\/([^/]+)\/([^/]+))\/tags(?:\/([^/]+))?\/?$/;
const REPOSITORIES_PATH = /^\/v2\/(?:repositories\/([^/]+)|namespaces\/([^/]+)\/repositories)\/?$/;

async function handleHub(
  state: HubState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const headers = hubHeaders(state);
  if (state.hubWindow.remaining < 0) {
    sendJson(
      res,
      429,
      { message: 'too many requests', errinfo: {} },
      { ...headers, 'retry-after': '60' },
    );
    return;
  }
  const { pathname } = requestUrl(req);
  if (req.method === 'POST' && /^\/v2\/(auth\/token|users\/login)\/?$/.test(pathname)) {
    return login(state, req, res, headers);
  }
  const caller = hubIdentity(state, req);
  if (!caller.ok) {
    sendJson(res, 401, { message: 'invalid authorization token', errinfo: {} }, headers);
    return;
  }
  const tags = TAGS_PATH.exec(pathname);
  if (req.method === 'GET' && tags) {
    const repository = `${tags[1] ?? tags[3]}/${tags[2] ?? tags[4]}`;
    if (isPrivate(state, repository) && caller.identity === undefined)
      return notFound(res, headers);
    return tags[5]
      ? getTag(state, res, repository, tags[5], headers)
      : listTags(state, req, res, repository, headers);
  }
  const repositories = REPOSITORIES_PATH.exec(pathname);
  if (req.method === 'GET' && repositories) {
    return listRepositories(
      state,
      req,
      res,
      repositories[1] ?? repositories[2],
      caller.identity,
      headers,
    );
  }
  notFound(res, headers);
}

export async function startDockerHubStandIn(
  options: DockerHubStandInOptions,
): Promise<DockerHubStandIn> {
  const requests: DockerHubRequest[] = [];
  const state: HubState = {
    options,
    urls: { registry: '', auth: '', hub: '' },
    registryTokens: new TokenStore(),
    hubTokens: new TokenStore(),
    remaining: options.rateLimit ?? 100,
    hubWindow: { remaining: HUB_LIMIT, resetAt: Date.now() + HUB_WINDOW_S * 1000 },
    stamps: new Stamps(),
  };
  const record = (service: DockerHubRequest['service']) => (req: IncomingMessage) =>
    requests.push({ ...describeRequest(req), service });
  const registry = await listen((req, res) => handleRegistry(state, req, res), record('registry'));
  const auth = await listen((req, res) => handleAuth(state, req, res), record('auth'));
  const hub = await listen((req, res) => handleHub(state, req, res), record('hub'));
  state.urls = { registry: registry.url, auth: auth.url, hub: hub.url };
  return {
    registryUrl: registry.url,
    authUrl: auth.url,
    hubUrl: hub.url,
    requests,
    setRemaining: (n) => {
      state.remaining = n;
    },
    close: async () => {
      await Promise.all([registry.close(), auth.close(), hub.close()]);
    },
  };
}

/** The contract suite's Docker Hub: registry, token service and Hub API, team/private for alice only. */
export const standIn: StandIn = {
  authScheme: 'Bearer',
  publicRepository: 'team/app',
  listsDigests: true,
  start: async (backing) => {
    const hub = await startDockerHubStandIn({
      backing,
      users: { alice: 'dckr_pat_secret' },
      privateRepositories: ['team/private'],
    });
    const alice = { username: 'alice', kind: 'DOCKER_HUB_TOKEN' };
    const credential = { ...alice, id: 'cred-hub-alice', secret: 'dckr_pat_secret' };
    return {
      url: hub.registryUrl,
      apiUrl: hub.hubUrl,
      credential,
      wrongCredential: { ...alice, id: 'cred-hub-alice-wrong', secret: 'wrong' },
      writeCredential: credential,
      repositoriesQuery: 'team/',
      tokenRequests: () => hub.requests.filter((r) => r.service === 'auth').length,
      close: () => hub.close(),
    };
  },
};
