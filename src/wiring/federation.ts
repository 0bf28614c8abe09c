import type { Logger } from 'pino';
import { builtInPlugins, credentialRulesOf, PluginRegistry } from '../../plugins';
import { PullAccess } from '../auth/pull-access';
import type { SecretBox } from '../auth/secret-box';
import { Vault } from '../auth/vault';
import type { Config } from '../config';
import { EgressPolicy } from '../egress/egress-policy';
import { RegistryBrowser } from '../federation/browser';
import { RegistryCatalog } from '../federation/catalog';
import { contentCache } from '../federation/content-cache';
import { ImageReader } from '../federation/image-reader';
import { RegistryRegistration } from '../federation/registration';
import type { BlobStore } from '../integrated-registry/blob-store';
import { TokenCache } from '../oci/client/token-cache';
import { transportDefaults } from '../oci/client/transport';
import type { Metrics } from '../server/metrics';
import { CredentialStore } from '../store/credential-store';
import type { Db } from '../store/database';
import { PullGrantStore } from '../store/pull-grant-store';
import { RegistryContentStore } from '../store/registry-content-store';
import { RegistryStore } from '../store/registry-store';
import { startPart, type Stoppable } from './teardown';

export interface FederationDeps {
  db: Db;
  blobStore: BlobStore;
  secretBox: SecretBox;
  metrics: Metrics;
  /** The listener's addresses: pull specs naming them are the integrated registry. */
  publicUrl: string;
  url: string;
}

export interface FederationPart extends Stoppable {
  registries: RegistryCatalog;
  /** Adding and removing registries at run time, with the rules for what may be added. */
  registration: RegistryRegistration;
  vault: Vault;
  pullGrants: PullGrantStore;
  pulls: PullAccess;
  browser: RegistryBrowser;
}

/**
 * The registries regql knows and reading them: the catalog (one adapter, with its connection
 * pool, per registry), the credentials vault, the cross-namespace pull rule and the browser with
 * its content cache. Stopping closes the adapters' connection pools.
 */
export function startFederation(
  config: Config,
  deps: FederationDeps,
  log: Logger,
): Promise<FederationPart> {
  return startPart(log, (teardown) => {
    const { privateNetworks, ...upstream } = config.upstream;
    const registries = new RegistryCatalog(
      config.registries,
      deps.publicUrl,
      [deps.url],
      new RegistryStore(deps.db),
      new PluginRegistry(),
      {
        tokens: new TokenCache(),
        integrated: { content: new RegistryContentStore(deps.db), blobs: deps.blobStore },
        transport: { ...transportDefaults, ...upstream },
        observe: (registry, status) => deps.metrics.countUpstream(registry, status),
      },
      new EgressPolicy(privateNetworks),
    );
    teardown.add('registry adapters', () => registries.close());
    const vault = new Vault(
      new CredentialStore(deps.db),
      deps.secretBox,
      config.sharedNamespace,
      credentialRulesOf(builtInPlugins),
    );
    const pullGrants = new PullGrantStore(deps.db);
    const pulls = new PullAccess(pullGrants, config.registry.publicNamespaces);
    const cache = contentCache(config.cache.maxEntries);
    const tagTtlMs = config.cache.tagTtlSeconds * 1000;
    const browser = new RegistryBrowser(
      registries,
      vault,
      new ImageReader(cache, tagTtlMs),
      cache,
      tagTtlMs,
      pulls,
    );
    return {
      registries,
      registration: new RegistryRegistration(registries),
      vault,
      pullGrants,
      pulls,
      browser,
    };
  });
}
