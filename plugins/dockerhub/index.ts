import { canonicalRegistry, DOCKER_HUB } from '../../src/oci/reference';
import { createDistributionAdapter } from '../distribution/adapter';
import type { RateLimitInfo, RegistryPlugin } from '../plugin';
import { HubApi } from './hub-api';
import { readRateLimit } from './rate-limit';

export const HUB_API = 'https://hub.docker.com';

/**
 * Docker Hub: the registry for content (auth.docker.io tokens, `library/` names), the Hub API for
 * listings with metadata, and the pull rate limit read off every manifest answer.
 */
export const dockerHubPlugin: RegistryPlugin = {
  kind: 'DOCKER_HUB',
  preset: { name: 'dockerhub', url: 'https://registry-1.docker.io', apiUrl: HUB_API },
  matches: (host) => canonicalRegistry(host) === DOCKER_HUB,
  create: (settings, deps) => {
    let rateLimit: RateLimitInfo | null = null;
    const registry = createDistributionAdapter(settings, deps, {
      onResponse: (res) => {
        rateLimit = readRateLimit(res) ?? rateLimit;
      },
    });
    const hub = new HubApi(new URL(settings.apiUrl ?? HUB_API), registry.transport, deps.tokens);
    return {
      ...registry,
      repositories: ({ first, after, query }, credential) =>
        hub.repositories(query, first, after, credential),
      tags: (repository, { first, after }, credential) =>
        hub.tags(repository, first, after, credential),
      rateLimit: () => rateLimit,
    };
  },
};
