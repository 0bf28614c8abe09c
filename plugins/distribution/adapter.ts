import { RegistryClient } from '../../src/oci/client/registry-client';
import { RegistryPusher } from '../../src/oci/client/registry-pusher';
import type { Transport, UpstreamResponse } from '../../src/oci/client/transport';
import { collectPages, linkOrLast } from '../paging';
import type { PluginDeps, RegistryAdapter, RegistrySettings } from '../plugin';
import { transportFor } from '../transport';

/** Largest `n` asked for on tag and catalog pages. */
const PAGE_SIZE = 100;

export interface DistributionOptions {
  onResponse?: (res: UpstreamResponse) => void;
}

/** The adapter plus its transport, which vendor plugins reuse for their REST APIs. */
export type DistributionAdapter = RegistryAdapter & { transport: Transport };

/** Any OCI Distribution registry, through the generic client; vendor plugins build on it. */
export function createDistributionAdapter(
  settings: RegistrySettings,
  deps: PluginDeps,
  options: DistributionOptions = {},
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
    transport,
    ping: (credential) => client.ping(credential),
    verify: (credential) => client.login(credential),
    repositories: async ({ first, after, query }, credential) => {
      const page = await collectPages(
        first,
        after,
        PAGE_SIZE,
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
        PAGE_SIZE,
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
    openBlob: (repository, digest, credential) => client.openBlob(repository, digest, credential),
    referrers: (repository, digest, credential) => client.referrers(repository, digest, credential),
    push: new RegistryPusher(client.session),
    close: () => transport.close(),
  };
}
