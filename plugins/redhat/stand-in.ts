/**
 * registry.redhat.io on loopback (Keycloak `rhcc` realm, service `docker-registry`), or with
 * `anonymous` the legacy registry.access.redhat.com that asks for no credentials at all.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StandIn } from '../plugin';
import {
  TokenStore,
  actionFor,
  basicCredentials,
  bearerToken,
  describeRequest,
  grantedActions,
  isRegistryRoot,
  listen,
  pageNotFound,
  parseRegistryPath,
  proxy,
  registryError,
  requestUrl,
  requestedScopes,
  sendJson,
  serveTagList,
  type RecordedRequest,
  type BackingRegistry,
} from '../stand-in-common';

export interface RedHatStandInOptions {
  backing: BackingRegistry;
  /** registry service accounts: `12345678|name` -> token */
  serviceAccounts?: Record<string, string>;
  /** Customer Portal username -> password */
  users?: Record<string, string>;
  /** registry.access.redhat.com style: no authentication at all */
  anonymous?: boolean;
  /** field of the token response holding the token; default 'access_token' */
  tokenField?: 'token' | 'access_token';
}

export interface RedHatStandIn {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const REDHAT_REALM_PATH = '/auth/realms/rhcc/protocol/redhat-docker-v2/auth';
const SERVICE = 'docker-registry';
const TOKEN_TTL_S = 300;

interface RedHatState {
  options: RedHatStandInOptions;
  url: string;
  tokens: TokenStore;
}

const challenge = (state: RedHatState) =>
  `Bearer realm="${state.url}${REDHAT_REALM_PATH}",service="${SERVICE}"`;

function unauthorized(state: RedHatState, res: ServerResponse, detail: unknown = null): void {
  registryError(res, 401, 'UNAUTHORIZED', 'authentication required', detail, {
    'www-authenticate': challenge(state),
  });
}

function knownCredentials(state: RedHatState, username: string, password: string): boolean {
  const secret = state.options.serviceAccounts?.[username] ?? state.options.users?.[username];
  return secret !== undefined && secret === password;
}

function handleToken(state: RedHatState, req: IncomingMessage, res: ServerResponse): void {
  const credentials = basicCredentials(req.headers);
  if (!credentials || !knownCredentials(state, credentials.username, credentials.password)) {
    registryError(res, 401, 'UNAUTHORIZED', 'Invalid username or password.', null);
    return;
  }
  const scopes = requestedScopes(requestUrl(req))
    .filter((s) => s.type === 'repository')
    .map((s) => ({ ...s, actions: grantedActions(s.actions, ['pull']) }));
  const token = state.tokens.issue(credentials.username, scopes, TOKEN_TTL_S);
  sendJson(res, 200, {
    [state.options.tokenField ?? 'access_token']: token,
    expires_in: TOKEN_TTL_S,
    issued_at: new Date().toISOString(),
  });
}

async function handleRegistry(
  state: RedHatState,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) {
  const grant = state.options.anonymous ? undefined : state.tokens.find(bearerToken(req.headers));
  if (isRegistryRoot(pathname)) {
    if (!state.options.anonymous && !grant) return unauthorized(state, res);
    sendJson(res, 200, {}, { 'docker-distribution-api-version': 'registry/2.0' });
    return;
  }
  if (pathname === '/v2/_catalog') {
    if (!state.options.anonymous && !grant) return unauthorized(state, res);
    await proxy(req, res, state.options.backing, { publicUrl: state.url });
    return;
  }
  const route = parseRegistryPath(pathname);
  if (!route) {
    return pageNotFound(res);
  }
  const action = actionFor(req.method);
  if (!state.options.anonymous && !state.tokens.allows(grant, route.name, action)) {
    return unauthorized(state, res, [{ Type: 'repository', Name: route.name, Action: action }]);
  }
  if (route.kind === 'tags')
    return serveTagList(res, state.options.backing, route.name, requestUrl(req));
  await proxy(req, res, state.options.backing, { publicUrl: state.url });
}

async function handle(
  state: RedHatState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { pathname } = requestUrl(req);
  if (pathname === REDHAT_REALM_PATH && !state.options.anonymous)
    return handleToken(state, req, res);
  if (pathname === '/v2' || pathname.startsWith('/v2/'))
    return handleRegistry(state, req, res, pathname);
  sendJson(res, 404, { error: 'Not Found' });
}

export async function startRedHatStandIn(options: RedHatStandInOptions): Promise<RedHatStandIn> {
  const requests: RecordedRequest[] = [];
  const state: RedHatState = { options, url: '', tokens: new TokenStore() };
  const listener = await listen(
    (req, res) => handle(state, req, res),
    (req) => requests.push(describeRequest(req)),
  );
  state.url = listener.url;
  return { url: listener.url, requests, close: () => listener.close() };
}

/** The contract suite's registry.redhat.io: every repository for the service account only. */
export const standIn: StandIn = {
  authScheme: 'Bearer',
  publicRepository: null,
  listsDigests: false,
  start: async (backing) => {
    const redhat = await startRedHatStandIn({
      backing,
      serviceAccounts: { '11009103|regql-ci': 'eyJhbGciOi.service.token' },
    });
    const account = {
      username: '11009103|regql-ci',
      kind: 'REDHAT_SERVICE_ACCOUNT',
    };
    const credential = { ...account, id: 'cred-redhat-sa', secret: 'eyJhbGciOi.service.token' };
    return {
      url: redhat.url,
      credential,
      wrongCredential: { ...account, id: 'cred-redhat-sa-wrong', secret: 'expired' },
      writeCredential: credential,
      repositoriesQuery: null,
      tokenRequests: () => redhat.requests.filter((r) => r.path.startsWith('/auth/realms/')).length,
      close: () => redhat.close(),
    };
  },
};
