import { RegistryClient } from '../../src/oci/client/registry-client';
import type { UpstreamResponse } from '../../src/oci/client/transport';
import { collectPages, linkOrLast } from '../paging';
import type { PluginDeps, RegistryAdapter, RegistrySettings } from '../plugin';
import { transportFor } from '../transport';

export interface DistributionOptions {
  /** Largest `n` the registry accepts on tag and catalog pages. */
  pageSize: number;
  onResponse?: (res: UpstreamResponse) => void;
}

export type DistributionAdapter = RegistryAdapter & { client: RegistryClient };

/** Any OCI Distribution registry, through the generic client; vendor plugins build on it. */
export function createDistributionAdapter(
  settings: RegistrySettings,
  deps: PluginDeps,
  options: DistributionOptions = { pageSize: 100 },
): DistributionAdapter {
  const transport = transportFor(settings, deps);
  const client = new RegistryClient(
    new URL(settings.url),
    transport,
    deps.tokens,
    options.onResponse,
  );
  return {
    settings,
    client,
    ping: (credential) => client.ping(credential),
    verify: (credential) => client.login(credential),
    repositories: async ({ first, after, query }, credential) => {
      const page = await collectPages(
        first,
        after,
        options.pageSize,
        (n, cursor) => client.catalog({ n, ...linkOrLast(cursor) }, credential),
        (name) => name,
      );
      const items = page.items
        .filter((name) => !query || name.includes(query))
        .map((name) => ({ name, lastModified: null }));
      return { items, next: page.next };
    },
    tags: async (repository, { first, after }, credential) => {
      const page = await collectPages(
        first,
        after,
        options.pageSize,
        (n, cursor) => client.tags(repository, { n, ...linkOrLast(cursor) }, credential),
        (name) => name,
      );
      return {
        items: page.items.map((name) => ({ name, digest: null, lastModified: null })),
        next: page.next,
      };
    },
    getManifest: (repository, reference, credential) =>
      client.getManifest(repository, reference, credential),
    headManifest: (repository, reference, credential) =>
      client.headManifest(repository, reference, credential),
    getBlob: (repository, digest, maxBytes, credential) =>
      client.getBlob(repository, digest, maxBytes, credential),
    close: () => transport.close(),
  };
}
