import type { RegistryPlugin } from '../plugin';
import { createDistributionAdapter } from './adapter';

/** Any OCI Distribution registry: GHCR, Harbor, GitLab, self-hosted docker-registry, … */
export const distributionPlugin: RegistryPlugin = {
  kind: 'DISTRIBUTION',
  matches: () => true,
  create: (settings, deps) => createDistributionAdapter(settings, deps),
};
