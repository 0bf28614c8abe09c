import type { IncomingMessage, ServerResponse } from 'node:http';
import { markCredentialsRefused } from '../auth/credential-refusals';
import { allowedActions, grants, type Action } from './access';
import { apiContext, type Access, type ApiContext, type RegistryApiDeps } from './api-context';
import { API_VERSION } from './api-version';
import { UploadError } from './blob-store';
import { blobs } from './blobs';
import { OciError, sendOciError } from './errors';
import { catalog, referrers, tags } from './listings';
import { manifests } from './manifests';
import { checkName, parseRoute, type Route } from './paths';
import { callerOf } from './token-endpoint';
import { continueUpload, startUpload } from './uploads';

/** Every upload request needs push (a client cancels with the token it pushed with). */
function actionOf(route: Route, method: string): Action {
  if (route.kind === 'uploads' || route.kind === 'upload') return 'push';
  if (method === 'GET' || method === 'HEAD') return 'pull';
  return method === 'DELETE' ? 'delete' : 'push';
}

const scopeActions: Record<Action, string> = { pull: 'pull', push: 'pull,push', delete: 'delete' };

/** The path as sent: URL parsing would resolve `..` and `%2e%2e` segments before they are checked. */
const rawPath = (req: IncomingMessage) =>
  (req.url ?? '/').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split(/[?#]/)[0];

/**
 * The caller of one request, from a bearer token of the token endpoint or Basic credentials. A
 * bearer counts only while the regql token it was issued for exists, and only for what that
 * token may still do, so a revocation or a withdrawn pull grant reaches /v2 at once.
 */
async function accessOf(deps: RegistryApiDeps, req: IncomingMessage): Promise<Access | null> {
  const header = req.headers.authorization;
  const bearer = header && /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) {
    const verified = deps.tokens.verify(bearer[1]);
    if (!verified) {
      markCredentialsRefused(req);
      return null;
    }
    const identity = verified.subject ? await deps.identities.live(verified.subject) : null;
    if (verified.subject && !identity) {
      markCredentialsRefused(req);
      return null;
    }
    const callerMay = async (repository: string, action: Action) =>
      (await allowedActions(deps.pulls, identity ?? null, repository)).includes(action);
    return {
      may: async (repository, action) =>
        grants(verified.access, repository, action) && (await callerMay(repository, action)),
      callerMay,
      catalog: verified.access.some((g) => g.type === 'registry' && g.name === 'catalog'),
      identity: identity ?? null,
    };
  }
  const caller = await callerOf(deps.identities, header);
  if (caller === 'invalid') {
    markCredentialsRefused(req);
    return null;
  }
  const callerMay = async (repository: string, action: Action) =>
    (await allowedActions(deps.pulls, caller, repository)).includes(action);
  return {
    may: callerMay,
    callerMay,
    catalog: caller !== null,
    identity: caller,
  };
}

async function requireAccess(
  ctx: ApiContext,
  req: IncomingMessage,
  access: Access | null,
  repository: string,
  action: Action,
  alsoPulling: string | null,
): Promise<Access> {
  if (access && (await access.may(repository, action))) return access;
  // A mount reads its source: ask for that scope too, so one token can mount.
  const scope = [
    `repository:${repository}:${scopeActions[action]}`,
    ...(alsoPulling ? [`repository:${alsoPulling}:pull`] : []),
  ].join(' ');
  throw new OciError(401, 'UNAUTHORIZED', `${action} on ${repository} needs a token granting it`, {
    'www-authenticate': ctx.challenge(req.headers.host, scope),
  });
}

/** The repository a cross-repository mount reads from, when the request names a valid one. */
function mountSource(route: Route, method: string, url: URL): string | null {
  const from = url.searchParams.get('from');
  if (route.kind !== 'uploads' || method !== 'POST' || !url.searchParams.get('mount') || !from)
    return null;
  try {
    return checkName(from);
  } catch {
    return null;
  }
}

const toOciError = (err: UploadError) =>
  new OciError(err.code === 'BLOB_UPLOAD_UNKNOWN' ? 404 : 400, err.code, err.message);

/** The OCI Distribution v1.1 API on /v2, backed by the blob store and the SQL content store. */
export function registryApi(deps: RegistryApiDeps) {
  const ctx = apiContext(deps);
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    try {
      const method = req.method ?? 'GET';
      const route = parseRoute(rawPath(req), method);
      if (!route) throw new OciError(404, 'NAME_UNKNOWN', `no endpoint ${url.pathname}`);
      const access = await accessOf(deps, req);
      if (route.kind === 'base') {
        if (!access || (!access.identity && !req.headers.authorization)) {
          throw new OciError(401, 'UNAUTHORIZED', 'authentication required', {
            'www-authenticate': ctx.challenge(req.headers.host),
          });
        }
        res.writeHead(200, {
          ...API_VERSION,
          'content-type': 'application/json',
          'content-length': 2,
        });
        return void res.end('{}');
      }
      if (route.kind === 'catalog') return await catalog(ctx, req.headers.host, res, url, access);
      const allowed = await requireAccess(
        ctx,
        req,
        access,
        route.name,
        actionOf(route, method),
        mountSource(route, method, url),
      );
      switch (route.kind) {
        case 'uploads':
          if (method !== 'POST')
            throw new OciError(405, 'UNSUPPORTED', 'start an upload with POST');
          return await startUpload(ctx, req, res, url, route.name, allowed);
        case 'upload':
          return await continueUpload(ctx, req, res, url, route);
        case 'blob':
          return await blobs(ctx, req, res, route.name, route.digest);
        case 'manifest':
          return await manifests(ctx, req, res, route);
        case 'tags':
          return await tags(ctx, res, url, route.name);
        case 'referrers':
          return await referrers(ctx, res, url, route.name, route.digest);
      }
    } catch (err) {
      if (!res.headersSent) {
        if (err instanceof OciError) return sendOciError(res, err);
        if (err instanceof UploadError) return sendOciError(res, toOciError(err));
      }
      if (req.destroyed || res.destroyed) return;
      throw err;
    }
  };
}
