import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Identities } from '../auth/identities';
import type { PullAccess } from '../auth/pull-access';
import type { Config } from '../config';
import type { EventAnnouncer } from '../events/event-feed';
import { RegistryTokens } from '../integrated-registry/access';
import type { BlobStore } from '../integrated-registry/blob-store';
import { collectGarbage, type GcResult } from '../integrated-registry/gc';
import { IntegratedPush } from '../integrated-registry/integrated-push';
import { NamespaceQuota } from '../integrated-registry/namespace-quota';
import { PushProvisioning } from '../integrated-registry/push-provisioning';
import { registryApi } from '../integrated-registry/registry-api';
import { tokenEndpoint } from '../integrated-registry/token-endpoint';
import { UploadReaper } from '../integrated-registry/upload-reaper';
import type { Db } from '../store/database';
import { RegistryContentStore } from '../store/registry-content-store';
import { RegistryGcStore } from '../store/registry-gc-store';
import { RegistryUploadStore } from '../store/registry-upload-store';
import type { RegistryBrowser } from '../federation/browser';
import type { AliasPropagation } from '../streams/alias-propagation';
import { StreamUpstreams } from '../streams/stream-upstreams';
import type { KeyedLock } from '../core/keyed-lock';
import { startPart, type Stoppable } from './teardown';

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface IntegratedRegistryDeps {
  db: Db;
  blobStore: BlobStore;
  secretKey: Buffer;
  identities: Identities;
  pulls: PullAccess;
  feed: EventAnnouncer;
  lock: KeyedLock;
  aliases: AliasPropagation;
  /** Reads the registries image streams name, for pull-through. */
  browser: RegistryBrowser;
  streamLimits: { maxRevisions: number; maxTags: number };
  publicUrl: string;
  /** host[:port] of publicUrl: the integrated registry's name in pull specs. */
  publicHost: string;
}

export interface IntegratedRegistryPart extends Stoppable {
  /** /v2 */
  registry: Route;
  /** /auth/token */
  registryToken: Route;
  /** Garbage collection of the blobs, for the API. */
  collectGarbage: (graceMs: number) => Promise<GcResult>;
  /** Writing into the registry in-process, by the rules of a /v2 push (mirrors). */
  integratedPush: IntegratedPush;
}

/**
 * The integrated registry: the Distribution API over the blob store, its token endpoint, pushes
 * recorded in image streams, and the reaper of abandoned uploads, running once this returns.
 * Stopping ends the reaper (a sweep in progress finishes).
 */
export function startIntegratedRegistry(
  config: Config,
  deps: IntegratedRegistryDeps,
  log: Logger,
): Promise<IntegratedRegistryPart> {
  return startPart(log, (teardown) => {
    const { db, blobStore } = deps;
    const uploadStore = new RegistryUploadStore(db);
    const uploadMaxAgeMs = config.registry.uploadMaxAgeSeconds * 1000;
    const uploadReaper = new UploadReaper(blobStore, uploadStore, uploadMaxAgeMs, log);
    uploadReaper.start();
    teardown.add('upload reaper', () => uploadReaper.stop());
    const tokens = new RegistryTokens(deps.secretKey, config.registry.tokenTtlSeconds);
    const pushes = new PushProvisioning(
      db,
      deps.feed,
      deps.lock,
      deps.aliases,
      deps.publicHost,
      deps.streamLimits,
    );
    const integratedPush = new IntegratedPush({
      content: new RegistryContentStore(db),
      blobs: blobStore,
      quota: new NamespaceQuota(uploadStore, config.registry.namespaceQuotaBytes),
      pushes,
    });
    return {
      integratedPush,
      registry: registryApi({
        db,
        blobs: blobStore,
        tokens,
        identities: deps.identities,
        pushes,
        publicUrl: deps.publicUrl,
        publicUrlConfigured: config.publicUrl !== undefined,
        pulls: deps.pulls,
        limits: config.registry,
        upstreams: new StreamUpstreams(db, deps.browser),
        pullThroughWithoutCopy: config.registry.pullThroughWithoutCopy,
      }),
      registryToken: tokenEndpoint(deps.identities, tokens, deps.pulls),
      collectGarbage: (graceMs) =>
        collectGarbage(
          blobStore,
          { gc: new RegistryGcStore(db), uploads: uploadStore },
          { graceMs, uploadMaxAgeMs },
          log,
        ),
    };
  });
}
