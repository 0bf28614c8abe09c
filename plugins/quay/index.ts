import { createDistributionAdapter } from '../distribution/adapter';
import { registryPlugin } from '../plugin';
import { QuayApi } from './rest-api';
import { quayPushes } from './webhook';

/**
 * Quay (quay.io or self-hosted): /v2 with robot accounts and pages of at most 100 tags, plus the
 * REST API for repositories, tag history, restoring a tag and security scans.
 */
export const quayPlugin = registryPlugin({
  kind: 'QUAY',
  registry: {
    preset: { name: 'quay', url: 'https://quay.io' },
    hosts: ['quay.io'],
    credentialKinds: ['BASIC', 'QUAY_ROBOT', 'TOKEN'],
    vendorCredentials: [
      {
        kind: 'QUAY_ROBOT',
        username: {
          pattern: /^[a-z0-9_]+\+[a-z0-9_]+$/,
          message: 'a Quay robot username is "<organization>+<robot>"',
        },
      },
    ],
    capabilities: ['TAG_HISTORY', 'RESTORE_TAG', 'VULNERABILITY_SCAN'],
    create: (settings, deps) => {
      const registry = createDistributionAdapter(settings, deps);
      const api = new QuayApi(new URL(settings.apiUrl ?? settings.url), registry.transport);
      return {
        ...registry,
        repositories: async (page, credential) => {
          const [namespace, prefix = ''] = (page.query ?? '').split('/', 2);
          if (!namespace) return registry.repositories(page, credential);
          const result = await api.repositories(namespace, page.first, page.after, credential);
          return {
            items: result.items.filter((r) => r.name.startsWith(`${namespace}/${prefix}`)),
            next: result.next,
          };
        },
        tagHistory: (repository, tag, credential) => api.tagHistory(repository, tag, credential),
        restoreTag: (repository, tag, digest, credential) =>
          api.restoreTag(repository, tag, digest, credential),
        vulnerabilities: (repository, digest, credential) =>
          api.vulnerabilities(repository, digest, credential),
      };
    },
    // Loaded on demand, so that regql itself never loads test code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    standIn: () => (require('./stand-in') as typeof import('./stand-in')).standIn,
  },
  webhook: {
    slug: 'quay',
    senderName: 'Quay webhook',
    mediaTypes: ['application/json'],
    parse: quayPushes,
  },
});
