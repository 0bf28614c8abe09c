import { createDistributionAdapter } from '../distribution/adapter';
import type { RegistryPlugin } from '../plugin';
import { QuayApi } from './rest-api';

/**
 * Quay (quay.io or self-hosted): /v2 with robot accounts and pages of at most 100 tags, plus the
 * REST API for repositories, tag history, restoring a tag and security scans.
 */
export const quayPlugin: RegistryPlugin = {
  kind: 'QUAY',
  preset: { name: 'quay', url: 'https://quay.io' },
  matches: (host) => host === 'quay.io',
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
};
