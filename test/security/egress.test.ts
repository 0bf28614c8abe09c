import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { RegistryStore } from '../../src/store/registry-store';
import {
  AddCredentialDocument,
  AddRegistryDocument,
  CreateTokenDocument,
  ImageByPullSpecDocument,
  ImportImageFullDocument,
  RegistryByNameDocument,
  VerifyCredentialDocument,
  type ImportImageFullMutationVariables,
} from '../generated/graphql';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { freePort } from '../helpers/processes';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

const policyRefusal = (target: string, rule: string) =>
  `regql may not connect to ${target}: ${rule} are outside the egress policy (upstream.privateNetworks)`;

/** A TCP listener on 127.0.0.1 that counts connections and closes each at once. */
async function countingListener(): Promise<{
  port: number;
  connections: () => number;
  close(): Promise<void>;
}> {
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A registry on 127.0.0.1 that answers every request with a Bearer challenge naming `realm`. */
async function challengingRegistry(
  realm: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: HttpServer = createHttpServer((_req, res) => {
    res.writeHead(401, {
      'www-authenticate': `Bearer realm="${realm}",service="hostile"`,
      'content-type': 'application/json',
    });
    res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('egress: regql connects only where the one policy lets it', () => {
  let registry: DockerRegistry;
  let listener: Awaited<ReturnType<typeof countingListener>>;
  let closedPort: number;
  let strict: TestServer;
  let viewer: string;
  let editor: string;
  let digest: string;

  const tokenFor = async (server: TestServer, role: 'VIEWER' | 'EDITOR') =>
    (await server.gql(CreateTokenDocument, { input: { namespace: 'team-a', role } })).data!
      .createToken.token;
  const importImage = (
    server: TestServer,
    input: Partial<ImportImageFullMutationVariables['input']> & { from: string },
    token?: string,
  ) =>
    server.gql(
      ImportImageFullDocument,
      { input: { namespace: 'team-a', stream: 'app', confirm: true, ...input } },
      token,
    );

  beforeAll(async () => {
    [registry, listener, closedPort] = await Promise.all([
      startDockerRegistry(),
      countingListener(),
      freePort(),
    ]);
    digest = (await pushSyntheticImage(registry.url, 'team/app', 'v1')).digest;
    strict = await startTestServer({ loopbackEgress: false });
    [viewer, editor] = [await tokenFor(strict, 'VIEWER'), await tokenFor(strict, 'EDITOR')];
  }, 60000);
  afterAll(async () => {
    await strict?.close();
    await listener?.close();
    await registry?.stop();
  });

  it('refuses image(pullSpec:) on loopback before connecting: open and closed ports answer alike', async () => {
    const answers = [];
    for (const port of [listener.port, closedPort, Number(registry.host.split(':')[1])]) {
      const res = await strict.gql(
        ImageByPullSpecDocument,
        { pullSpec: `127.0.0.1:${port}/x/y:z` },
        viewer,
      );
      expect(errorCodes(res)).toEqual(['EGRESS_DENIED']);
      answers.push(res.errors![0].message.replace(String(port), 'PORT'));
    }
    expect(answers).toEqual(Array(3).fill(policyRefusal('127.0.0.1:PORT', 'loopback addresses')));

    const named = await strict.gql(
      ImageByPullSpecDocument,
      { pullSpec: `localhost:${listener.port}/x/y:z` },
      viewer,
    );
    expect(errorCodes(named)).toEqual(['EGRESS_DENIED']);
    expect(named.errors![0].message).toMatch(
      /^regql may not connect to localhost: loopback addresses/,
    );
    expect(listener.connections()).toBe(0);
  });

  it('refuses importImage from loopback, insecure or not, with the reason EgressDenied', async () => {
    for (const [port, insecure] of [
      [listener.port, false],
      [listener.port, true],
      [closedPort, false],
    ] as const) {
      const res = await importImage(strict, { from: `127.0.0.1:${port}/x/y:z`, insecure }, editor);
      expect(res.errors).toBeUndefined();
      expect(res.data!.importImage.images).toEqual([
        expect.objectContaining({
          status: 'FAILED',
          reason: 'EgressDenied',
          message: policyRefusal(`127.0.0.1:${port}`, 'loopback addresses'),
        }),
      ]);
    }
    const all = await importImage(
      strict,
      { from: `127.0.0.1:${listener.port}/x/y`, all: true },
      editor,
    );
    expect(errorCodes(all)).toEqual(['EGRESS_DENIED']);
    expect(listener.connections()).toBe(0);
  });

  it('refuses a credential check against a loopback host', async () => {
    const added = await strict.gql(AddCredentialDocument, {
      input: {
        namespace: 'shared',
        registryHost: `127.0.0.1:${listener.port}`,
        username: 'u',
        password: 'p',
      },
    });
    const res = await strict.gql(VerifyCredentialDocument, { id: added.data!.addCredential.id });
    expect(res.data!.verifyCredential).toEqual({
      ok: false,
      message: `EGRESS_DENIED: ${policyRefusal(`127.0.0.1:${listener.port}`, 'loopback addresses')}`,
    });
    expect(listener.connections()).toBe(0);
  });

  it('refuses link-local and metadata registries, and answers their health with the refusal', async () => {
    for (const [url, target, rule] of [
      ['http://169.254.169.254', '169.254.169.254:80', 'cloud metadata addresses'],
      ['https://[fe80::1]:5000', '[fe80::1]:5000', 'link-local addresses'],
    ]) {
      const res = await strict.gql(AddRegistryDocument, {
        input: { name: 'meta', kind: 'DISTRIBUTION', url },
      });
      expect(errorCodes(res)).toEqual(['EGRESS_DENIED']);
      expect(res.errors![0].message).toBe(policyRefusal(target, rule));
    }
    // Added before the policy existed: stored, but never reached.
    await new RegistryStore(strict.app.store.db).insert({
      name: 'old-meta',
      kind: 'DISTRIBUTION',
      url: 'http://169.254.169.254',
      insecure: false,
    });
    const health = await strict.gql(RegistryByNameDocument, { name: 'old-meta' }, viewer);
    expect(health.data!.registry!.health).toEqual({
      ok: false,
      latencyMs: null,
      authScheme: null,
      message: `EGRESS_DENIED: ${policyRefusal('169.254.169.254:80', 'cloud metadata addresses')}`,
    });
  });

  it('lets a cluster admin add a loopback registry, but not follow its token realm to 0.0.0.0', async () => {
    const hostile = await challengingRegistry(`http://0.0.0.0:${listener.port}/token`);
    try {
      const added = await strict.gql(AddRegistryDocument, {
        input: { name: 'hostile', kind: 'DISTRIBUTION', url: hostile.url },
      });
      expect(added.errors).toBeUndefined();
      const health = await strict.gql(RegistryByNameDocument, { name: 'hostile' }, viewer);
      expect(health.data!.registry!.health.message).toBe(
        `EGRESS_DENIED: ${policyRefusal(`0.0.0.0:${listener.port}`, 'unspecified (this-host) addresses')}`,
      );
      const image = await strict.gql(
        ImageByPullSpecDocument,
        { pullSpec: `${new URL(hostile.url).host}/x/y:z` },
        viewer,
      );
      expect(errorCodes(image)).toEqual(['EGRESS_DENIED']);
      expect(listener.connections()).toBe(0);

      const local = await strict.gql(AddRegistryDocument, {
        input: { name: 'local', kind: 'DISTRIBUTION', url: registry.url },
      });
      expect(local.errors).toBeUndefined();
      const read = await strict.gql(
        ImageByPullSpecDocument,
        { pullSpec: `${registry.host}/team/app:v1` },
        viewer,
      );
      expect(read.data!.image!.digest).toBe(digest);
    } finally {
      await hostile.close();
    }
  });

  it('with upstream.privateNetworks for loopback, reaches it; insecure imports speak plain HTTP to a host no registry claims', async () => {
    const wide = await startTestServer();
    try {
      const reached = await wide.gql(ImageByPullSpecDocument, {
        pullSpec: `127.0.0.1:${listener.port}/x/y:z`,
      });
      expect(errorCodes(reached)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(listener.connections()).toBeGreaterThan(0);

      const secure = await importImage(wide, { from: `${registry.host}/team/app:v1` });
      expect(secure.data!.importImage.images).toEqual([
        expect.objectContaining({ status: 'FAILED', reason: 'Unavailable' }),
      ]);
      const insecure = await importImage(wide, {
        from: `${registry.host}/team/app:v1`,
        insecure: true,
      });
      expect(insecure.data!.importImage.images).toEqual([
        expect.objectContaining({
          tag: 'v1',
          status: 'SUCCESS',
          image: expect.objectContaining({ digest }),
        }),
      ]);
      const all = await importImage(wide, {
        stream: 'every',
        from: `${registry.host}/team/app`,
        all: true,
        insecure: true,
      });
      expect(all.data!.importImage.images.map((i) => [i.tag, i.status])).toEqual([
        ['v1', 'SUCCESS'],
      ]);
    } finally {
      await wide.close();
    }
  });
});
