import { createDistributionAdapter } from '../distribution/adapter';
import type { RegistryPlugin } from '../plugin';

const redHatHosts = new Set([
  'registry.redhat.io',
  'registry.access.redhat.com',
  'registry.connect.redhat.com',
]);

/**
 * registry.redhat.io and friends: plain Distribution with Red Hat's token service. Service
 * accounts (`12345678|name` + token) and user logins go as Basic credentials to the realm the
 * challenge names; registry.access.redhat.com is anonymous.
 */
export const redHatPlugin: RegistryPlugin = {
  kind: 'REDHAT',
  preset: { name: 'redhat', url: 'https://registry.redhat.io' },
  matches: (host) => redHatHosts.has(host),
  create: (settings, deps) => createDistributionAdapter(settings, deps),
};
