import { registryPlugin } from '../plugin';
import { createDistributionAdapter } from './adapter';
import { distributionPushes } from './webhook';

/**
 * Any OCI Distribution registry: GHCR, Harbor, GitLab, self-hosted docker-registry, … It reads
 * the pull specs no other kind claims, and parses CNCF distribution's notifications.
 */
export const distributionPlugin = registryPlugin({
  kind: 'DISTRIBUTION',
  registry: {
    hosts: [],
    credentialKinds: ['BASIC', 'TOKEN'],
    capabilities: [],
    create: (settings, deps) => createDistributionAdapter(settings, deps),
  },
  webhook: {
    slug: 'distribution',
    senderName: 'registry notification',
    mediaTypes: [
      'application/vnd.docker.distribution.events.v1+json',
      'application/vnd.docker.distribution.events.v2+json',
      'application/json',
    ],
    parse: distributionPushes,
  },
});
