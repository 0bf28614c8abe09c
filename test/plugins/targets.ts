import { distributionPlugin } from '../../plugins/distribution';
import { dockerHubPlugin } from '../../plugins/dockerhub';
import type { ReaderPlugin, RegistryAdapter } from '../../plugins/plugin';
import { quayPlugin } from '../../plugins/quay';
import { redHatPlugin } from '../../plugins/redhat';
import type { RegistryCredential } from '../../src/oci/client/credential';
import { TokenCache } from '../../src/oci/client/token-cache';
import { transportDefaults } from '../../src/oci/client/transport';
import { startDockerRegistry } from '../helpers/docker-registry';
import { seed, TAGS } from '../helpers/seed';
import type { SyntheticImage } from '../helpers/synthetic-images';
import type { RecordedRequest } from '../../plugins/stand-in-common';
import { startDockerHubStandIn } from '../../plugins/dockerhub/stand-in';
import { startQuayStandIn } from '../../plugins/quay/stand-in';
import { startRedHatStandIn } from '../../plugins/redhat/stand-in';

/** What every plugin is checked against: the same content, reached the vendor's way. */
export interface Fixture {
  adapter: RegistryAdapter;
  credential: RegistryCredential;
  wrongCredential: RegistryCredential;
  authScheme: 'Bearer' | 'Basic';
  /** Readable with no credential, where the registry has public repositories. */
  publicRepository: string | null;
  privateRepository: string;
  /** `query` that lists the fixture's repositories (Docker Hub and Quay list per namespace). */
  repositoriesQuery: string | null;
  images: Record<string, SyntheticImage>;
  index: { digest: string; platforms: string[] };
  /** Requests that reached the vendor's token service, for cache checks. */
  tokenRequests(): RecordedRequest[];
  stop(): Promise<void>;
}

export interface Target {
  name: string;
  start(): Promise<Fixture>;
}

export { TAGS };
const credential = (username: string, secret: string, kind = 'BASIC'): RegistryCredential => ({
  id: `cred-${username}-${secret.length}`,
  username,
  secret,
  kind,
});

const deps = () => ({
  tokens: new TokenCache(),
  transport: { ...transportDefaults, timeoutMs: 5000, retryBaseMs: 10 },
});

function create(plugin: ReaderPlugin, name: string, url: string, apiUrl?: string): RegistryAdapter {
  return plugin.registry.create(
    { name, kind: plugin.kind, url, insecure: false, ...(apiUrl && { apiUrl }) },
    deps(),
  );
}

export const targets: Target[] = [
  {
    name: 'distribution (real docker-registry, htpasswd)',
    start: async () => {
      const auth = { username: 'alice', password: 'wonderland' };
      const registry = await startDockerRegistry({ auth });
      const content = await seed(registry, auth);
      const adapter = create(distributionPlugin, 'local', registry.url);
      return {
        adapter,
        credential: credential(auth.username, auth.password),
        wrongCredential: credential(auth.username, 'wrong'),
        authScheme: 'Basic',
        publicRepository: null,
        privateRepository: 'team/private',
        repositoriesQuery: null,
        ...content,
        tokenRequests: () => [],
        stop: async () => {
          await adapter.close();
          await registry.stop();
        },
      };
    },
  },
  {
    name: 'dockerhub (stand-in: registry, auth.docker.io, Hub API)',
    start: async () => {
      const backing = await startDockerRegistry();
      const content = await seed(backing);
      const hub = await startDockerHubStandIn({
        backing,
        users: { alice: 'dckr_pat_secret' },
        privateRepositories: ['team/private'],
      });
      const adapter = create(dockerHubPlugin, 'dockerhub', hub.registryUrl, hub.hubUrl);
      return {
        adapter,
        credential: credential('alice', 'dckr_pat_secret', 'DOCKER_HUB_TOKEN'),
        wrongCredential: credential('alice', 'wrong', 'DOCKER_HUB_TOKEN'),
        authScheme: 'Bearer',
        publicRepository: 'team/app',
        privateRepository: 'team/private',
        repositoriesQuery: 'team/',
        ...content,
        tokenRequests: () => hub.requests.filter((r) => r.service === 'auth'),
        stop: async () => {
          await adapter.close();
          await hub.close();
          await backing.stop();
        },
      };
    },
  },
  {
    name: 'quay (stand-in: /v2 with robots, REST API)',
    start: async () => {
      const backing = await startDockerRegistry();
      const content = await seed(backing);
      const quay = await startQuayStandIn({
        backing,
        robots: { 'team+ci': 'ROBOTTOKEN' },
        privateRepositories: ['team/private'],
      });
      const adapter = create(quayPlugin, 'quay', quay.url);
      return {
        adapter,
        credential: credential('team+ci', 'ROBOTTOKEN', 'QUAY_ROBOT'),
        wrongCredential: credential('team+ci', 'WRONG', 'QUAY_ROBOT'),
        authScheme: 'Bearer',
        publicRepository: 'team/app',
        privateRepository: 'team/private',
        repositoriesQuery: 'team',
        ...content,
        tokenRequests: () => quay.requests.filter((r) => r.path.startsWith('/v2/auth')),
        stop: async () => {
          await adapter.close();
          await quay.close();
          await backing.stop();
        },
      };
    },
  },
  {
    name: 'redhat (stand-in: registry.redhat.io service accounts)',
    start: async () => {
      const backing = await startDockerRegistry();
      const content = await seed(backing);
      const redhat = await startRedHatStandIn({
        backing,
        serviceAccounts: { '11009103|regql-ci': 'eyJhbGciOi.service.token' },
      });
      const adapter = create(redHatPlugin, 'redhat', redhat.url);
      return {
        adapter,
        credential: credential(
          '11009103|regql-ci',
          'eyJhbGciOi.service.token',
          'REDHAT_SERVICE_ACCOUNT',
        ),
        wrongCredential: credential('11009103|regql-ci', 'expired', 'REDHAT_SERVICE_ACCOUNT'),
        authScheme: 'Bearer',
        publicRepository: null,
        privateRepository: 'team/private',
        repositoriesQuery: null,
        ...content,
        tokenRequests: () => redhat.requests.filter((r) => r.path.startsWith('/auth/realms/')),
        stop: async () => {
          await adapter.close();
          await redhat.close();
          await backing.stop();
        },
      };
    },
  },
];
