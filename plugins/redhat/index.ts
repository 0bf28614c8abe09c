import { createDistributionAdapter } from '../distribution/adapter';
import { registryPlugin } from '../plugin';

const redHatHosts = [
  'registry.redhat.io',
  'registry.access.redhat.com',
  'registry.connect.redhat.com',
];

/**
 * registry.redhat.io and friends: plain Distribution with Red Hat's token service. Service
 * accounts (`12345678|name` + token) and user logins go as Basic credentials to the realm the
 * challenge names; registry.access.redhat.com is anonymous.
 */
export const redHatPlugin = registryPlugin({
  kind: 'REDHAT',
  registry: {
    preset: { name: 'redhat', url: 'https://registry.redhat.io' },
    hosts: redHatHosts,
    credentialKinds: ['BASIC', 'REDHAT_SERVICE_ACCOUNT'],
    vendorCredentials: [
      {
        kind: 'REDHAT_SERVICE_ACCOUNT',
        username: {
          pattern: /^\d+\|\S+$/,
          message:
            'a Red Hat service account username is "<digits>|<name>", e.g. "11009103|my-account"',
        },
      },
    ],
    capabilities: [],
    create: (settings, deps) => createDistributionAdapter(settings, deps),
    // Loaded on demand, so that regql itself never loads test code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    standIn: () => (require('./stand-in') as typeof import('./stand-in')).standIn,
  },
});
