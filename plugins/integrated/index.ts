import { notImplemented } from '../../src/domain/errors';
import type { RegistryPlugin } from '../plugin';

const notYet = () => Promise.reject(notImplemented('the integrated registry'));

/** Placeholder until regql serves its own registry on /v2: it answers, but holds no content. */
export const integratedPlugin: RegistryPlugin = {
  kind: 'INTEGRATED',
  matches: () => false,
  create: (settings) => ({
    settings,
    ping: async () => ({
      ok: false,
      latencyMs: 0,
      authScheme: 'none',
      message: 'the integrated registry is not served yet',
    }),
    verify: notYet,
    repositories: async () => ({ items: [], next: null }),
    tags: notYet,
    getManifest: notYet,
    headManifest: notYet,
    getBlob: notYet,
    close: async () => {},
  }),
};
