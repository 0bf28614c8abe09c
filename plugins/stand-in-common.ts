/**
 * Shared plumbing for the vendor stand-ins (`plugins/<kind>/stand-in.ts`), the loopback servers
 * that speak a vendor's wire format for the tests: listeners, token bookkeeping, proxying to a
 * backing registry. Only tests start them; regql itself never imports a stand-in.
 */

import { randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  manifestAccept,
  OCI_INDEX,
  OCI_MANIFEST,
} from '../src/oci/media-types';

/** The plain registry a stand-in keeps its content in (a real docker-registry in the tests). */
export interface BackingRegistry {
  /** http://127.0.0.1:PORT */
  url: string;
}

export const MEDIA_TYPES = {
  ociManifest: OCI_MANIFEST,
  ociIndex: OCI_INDEX,
  dockerManifest: DOCKER_MANIFEST,
  dockerList: DOCKER_MANIFEST_LIST,
};

export const MANIFEST_ACCEPT = manifestAccept;

export const isIndexType = (mediaType: string) =>
  mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerList;

export interface RecordedRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  authorization?: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Listener {
  server: Server;
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT */
  host: string;
  close(): Promise<void>;
}

export function describeRequest(req: IncomingMessage): RecordedRequest {
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    ...(req.headers.authorization && { authorization: req.headers.authorization }),
  };
}

function answerCrash(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, {
    errors: [{ code: 'UNKNOWN', message: 'stand-in failure', detail: String(err) }],
  });
}

export async function listen(
  handler: Handler,
  onRequest?: (req: IncomingMessage) => void,
): Promise<Listener> {
  const server = createServer((req, res) => {
    onRequest?.(req);
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => answerCrash(res, err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () => closeServer(server),
  };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://stand-in.invalid');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
  contentType = 'application/json; charset=utf-8',
): void {
  const data = Buffer.from(JSON.stringify(body) + '\n');
  res.writeHead(status, { 'content-type': contentType, 'content-length': data.length, ...headers });
  res.end(data);
}

export function registryError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  detail: unknown = null,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(
    res,
    status,
    { errors: [{ code, message, detail }] },
    { 'docker-distribution-api-version': 'registry/2.0', ...headers },
  );
}

/** What the Go registries answer for a path they do not route. */
export function pageNotFound(res: ServerResponse): void {
  const body = Buffer.from('404 page not found\n');
  res.writeHead(404, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
  });
  res.end(body);
}

export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = JSON.parse((await readBody(req)).toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface Credentials {
  username: string;
  password: string;
}

function decodeUsername(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function basicCredentials(headers: IncomingHttpHeaders): Credentials | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decodeUsername(decoded.slice(0, colon)), password: decoded.slice(colon + 1) };
}

export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
}

export interface Scope {
  type: string;
  name: string;
  actions: string[];
}

/** `type:name:actions`; the name may hold `host:port`, so split at the first and last colon only. */
export function parseScope(text: string): Scope | undefined {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last <= first + 1) return undefined;
  return {
    type: text.slice(0, first),
    name: text.slice(first + 1, last),
    actions: text
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

export function requestedScopes(url: URL): Scope[] {
  return url.searchParams
    .getAll('scope')
    .flatMap((value) => value.split(' '))
    .filter(Boolean)
    .map(parseScope)
    .filter((scope): scope is Scope => scope !== undefined);
}

export const ALL_ACTIONS = ['pull', 'push', 'delete', '*'];

export function grantedActions(requested: string[], allowed: string[]): string[] {
  return requested.filter((action) => allowed.includes(action));
}

export interface Grant {
  /** undefined for anonymous tokens */
  identity?: string;
  /** `type:name` -> granted actions */
  access: Map<string, string[]>;
  expiresAt: number;
}

export class TokenStore {
  private readonly grants = new Map<string, Grant>();

  issue(identity: string | undefined, scopes: Scope[], ttlSeconds: number): string {
    const token = randomBytes(24).toString('base64url');
    const access = new Map(scopes.map((s) => [`${s.type}:${s.name}`, s.actions] as const));
    this.grants.set(token, {
      ...(identity !== undefined && { identity }),
      access,
      expiresAt: Date.now() + ttlSeconds * 1000,
    });
    return token;
  }

  find(token: string | undefined): Grant | undefined {
    const grant = token === undefined ? undefined : this.grants.get(token);
    return grant && grant.expiresAt > Date.now() ? grant : undefined;
  }

  allows(grant: Grant | undefined, repository: string, action: string): boolean {
    const actions = grant?.access.get(`repository:${repository}`) ?? [];
    return actions.includes(action) || actions.includes('*');
  }
}

export function bearerChallenge(
  realm: string,
  service: string,
  scope?: string,
  error?: string,
): string {
  return [
    `Bearer realm="${realm}"`,
    `service="${service}"`,
    ...(scope ? [`scope="${scope}"`] : []),
    ...(error ? [`error="${error}"`] : []),
  ].join(',');
}

export interface RegistryRoute {
  name: string;
  kind: 'manifests' | 'blobs' | 'uploads' | 'tags' | 'referrers';
  reference?: string;
}

export function parseRegistryPath(pathname: string): RegistryRoute | undefined {
  const tags = /^\/v2\/(.+)\/tags\/list$/.exec(pathname);
  if (tags) return { name: tags[1], kind: 'tags' };
  const uploads = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(pathname);
  if (uploads) return { name: uploads[1], kind: 'uploads', reference: uploads[2] };
  const item = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(pathname);
  if (item) return { name: item[1], kind: item[2] as RegistryRoute['kind'], reference: item[3] };
  return undefined;
}

export function actionFor(method: string | undefined): string {
  if (method === 'GET' || method === 'HEAD') return 'pull';
  return method === 'DELETE' ? 'delete' : 'push';
}

export function isRegistryRoot(pathname: string): boolean {
  return pathname === '/v2/' || pathname === '/v2';
}

const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'range',
  'if-none-match',
  'content-type',
  'content-length',
  'content-range',
  'transfer-encoding',
];

const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'docker-content-digest',
  'docker-distribution-api-version',
  'docker-upload-uuid',
  'link',
  'location',
  'etag',
  'range',
  'content-range',
  'accept-ranges',
  'oci-subject',
  'oci-filters-applied',
];

function pick(headers: IncomingHttpHeaders, names: string[]): OutgoingHttpHeaders {
  return Object.fromEntries(
    names.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]]),
  ) as OutgoingHttpHeaders;
}

export interface ProxyOptions {
  /** Path and query to ask the backing registry for; defaults to the incoming one. */
  path?: string;
  /** Extra response headers. */
  headers?: OutgoingHttpHeaders;
  /** Rewrites a Link or Location value (after backing URLs are pointed at the stand-in). */
  rewrite?: (value: string) => string;
  /** The stand-in's own base URL, replacing absolute backing URLs. */
  publicUrl: string;
}

function rewriteUrls(value: string, backing: BackingRegistry, options: ProxyOptions): string {
  const pointed = value.split(backing.url).join(options.publicUrl);
  return options.rewrite ? options.rewrite(pointed) : pointed;
}

/** Streams a request through to the backing registry and its answer back, status and headers kept. */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  backing: BackingRegistry,
  options: ProxyOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(
      `${backing.url}${options.path ?? req.url ?? '/'}`,
      { method: req.method, headers: pick(req.headers, FORWARDED_REQUEST_HEADERS) },
      (answer) => {
        const headers = pick(answer.headers, FORWARDED_RESPONSE_HEADERS);
        for (const name of ['link', 'location']) {
          const value = headers[name];
          if (typeof value === 'string') headers[name] = rewriteUrls(value, backing, options);
        }
        res.writeHead(answer.statusCode ?? 502, { ...headers, ...options.headers });
        answer.pipe(res);
        answer.once('end', () => resolve());
        answer.once('error', reject);
        res.once('close', () => answer.destroy());
      },
    );
    upstream.once('error', reject);
    req.pipe(upstream);
  });
}

/** Turns a relative `</v2/...>` Link target into an absolute URL on `base`. */
export const absoluteLinks = (base: string) => (value: string) =>
  value.replace(/<\//g, `<${base}/`);

export function nextLink(link: string | null): string | undefined {
  return link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined;
}

const MAX_PAGES = 1000;

async function collectPages<T>(
  backing: BackingRegistry,
  first: string,
  field: string,
): Promise<T[] | undefined> {
  const items: T[] = [];
  let next: string | undefined = first;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const answer = await fetch(new URL(next, backing.url));
    if (answer.status === 404) return undefined;
    if (!answer.ok) throw new Error(`backing ${next}: ${answer.status} ${await answer.text()}`);
    const body = (await answer.json()) as Record<string, T[] | null>;
    items.push(...(body[field] ?? []));
    next = nextLink(answer.headers.get('link'));
  }
  return items;
}

/** Every tag of a repository in the backing registry, or undefined when the repository is unknown. */
export function backingTags(backing: BackingRegistry, name: string): Promise<string[] | undefined> {
  return collectPages<string>(backing, `/v2/${name}/tags/list?n=1000`, 'tags');
}

export async function backingCatalog(backing: BackingRegistry): Promise<string[]> {
  return (await collectPages<string>(backing, '/v2/_catalog?n=1000', 'repositories')) ?? [];
}

/** The backing registry's two-component repositories in `namespace` that `visible` lets through. */
export async function namespaceRepositories(
  backing: BackingRegistry,
  namespace: string,
  visible: (repository: string) => boolean,
): Promise<string[]> {
  return (await backingCatalog(backing)).filter(
    (r) => r.split('/').length === 2 && r.startsWith(`${namespace}/`) && visible(r),
  );
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

export async function backingManifest(
  backing: BackingRegistry,
  name: string,
  reference: string,
): Promise<StoredManifest | undefined> {
  const answer = await fetch(`${backing.url}/v2/${name}/manifests/${reference}`, {
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (answer.status === 404) return undefined;
  if (!answer.ok) throw new Error(`backing manifest ${name}:${reference}: ${answer.status}`);
  return {
    digest: answer.headers.get('docker-content-digest') ?? '',
    mediaType: answer.headers.get('content-type') ?? '',
    body: Buffer.from(await answer.arrayBuffer()),
  };
}

export async function backingManifestHead(
  backing: BackingRegistry,
  name: string,
  reference: string,
): Promise<{ digest: string; mediaType: string } | undefined> {
  const answer = await fetch(`${backing.url}/v2/${name}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (answer.status === 404) return undefined;
  if (!answer.ok) throw new Error(`backing manifest HEAD ${name}:${reference}: ${answer.status}`);
  return {
    digest: answer.headers.get('docker-content-digest') ?? '',
    mediaType: answer.headers.get('content-type') ?? '',
  };
}

export async function backingBlobJson(
  backing: BackingRegistry,
  name: string,
  digest: string,
): Promise<unknown> {
  const answer = await fetch(`${backing.url}/v2/${name}/blobs/${digest}`);
  if (!answer.ok) throw new Error(`backing blob ${name}@${digest}: ${answer.status}`);
  return answer.json();
}

/** PUTs a manifest under a tag in the backing registry (how the stand-ins move tags). */
export async function backingRetag(
  backing: BackingRegistry,
  name: string,
  tag: string,
  manifest: StoredManifest,
): Promise<void> {
  const answer = await fetch(`${backing.url}/v2/${name}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: manifest.body,
  });
  if (answer.status !== 201)
    throw new Error(`backing retag ${name}:${tag}: ${answer.status} ${await answer.text()}`);
}

export interface ManifestJson {
  mediaType?: string;
  config?: { digest: string; size: number };
  layers?: { size: number }[];
  manifests?: { digest: string; mediaType: string; size: number; platform?: Platform }[];
}

export interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
}

export const layersSize = (manifest: ManifestJson) =>
  (manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, 0);

/** The layer total of a manifest in the backing registry, or undefined when it is unknown. */
export async function backingLayersSize(
  backing: BackingRegistry,
  name: string,
  digest: string,
): Promise<number | undefined> {
  const stored = await backingManifest(backing, name, digest);
  return stored && layersSize(JSON.parse(stored.body.toString('utf8')) as ManifestJson);
}

export { mapLimited } from '../src/core/map-limited';
export { KeyedLock } from '../src/core/keyed-lock';

/**
 * Answers `GET /v2/<name>/tags/list[?n=&last=]` from the full tag set, in lexical order with an
 * RFC 5988 `Link` to the next page (the backing distribution 2.8 neither sorts nor pages tags).
 */
export async function serveTagList(
  res: ServerResponse,
  backing: BackingRegistry,
  name: string,
  url: URL,
  options: { linkBase?: string; defaultPageSize?: number; hidden?: Set<string> } = {},
): Promise<void> {
  const all = await backingTags(backing, name);
  if (!all) {
    registryError(res, 404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
    return;
  }
  const last = url.searchParams.get('last');
  const requested = url.searchParams.get('n');
  const n = requested === null ? options.defaultPageSize : Math.max(0, Number(requested) || 0);
  const remaining = [...new Set(all)]
    .filter((tag) => !options.hidden?.has(tag) && (last === null || tag > last))
    .sort();
  const tags = n === undefined ? remaining : remaining.slice(0, n);
  const more = n !== undefined && n > 0 && remaining.length > n;
  const link = `${options.linkBase ?? ''}/v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(tags.at(-1) ?? '')}`;
  sendJson(res, 200, { name, tags }, more ? { link: `<${link}>; rel="next"` } : {});
}
