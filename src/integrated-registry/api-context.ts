import type { ServerResponse } from 'node:http';
import type { Identities } from '../auth/identities';
import type { PullAccess } from '../auth/pull-access';
import type { Identity } from '../auth/roles';
import type { Db } from '../store/database';
import { RegistryContentStore } from '../store/registry-content-store';
import { RegistryUploadStore } from '../store/registry-upload-store';
import { SERVICE, type Action, type RegistryTokens } from './access';
import type { BlobStore } from './blob-store';
import { API_VERSION } from './api-version';
import { NamespaceQuota } from './namespace-quota';
import type { PushProvisioning } from './push-provisioning';

export interface RegistryApiDeps {
  db: Db;
  blobs: BlobStore;
  tokens: RegistryTokens;
  identities: Identities;
  pushes: PushProvisioning;
  publicUrl: string;
  pulls: PullAccess;
  limits: UploadLimits;
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
  /** The `www-authenticate` value sending a client to the token endpoint for `scope`. */
  challenge(scope?: string): string;
}

export function apiContext(deps: RegistryApiDeps): ApiContext {
  const uploads = new RegistryUploadStore(deps.db);
  return {
    deps,
    content: new RegistryContentStore(deps.db),
    uploads,
    quota: new NamespaceQuota(uploads, deps.limits.namespaceQuotaBytes),
    challenge: (scope) =>
      `Bearer realm="${deps.publicUrl}/auth/token",service="${SERVICE}"${scope ? `,scope="${scope}"` : ''}`,
  };
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
