import {
  AddRegistryDocument,
  CreateTokenDocument,
  RegistriesDocument,
  RegistryByNameDocument,
  RemoveRegistryDocument,
} from '../generated/graphql';
import { registriesConfigFile } from '../helpers/config-file';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';

describe('registries', () => {
  let server: TestServer;
  let namespaceAdmin: string;
  beforeAll(async () => {
    const configFile = registriesConfigFile([
      { name: 'closed', kind: 'DISTRIBUTION', url: 'http://127.0.0.1:1' },
      { name: 'hub', kind: 'DOCKER_HUB', url: 'https://registry-1.docker.io' },
    ]);
    server = await startTestServer({ configFile });
    const created = await server.gql(CreateTokenDocument, {
      input: { namespace: 'team-a', role: 'ADMIN' },
    });
    namespaceAdmin = created.data!.createToken.token;
  });
  afterAll(() => server.close());

  it('lists the integrated registry and those of the configuration file', async () => {
    const res = await server.gql(RegistriesDocument, {}, namespaceAdmin);
    expect(res.data!.registries).toEqual([
      expect.objectContaining({ name: 'integrated', kind: 'INTEGRATED', configured: true }),
      expect.objectContaining({
        name: 'dockerhub',
        kind: 'DOCKER_HUB',
        url: 'https://registry-1.docker.io',
      }),
      expect.objectContaining({
        name: 'quay',
        kind: 'QUAY',
        url: 'https://quay.io',
        hosts: ['quay.io'],
      }),
      expect.objectContaining({
        name: 'redhat',
        kind: 'REDHAT',
        url: 'https://registry.redhat.io',
      }),
      {
        name: 'closed',
        kind: 'DISTRIBUTION',
        url: 'http://127.0.0.1:1',
        hosts: ['127.0.0.1:1'],
        insecure: false,
        configured: true,
      },
      expect.objectContaining({
        name: 'hub',
        kind: 'DOCKER_HUB',
        hosts: ['docker.io', 'index.docker.io', 'registry-1.docker.io'],
      }),
    ]);
  });

  it('adds a registry that survives a restart, and removes it', async () => {
    const fixedNames = ['integrated', 'dockerhub', 'quay', 'redhat', 'closed', 'hub'];
    const added = await server.gql(AddRegistryDocument, {
      input: {
        name: 'harbor',
        kind: 'DISTRIBUTION',
        url: 'http://harbor.example:8080/',
        insecure: true,
      },
    });
    expect(added.data!.addRegistry).toEqual({
      name: 'harbor',
      kind: 'DISTRIBUTION',
      url: 'http://harbor.example:8080',
      hosts: ['harbor.example:8080'],
      insecure: true,
      configured: false,
    });
    await server.restart();
    const listed = await server.gql(RegistriesDocument, {}, namespaceAdmin);
    expect(listed.data!.registries.map((r) => r.name)).toEqual([...fixedNames, 'harbor']);
    expect(
      (await server.gql(RemoveRegistryDocument, { name: 'harbor' })).data!.removeRegistry,
    ).toBe(true);
    const gone = await server.gql(RemoveRegistryDocument, { name: 'harbor' });
    expect(errorCodes(gone)).toEqual(['NOT_FOUND']);
    await server.restart();
    const final = await server.gql(RegistriesDocument, {}, namespaceAdmin);
    expect(final.data!.registries.map((r) => r.name)).toEqual(fixedNames);
  });

  it('reports an unreachable registry as unhealthy with the reason', async () => {
    const res = await server.gql(RegistryByNameDocument, { name: 'closed' }, namespaceAdmin);
    expect(res.data!.registry!.health).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^UPSTREAM_UNAVAILABLE: 127.0.0.1:1 is unreachable/),
    });
  });

  it('lets only a cluster admin add or remove registries', async () => {
    const add = await server.gql(
      AddRegistryDocument,
      { input: { name: 'x', kind: 'QUAY', url: 'https://quay.io' } },
      namespaceAdmin,
    );
    expect(errorCodes(add)).toEqual(['FORBIDDEN']);
    const remove = await server.gql(RemoveRegistryDocument, { name: 'closed' }, namespaceAdmin);
    expect(errorCodes(remove)).toEqual(['FORBIDDEN']);
  });

  it.each([
    [
      'a bad name',
      { name: 'Bad_Name', kind: 'QUAY', url: 'https://quay.io' },
      /not a valid DNS label/,
    ],
    ['not a URL', { name: 'x', kind: 'QUAY', url: 'quay.io' }, /is not a URL/],
    ['ftp', { name: 'x', kind: 'QUAY', url: 'ftp://quay.io' }, /http:\/\/ or https:\/\//],
    [
      'credentials in the URL',
      { name: 'x', kind: 'QUAY', url: 'https://u:p@quay.io' },
      /must not carry credentials/,
    ],
    [
      'a second integrated registry',
      { name: 'x', kind: 'INTEGRATED', url: 'https://a.b' },
      /only one integrated/,
    ],
    [
      'a taken name',
      { name: 'closed', kind: 'DISTRIBUTION', url: 'https://example.test' },
      /exists already/,
    ],
  ] as const)('refuses %s', async (_label, input, message) => {
    const res = await server.gql(AddRegistryDocument, { input: { ...input } });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(message);
  });

  it('refuses to remove a registry of the configuration file', async () => {
    const res = await server.gql(RemoveRegistryDocument, { name: 'closed' });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
  });
});
