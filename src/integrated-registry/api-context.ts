import type { ServerResponse } from 'node:http';
import type { Identities } from '../auth/identities';
import type { PullAccess } from '../auth/pull-access';
import type { Identity } from '../auth/roles';
import type { Db } from '../store/database';
import { RegistryContentStore } from '../store/registry-content-store';
import { RegistryUploadStore } from '../store/registry-upload-store';
import type { StreamUpstreams } from '../streams/stream-upstreams';
import { SERVICE, type Action, type RegistryTokens } from './access';
import type { BlobStore } from './blob-store';
import { API_VERSION } from './api-version';
import { NamespaceQuota } from './namespace-quota';
import { PullThrough } from './pull-through';
import type { PushProvisioning } from './push-provisioning';

export interface RegistryApiDeps {
  db: Db;
  blobs: BlobStore;
  tokens: RegistryTokens;
  identities: Identities;
  pushes: PushProvisioning;
  publicUrl: string;
  /** Whether `publicUrl` was configured; if not, challenges name the host the client asked for. */
  publicUrlConfigured: boolean;
  pulls: PullAccess;
  limits: UploadLimits;
  /** Where a stream's images that the registry lacks are pulled through from. */
  upstreams: StreamUpstreams;
  /** Namespaces whose pulled-through blobs are not kept. */
  pullThroughWithoutCopy: readonly string[];
}

/** What one namespace may hold in the integrated registry (see config.ts). */
export interface UploadLimits {
  maxUploadsPerNamespace: number;
  /** 0: no quota. */
  namespaceQuotaBytes: number;
  uploadMaxAgeSeconds: number;
}

/** What the caller of one request may do, from a bearer token or basic credentials. */
export interface Access {
  may(repository: string, action: Action): Promise<boolean>;
  /** What the caller behind the request may do, whatever scopes its bearer token names. */
  callerMay(repository: string, action: Action): Promise<boolean>;
  catalog: boolean;
  /** The regql token behind the request (its namespace decides what the catalog lists). */
  identity: Identity | null;
}

/** What every handler of the /v2 API shares. */
export interface ApiContext {
  deps: RegistryApiDeps;
  content: RegistryContentStore;
  uploads: RegistryUploadStore;
  quota: NamespaceQuota;
  pullThrough: PullThrough;
  /**
   * The `www-authenticate` value sending a client to the token endpoint for `scope`; `host` is
   * the request's Host header.
   */
  challenge(host: string | undefined, scope?: string): string;
}

export function apiContext(deps: RegistryApiDeps): ApiContext {
  const uploads = new RegistryUploadStore(deps.db);
  const realmBase = realmBaseFor(deps);
  const content = new RegistryContentStore(deps.db);
  return {
    deps,
    content,
    pullThrough: new PullThrough({
      content,
      blobs: deps.blobs,
      upstreams: deps.upstreams,
      keepsCopies: (namespace) => !deps.pullThroughWithoutCopy.includes(namespace),
    }),
    uploads,
    quota: new NamespaceQuota(uploads, deps.limits.namespaceQuotaBytes),
    challenge: (host, scope) =>
      `Bearer realm="${realmBase(host)}/auth/token",service="${SERVICE}"${scope ? `,scope="${scope}"` : ''}`,
  };
}

/** A Host header that is a host name or address with an optional port, and nothing else. */
const plainHost = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Where clients find the token endpoint: the configured `publicUrl`, or without one the host the
 * client reached regql by, so that a registry known by another name than localhost still works.
 */
function realmBaseFor(deps: RegistryApiDeps): (host: string | undefined) => string {
  const scheme = new URL(deps.publicUrl).protocol;
  return (host) =>
    deps.publicUrlConfigured || !host || !plainHost.test(host)
      ? deps.publicUrl
      : `${scheme}//${host}`;
}

/** Answers 201 for content now stored at `location` under `digest`. */
export function sendCreated(
  res: ServerResponse,
  location: string,
  digest: string,
  extraHeaders: Record<string, string> = {},
): void {
  res.writeHead(201, {
    ...API_VERSION,
    location,
    'docker-content-digest': digest,
    'content-length': 0,
    ...extraHeaders,
  });
  res.end();
}
