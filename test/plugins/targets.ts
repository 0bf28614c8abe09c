import type { ReaderPlugin, RegistryAdapter, RegistryPlugin } from '../../plugins/plugin';
import type { RegistryCredential } from '../../src/oci/client/credential';
import { TokenCache } from '../../src/oci/client/token-cache';
import { transportDefaults } from '../../src/oci/client/transport';
import { startDockerRegistry } from '../helpers/docker-registry';
import { seed, TAGS, type Seeded } from '../helpers/seed';
import { ADMIN_TOKEN, startTestServer } from '../helpers/server';

/** A plugin's adapter on a registry holding the contract content, reached the vendor's way. */
export interface Fixture extends Seeded {
  adapter: RegistryAdapter;
  credential: RegistryCredential;
  wrongCredential: RegistryCredential;
  /** What writes through the vendor's API (restoring a tag) take. */
  writeCredential: RegistryCredential;
  /** `query` that lists the content's repositories (Docker Hub and Quay list per namespace). */
  repositoriesQuery: string | null;
  /** How many requests reached the token service so far. */
  tokenRequests(): number;
  stop(): Promise<void>;
}

/** What the suite knows of a kind before it starts anything, to register its cases. */
export interface Target {
  name: string;
  plugin: ReaderPlugin;
  authScheme: 'Bearer' | 'Basic';
  /**
   * The registry checks credentials itself. Not the integrated one: regql decides who may read
   * before its plugin reads the store.
   */
  checksCredentials: boolean;
  /** Bearer tokens from a token service, which the client caches. */
  issuesTokens: boolean;
  /** A repository of the content anyone may read, where the kind has public repositories. */
  publicRepository: string | null;
  /** Tag listings carry each tag's digest. */
  listsDigests: boolean;
  start(): Promise<Fixture>;
}

export { TAGS };

const credential = (username: string, secret: string): RegistryCredential => ({
  id: `cred-${username}-${secret.length}`,
  username,
  secret,
  kind: 'BASIC',
});

const adapterOf = (plugin: ReaderPlugin, name: string, url: string, apiUrl?: string) =>
  plugin.registry.create(
    { name, kind: plugin.kind, url, insecure: false, ...(apiUrl && { apiUrl }) },
    {
      tokens: new TokenCache(),
      transport: { ...transportDefaults, timeoutMs: 5000, retryBaseMs: 10 },
    },
  );

/** Kinds the tests read through the real server rather than a stand-in. */
const realServers: Record<string, (plugin: ReaderPlugin) => Target> = {
  DISTRIBUTION: (plugin) => ({
    name: 'DISTRIBUTION (real docker-registry, htpasswd)',
    plugin,
    authScheme: 'Basic',
    checksCredentials: true,
    issuesTokens: false,
    publicRepository: null,
    listsDigests: false,
    start: async () => {
      const auth = { username: 'alice', password: 'wonderland' };
      const registry = await startDockerRegistry({ auth });
      const content = await seed(registry, auth);
      const adapter = adapterOf(plugin, 'local', registry.url);
      return {
        ...content,
        adapter,
        credential: credential(auth.username, auth.password),
        wrongCredential: credential(auth.username, 'wrong'),
        writeCredential: credential(auth.username, auth.password),
        repositoriesQuery: null,
        tokenRequests: () => 0,
        stop: async () => {
          await adapter.close();
          await registry.stop();
        },
      };
    },
  }),
  INTEGRATED: (plugin) => ({
    name: 'INTEGRATED (a real regql server, content pushed with skopeo)',
    plugin,
    authScheme: 'Bearer',
    checksCredentials: false,
    issuesTokens: false,
    publicRepository: null,
    listsDigests: true,
    start: async () => {
      const server = await startTestServer();
      try {
        const host = new URL(server.url).host;
        const regql = { url: server.url, host, stop: async () => {} };
        const content = await seed(regql, { username: 'ci', password: ADMIN_TOKEN });
        const { registries } = server.app.services;
        const entry = await registries.get('integrated');
        if (!entry) throw new Error('no integrated registry');
        const token = credential('ci', ADMIN_TOKEN);
        return {
          ...content,
          adapter: registries.adapter(entry),
          credential: token,
          wrongCredential: credential('ci', 'wrong'),
          writeCredential: token,
          repositoriesQuery: null,
          tokenRequests: () => 0,
          stop: () => server.close(),
        };
      } catch (err) {
        await server.close();
        throw err;
      }
    },
  }),
};

/** A kind with a stand-in: the stand-in in front of a real docker-registry holding the content. */
function standInTarget(
  plugin: ReaderPlugin,
  standIn: NonNullable<ReaderPlugin['registry']['standIn']>,
): Target {
  const kit = standIn();
  return {
    name: `${plugin.kind} (stand-in in front of docker-registry)`,
    plugin,
    authScheme: kit.authScheme,
    checksCredentials: true,
    issuesTokens: kit.authScheme === 'Bearer',
    publicRepository: kit.publicRepository,
    listsDigests: kit.listsDigests,
    start: async () => {
      const backing = await startDockerRegistry();
      const content = await seed(backing);
      const running = await kit.start(backing);
      const adapter = adapterOf(plugin, plugin.kind.toLowerCase(), running.url, running.apiUrl);
      return {
        ...content,
        ...running,
        adapter,
        stop: async () => {
          await adapter.close();
          await running.close();
          await backing.stop();
        },
      };
    },
  };
}

/** One target for every plugin of `plugins` that reads registries. */
export function targetsFor(plugins: readonly RegistryPlugin[]): Target[] {
  return plugins.flatMap((plugin): Target[] => {
    if (!plugin.registry) return [];
    const reader: ReaderPlugin = { ...plugin, registry: plugin.registry };
    if (reader.registry.standIn) return [standInTarget(reader, reader.registry.standIn)];
    const real = realServers[plugin.kind];
    if (real) return [real(reader)];
    return [
      {
        name: `${plugin.kind} (no stand-in)`,
        plugin: reader,
        authScheme: 'Bearer',
        checksCredentials: true,
        issuesTokens: true,
        publicRepository: null,
        listsDigests: false,
        start: () =>
          Promise.reject(
            new Error(`kind ${plugin.kind} has no stand-in: give its plugin registry.standIn`),
          ),
      },
    ];
  });
}
