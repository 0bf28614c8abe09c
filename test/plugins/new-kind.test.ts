import type { ServerResponse } from 'node:http';
import {
  builtInPlugins,
  credentialKinds,
  credentialKindsOf,
  credentialRulesOf,
  PluginRegistry,
} from '../../plugins';
import { createDistributionAdapter } from '../../plugins/distribution/adapter';
import { registryPlugin, type StandIn } from '../../plugins/plugin';
import { basicCredentials, listen, proxy, registryError } from '../../plugins/stand-in-common';
import { loadConfig } from '../../src/config';
import { RegistryKind, registryKindEnum } from '../../src/graphql/enums';
import { registriesConfigFile } from '../helpers/config-file';
import { describeContract } from './contract';
import { targetsFor } from './targets';

/** A throw-away vendor: plain Distribution behind HTTP Basic, with a stand-in of a few lines. */
const exampleStandIn: StandIn = {
  authScheme: 'Basic',
  publicRepository: null,
  listsDigests: false,
  start: async (backing) => {
    const refuse = (res: ServerResponse) =>
      registryError(res, 401, 'UNAUTHORIZED', 'authentication required', null, {
        'www-authenticate': 'Basic realm="example"',
      });
    const server = await listen(async (req, res) => {
      const given = basicCredentials(req.headers);
      if (given?.username !== 'ci' || given.password !== 'example-secret') return refuse(res);
      await proxy(req, res, backing, { publicUrl: server.url });
    });
    const user = { username: 'ci', kind: 'BASIC' };
    const credential = { ...user, id: 'cred-example', secret: 'example-secret' };
    return {
      url: server.url,
      credential,
      wrongCredential: { ...user, id: 'cred-example-wrong', secret: 'wrong' },
      writeCredential: credential,
      repositoriesQuery: null,
      tokenRequests: () => 0,
      close: () => server.close(),
    };
  },
};

/** What `plugins/example/index.ts` would export. */
const examplePlugin = registryPlugin({
  kind: 'EXAMPLE',
  registry: {
    hosts: ['registry.example.test'],
    credentialKinds: ['BASIC', 'EXAMPLE_ROBOT'],
    vendorCredentials: [
      {
        kind: 'EXAMPLE_ROBOT',
        username: { pattern: /^robot\$/, message: 'an Example robot is named "robot$<name>"' },
      },
    ],
    capabilities: [],
    create: (settings, deps) => createDistributionAdapter(settings, deps),
    standIn: () => exampleStandIn,
  },
});

/** The one line: the list with the new kind in it. */
const plugins = [...builtInPlugins, examplePlugin] as const;

describe('a new registry kind is one folder and one line in the list', () => {
  it('is a value of RegistryKind built from the list, and of no other list', () => {
    expect(Object.values(registryKindEnum(plugins))).toEqual([
      ...Object.values(RegistryKind),
      'EXAMPLE',
    ]);
    expect(Object.values(RegistryKind)).not.toContain('EXAMPLE');
  });

  it('is a kind the configuration takes, with that list', () => {
    const file = registriesConfigFile([
      { name: 'example', kind: 'EXAMPLE', url: 'https://registry.example.test' },
    ]);
    expect(loadConfig({ file, env: {}, plugins }).registries).toEqual([
      { name: 'example', kind: 'EXAMPLE', url: 'https://registry.example.test', insecure: false },
    ]);
    expect(() => loadConfig({ file, env: {} })).toThrow(/registries\.0\.kind/);
  });

  it('brings its kind of credential, with the rule for its user names', () => {
    expect(credentialKindsOf(plugins)).toEqual([...credentialKinds, 'EXAMPLE_ROBOT']);
    expect(credentialKinds).not.toContain('EXAMPLE_ROBOT');
    const rules = credentialRulesOf(plugins);
    expect(rules.username('EXAMPLE_ROBOT')?.pattern.test('robot$ci')).toBe(true);
    expect(rules.username('EXAMPLE_ROBOT')?.pattern.test('ci')).toBe(false);
  });

  it('reads pull specs naming its hosts, and declares what it supports', () => {
    const registry = new PluginRegistry(plugins);
    expect(registry.forHost('registry.example.test').kind).toBe('EXAMPLE');
    expect(registry.kind('EXAMPLE').registry.capabilities).toEqual([]);
  });
});

describe.each(targetsFor([examplePlugin]))('registry plugin contract: $name', describeContract);
