import { DOCKER_HUB, dockerHubHosts } from '../../src/oci/reference';
import { createDistributionAdapter } from '../distribution/adapter';
import { registryPlugin, type RateLimitInfo } from '../plugin';
import { HubApi } from './hub-api';
import { readRateLimit } from './rate-limit';
import { dockerHubPushes } from './webhook';

export const HUB_API = 'https://hub.docker.com';

/**
 * Docker Hub: the registry for content (auth.docker.io tokens, `library/` names), the Hub API for
 * listings with metadata, and the pull rate limit read off every manifest answer.
 */
export const dockerHubPlugin = registryPlugin({
  kind: 'DOCKER_HUB',
  registry: {
    preset: { name: 'dockerhub', url: 'https://registry-1.docker.io', apiUrl: HUB_API },
    hosts: [DOCKER_HUB],
    aliases: dockerHubHosts,
    credentialKinds: ['BASIC', 'DOCKER_HUB_TOKEN'],
    vendorCredentials: [{ kind: 'DOCKER_HUB_TOKEN' }],
    capabilities: ['RATE_LIMIT'],
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
    // Loaded on demand, so that regql itself never loads test code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    standIn: () => (require('./stand-in') as typeof import('./stand-in')).standIn,
  },
  webhook: {
    slug: 'docker-hub',
    senderName: 'Docker Hub webhook',
    mediaTypes: ['application/json'],
    parse: dockerHubPushes,
  },
});
