/**
 * Quay (quay.io or self-hosted) on loopback: `/v2` with Quay's token flavour plus the `/api/v1`
 * REST API (repositories, tag history, restore, security), content in a real CNCF registry.
 * Limitation: DELETE of a tag ends its history entry and hides the tag from this stand-in's own
 * answers; the backing registry still holds it.
 */

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { StandIn } from '../plugin';
import {
  ALL_ACTIONS,
  KeyedLock,
  TokenStore,
  absoluteLinks,
  actionFor,
  backingLayersSize,
  backingManifest,
  backingManifestHead,
  backingRetag,
  backingTags,
  basicCredentials,
  bearerChallenge,
  bearerToken,
  describeRequest,
  grantedActions,
  isIndexType,
  isRegistryRoot,
  listen,
  mapLimited,
  namespaceRepositories,
  parseRegistryPath,
  proxy,
  readJson,
  registryError,
  requestUrl,
  requestedScopes,
  sendJson,
  serveTagList,
  type Grant,
  type RecordedRequest,
  type RegistryRoute,
  type Scope,
  type BackingRegistry,
} from '../stand-in-common';

export interface QuayStandInOptions {
  backing: BackingRegistry;
  /** robot `org+name` -> robot token (Basic credentials on /v2/auth) */
  robots?: Record<string, string>;
  /** OAuth application tokens (Bearer on /api/v1) */
  oauthTokens?: string[];
  /** `namespace/name` repositories that are not public */
  privateRepositories?: string[];
  /** repositories per page of GET /api/v1/repository; default 2 */
  repositoriesPageSize?: number;
}

export interface SecurityReport {
  status: 'scanned' | 'queued' | 'failed' | 'unsupported';
  data: unknown;
}

export interface QuayStandIn {
  /** app_url, http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT, the token service name */
  host: string;
  requests: RecordedRequest[];
  /** What the security endpoint answers for a manifest digest (default queued). */
  setSecurity(digest: string, report: SecurityReport): void;
  close(): Promise<void>;
}

const TOKEN_TTL_S = 3600;
const MAX_TAGS_PER_PAGE = 100;

interface TagEntry {
  id: number;
  name: string;
  digest: string;
  isList: boolean;
  size: number | null;
  start: number;
  end?: number;
  reversion: boolean;
}

interface RepositoryHistory {
  entries: TagEntry[];
  deleted: Set<string>;
}

interface QuayState {
  options: QuayStandInOptions;
  url: string;
  host: string;
  tokens: TokenStore;
  histories: Map<string, RepositoryHistory>;
  locks: KeyedLock;
  security: Map<string, SecurityReport>;
  nextId: number;
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

const isPrivate = (state: QuayState, repository: string) =>
  (state.options.privateRepositories ?? []).includes(repository);

function historyOf(state: QuayState, repository: string): RepositoryHistory {
  let history = state.histories.get(repository);
  if (!history) {
    history = { entries: [], deleted: new Set() };
    state.histories.set(repository, history);
  }
  return history;
}

const activeEntry = (history: RepositoryHistory, tag: string) =>
  history.entries.find((e) => e.name === tag && e.end === undefined);

const latestEntry = (history: RepositoryHistory, tag: string) =>
  history.entries.filter((e) => e.name === tag).at(-1);

async function manifestSize(state: QuayState, repository: string, digest: string, isList: boolean) {
  if (isList) return null;
  return (await backingLayersSize(state.options.backing, repository, digest)) ?? null;
}

async function startEntry(
  state: QuayState,
  repository: string,
  tag: string,
  head: { digest: string; mediaType: string },
  reversion = false,
): Promise<void> {
  const history = historyOf(state, repository);
  const now = epochSeconds();
  const active = activeEntry(history, tag);
  if (active) active.end = now;
  const isList = isIndexType(head.mediaType);
  history.entries.push({
    id: state.nextId++,
    name: tag,
    digest: head.digest,
    isList,
    size: await manifestSize(state, repository, head.digest, isList),
    start: now,
    reversion,
  });
  history.deleted.delete(tag);
}

async function syncTag(state: QuayState, repository: string, tag: string): Promise<void> {
  const history = historyOf(state, repository);
  const head = await backingManifestHead(state.options.backing, repository, tag);
  if (!head) return;
  const known = history.deleted.has(tag) ? latestEntry(history, tag) : activeEntry(history, tag);
  if (known?.digest === head.digest) return;
  await startEntry(state, repository, tag, head);
}

/** Brings the tag history in line with the backing registry (pushes made straight to it). */
function sync(state: QuayState, repository: string): Promise<void> {
  return state.locks.run(repository, async () => {
    const tags = (await backingTags(state.options.backing, repository)) ?? [];
    await mapLimited(tags, 16, (tag) => syncTag(state, repository, tag));
    const now = epochSeconds();
    for (const entry of historyOf(state, repository).entries) {
      if (entry.end === undefined && !tags.includes(entry.name)) entry.end = now;
    }
  });
}

function grantScope(
  state: QuayState,
  identity: string | undefined,
  scope: Scope,
): Scope | undefined {
  if (scope.type !== 'repository') return undefined;
  const name = scope.name.startsWith(`${state.host}/`)
    ? scope.name.slice(state.host.length + 1)
    : scope.name;
  const allowed = identity !== undefined ? ALL_ACTIONS : isPrivate(state, name) ? [] : ['pull'];
  return { type: 'repository', name, actions: grantedActions(scope.actions, allowed) };
}

function challengeHeaders(state: QuayState, scope?: string): OutgoingHttpHeaders {
  return {
    'www-authenticate': bearerChallenge(`${state.url}/v2/auth`, state.host, scope),
    'docker-distribution-api-version': 'registry/2.0',
  };
}

function unauthorized(
  state: QuayState,
  res: ServerResponse,
  scope?: string,
  message?: string,
): void {
  registryError(
    res,
    401,
    'UNAUTHORIZED',
    message ?? 'access to the requested resource is not authorized',
    {},
    challengeHeaders(state, scope),
  );
}

function handleToken(state: QuayState, req: IncomingMessage, res: ServerResponse): void {
  const url = requestUrl(req);
  const credentials = basicCredentials(req.headers);
  if (
    req.headers.authorization &&
    state.options.robots?.[credentials?.username ?? ''] !== credentials?.password
  ) {
    return unauthorized(state, res, undefined, 'Invalid Username or Password');
  }
  const scopes = requestedScopes(url);
  if (!credentials && scopes.length === 0) return unauthorized(state, res);
  const granted = scopes
    .map((s) => grantScope(state, credentials?.username, s))
    .filter((s): s is Scope => s !== undefined);
  sendJson(res, 200, { token: state.tokens.issue(credentials?.username, granted, TOKEN_TTL_S) });
}

function v2Root(state: QuayState, res: ServerResponse, grant: Grant | undefined): void {
  const body = Buffer.from('true');
  res.writeHead(grant ? 200 : 401, {
    ...challengeHeaders(state),
    'content-type': 'text/html; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}

async function catalog(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  grant: Grant | undefined,
) {
  if (!grant) return unauthorized(state, res);
  const answer = await fetch(`${state.options.backing.url}${req.url}`);
  const body = (await answer.json()) as { repositories?: string[] };
  const visible = (body.repositories ?? []).filter(
    (r) => grant.identity !== undefined || !isPrivate(state, r),
  );
  const link = answer.headers.get('link');
  sendJson(
    res,
    answer.status,
    { repositories: visible },
    link ? { link: absoluteLinks(state.url)(link) } : {},
  );
}

async function tagList(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RegistryRoute,
) {
  const url = requestUrl(req);
  if (Number(url.searchParams.get('n') ?? 0) > MAX_TAGS_PER_PAGE) {
    registryError(res, 413, 'TOO_MANY_TAGS_REQUESTED', 'too many tags requested', {});
    return;
  }
  await serveTagList(res, state.options.backing, route.name, url, {
    linkBase: state.url,
    defaultPageSize: MAX_TAGS_PER_PAGE,
    hidden: historyOf(state, route.name).deleted,
  });
}

async function serveRoute(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  route: RegistryRoute,
) {
  const grant = state.tokens.find(bearerToken(req.headers));
  const action = actionFor(req.method);
  if (!state.tokens.allows(grant, route.name, action)) {
    const scopes = action === 'pull' ? 'pull' : 'pull,push';
    return unauthorized(state, res, `repository:${route.name}:${scopes}`);
  }
  await sync(state, route.name);
  if (route.kind === 'tags') return tagList(state, req, res, route);
  const hidden =
    route.kind === 'manifests' && historyOf(state, route.name).deleted.has(route.reference ?? '');
  if (hidden && (req.method === 'GET' || req.method === 'HEAD')) {
    registryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown', {});
    return;
  }
  await proxy(req, res, state.options.backing, {
    publicUrl: state.url,
    rewrite: absoluteLinks(state.url),
  });
}

async function handleV2(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) {
  if (pathname === '/v2/auth') return handleToken(state, req, res);
  const grant = state.tokens.find(bearerToken(req.headers));
  if (isRegistryRoot(pathname)) return v2Root(state, res, grant);
  if (pathname === '/v2/_catalog') return catalog(state, req, res, grant);
  const route = parseRegistryPath(pathname);
  if (!route) {
    registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', {});
    return;
  }
  await serveRoute(state, req, res, route);
}

type ErrorType = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'not_found';

function problem(
  state: QuayState,
  res: ServerResponse,
  status: number,
  type: ErrorType,
  detail: string,
): void {
  sendJson(
    res,
    status,
    {
      detail,
      error_message: detail,
      error_type: type,
      title: type,
      type: `${state.url}/api/v1/error/${type}`,
      status,
    },
    {},
    'application/problem+json',
  );
}

/** undefined: anonymous; null: a bearer token that is not one of ours. */
function oauthIdentity(state: QuayState, req: IncomingMessage): string | undefined | null {
  const token = bearerToken(req.headers);
  if (token === undefined) return undefined;
  return (state.options.oauthTokens ?? []).includes(token) ? `oauth:${token}` : null;
}

function requireAccess(
  state: QuayState,
  res: ServerResponse,
  identity: string | undefined,
  repository: string,
  write: boolean,
): boolean {
  if (identity !== undefined || (!write && !isPrivate(state, repository))) return true;
  problem(state, res, 401, 'invalid_token', 'Requires authentication');
  return false;
}

const formatDate = (epoch: number) => new Date(epoch * 1000).toUTCString().replace('GMT', '-0000');

function tagJson(entry: TagEntry) {
  return {
    name: entry.name,
    reversion: entry.reversion,
    start_ts: entry.start,
    ...(entry.end !== undefined && { end_ts: entry.end }),
    manifest_digest: entry.digest,
    is_manifest_list: entry.isList,
    size: entry.size,
    last_modified: formatDate(entry.start),
    ...(entry.end !== undefined && { expiration: formatDate(entry.end) }),
  };
}

async function repositoryExists(state: QuayState, repository: string): Promise<boolean> {
  return (
    (await backingTags(state.options.backing, repository)) !== undefined ||
    state.histories.has(repository)
  );
}

async function tagHistory(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  repository: string,
) {
  if (!(await repositoryExists(state, repository)))
    return problem(state, res, 404, 'not_found', 'Not Found');
  await sync(state, repository);
  const url = requestUrl(req);
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const limit = Math.min(
    MAX_TAGS_PER_PAGE,
    Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50),
  );
  const specific = url.searchParams.get('specificTag') || undefined;
  const onlyActive = /^(true|1)$/i.test(url.searchParams.get('onlyActiveTags') ?? '');
  const matching = [...historyOf(state, repository).entries]
    .reverse()
    .filter(
      (e) =>
        (specific === undefined || e.name === specific) && (!onlyActive || e.end === undefined),
    );
  const slice = matching.slice((page - 1) * limit, page * limit);
  sendJson(res, 200, {
    tags: slice.map(tagJson),
    page,
    has_additional: matching.length > page * limit,
  });
}

async function moveTag(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  repository: string,
  tag: string,
  reversion: boolean,
): Promise<void> {
  const digest = (await readJson(req))?.manifest_digest;
  if (typeof digest !== 'string')
    return problem(state, res, 400, 'invalid_request', 'Missing manifest_digest');
  await sync(state, repository);
  const moved = await state.locks.run(repository, async () => {
    const manifest = await backingManifest(state.options.backing, repository, digest);
    if (!manifest) return false;
    await backingRetag(state.options.backing, repository, tag, manifest);
    await startEntry(state, repository, tag, manifest, reversion);
    return true;
  });
  if (!moved) return problem(state, res, 404, 'not_found', 'Not Found');
  if (reversion) sendJson(res, 200, {});
  else sendJson(res, 201, 'Updated');
}

async function deleteTag(state: QuayState, res: ServerResponse, repository: string, tag: string) {
  await sync(state, repository);
  const history = historyOf(state, repository);
  const active = activeEntry(history, tag);
  if (!active) return problem(state, res, 404, 'not_found', 'Not Found');
  active.end = epochSeconds();
  history.deleted.add(tag);
  res.writeHead(204).end();
}

async function security(state: QuayState, res: ServerResponse, repository: string, digest: string) {
  await sync(state, repository);
  if (!(await backingManifestHead(state.options.backing, repository, digest))) {
    return problem(
      state,
      res,
      404,
      'not_found',
      `Manifest ${digest} not found in repository ${repository}`,
    );
  }
  sendJson(res, 200, state.security.get(digest) ?? { status: 'queued', data: null });
}

const NEXT_PAGE_PREFIX = 'qsa';

function decodePage(token: string | null): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(
      Buffer.from(token.slice(NEXT_PAGE_PREFIX.length), 'base64url').toString('utf8'),
    ) as {
      offset?: unknown;
    };
    return typeof parsed.offset === 'number' ? parsed.offset : 0;
  } catch {
    return 0;
  }
}

const encodePage = (offset: number) =>
  NEXT_PAGE_PREFIX + Buffer.from(JSON.stringify({ offset })).toString('base64url');

async function repositoryJson(state: QuayState, repository: string) {
  await sync(state, repository);
  const [namespace, name] = repository.split('/');
  const starts = historyOf(state, repository).entries.map((e) => e.end ?? e.start);
  return {
    namespace,
    name,
    description: null,
    is_public: !isPrivate(state, repository),
    kind: 'image',
    state: 'NORMAL',
    last_modified: starts.length ? Math.max(...starts) : null,
    is_starred: false,
  };
}

async function listRepositories(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  identity?: string,
) {
  const url = requestUrl(req);
  const namespace = url.searchParams.get('namespace');
  if (!namespace) {
    return problem(
      state,
      res,
      400,
      'invalid_request',
      'namespace, starred or public are required for this API call',
    );
  }
  const visible = await namespaceRepositories(
    state.options.backing,
    namespace,
    (r) => identity !== undefined || !isPrivate(state, r),
  );
  const size = state.options.repositoriesPageSize ?? 2;
  const offset = decodePage(url.searchParams.get('next_page'));
  const slice = visible.slice(offset, offset + size);
  const repositories = await mapLimited(slice, 4, (r) => repositoryJson(state, r));
  const more = offset + size < visible.length;
  sendJson(res, 200, { repositories, ...(more && { next_page: encodePage(offset + size) }) });
}

const REPOSITORY_API = /^\/api\/v1\/repository\/([^/]+)\/([^/]+)\/(tag|manifest)\/(.*)$/;

async function routeRepositoryApi(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  match: RegExpExecArray,
  identity: string | undefined,
): Promise<void> {
  const repository = `${match[1]}/${match[2]}`;
  const rest = match[4].split('/').filter(Boolean).map(decodeURIComponent);
  const write = req.method !== 'GET';
  if (!requireAccess(state, res, identity, repository, write)) return;
  if (match[3] === 'manifest') {
    if (req.method === 'GET' && rest.length === 2 && rest[1] === 'security') {
      return security(state, res, repository, rest[0]);
    }
  } else if (rest.length === 0 && req.method === 'GET') {
    return tagHistory(state, req, res, repository);
  } else if (rest.length === 2 && rest[1] === 'restore' && req.method === 'POST') {
    return moveTag(state, req, res, repository, rest[0], true);
  } else if (rest.length === 1 && req.method === 'PUT') {
    return moveTag(state, req, res, repository, rest[0], false);
  } else if (rest.length === 1 && req.method === 'DELETE') {
    return deleteTag(state, res, repository, rest[0]);
  }
  problem(state, res, 404, 'not_found', 'Not Found');
}

async function handleApi(
  state: QuayState,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) {
  const identity = oauthIdentity(state, req);
  if (identity === null)
    return problem(state, res, 401, 'invalid_token', 'The access token provided was invalid.');
  if (/^\/api\/v1\/repository\/?$/.test(pathname) && req.method === 'GET') {
    return listRepositories(state, req, res, identity);
  }
  const match = REPOSITORY_API.exec(pathname);
  if (match) return routeRepositoryApi(state, req, res, match, identity);
  problem(state, res, 404, 'not_found', 'Not Found');
}

async function handle(state: QuayState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { pathname } = requestUrl(req);
  if (pathname === '/v2' || pathname.startsWith('/v2/')) return handleV2(state, req, res, pathname);
  if (pathname.startsWith('/api/v1/')) return handleApi(state, req, res, pathname);
  problem(state, res, 404, 'not_found', 'Not Found');
}

export async function startQuayStandIn(options: QuayStandInOptions): Promise<QuayStandIn> {
  const requests: RecordedRequest[] = [];
  const state: QuayState = {
    options,
    url: '',
    host: '',
    tokens: new TokenStore(),
    histories: new Map(),
    locks: new KeyedLock(),
    security: new Map(),
    nextId: 1,
  };
  const listener = await listen(
    (req, res) => handle(state, req, res),
    (req) => requests.push(describeRequest(req)),
  );
  state.url = listener.url;
  state.host = listener.host;
  return {
    url: listener.url,
    host: listener.host,
    requests,
    setSecurity: (digest, report) => {
      state.security.set(digest, report);
    },
    close: () => listener.close(),
  };
}

/** The contract suite's Quay: team/private for the robot only, the REST API with an OAuth token. */
export const standIn: StandIn = {
  authScheme: 'Bearer',
  publicRepository: 'team/app',
  listsDigests: false,
  start: async (backing) => {
    const quay = await startQuayStandIn({
      backing,
      robots: { 'team+ci': 'ROBOTTOKEN' },
      oauthTokens: ['quay-oauth-token'],
      privateRepositories: ['team/private'],
    });
    const robot = { username: 'team+ci', kind: 'QUAY_ROBOT' };
    return {
      url: quay.url,
      credential: { ...robot, id: 'cred-quay-robot', secret: 'ROBOTTOKEN' },
      wrongCredential: { ...robot, id: 'cred-quay-robot-wrong', secret: 'WRONG' },
      writeCredential: {
        id: 'cred-quay-oauth',
        username: null,
        secret: 'quay-oauth-token',
        kind: 'TOKEN',
      },
      repositoriesQuery: 'team',
      tokenRequests: () => quay.requests.filter((r) => r.path.startsWith('/v2/auth')).length,
      close: () => quay.close(),
    };
  },
};
