import { randomBytes } from 'node:crypto';
import {
  AddCredentialDocument,
  CreateTokenDocument,
  DeleteCredentialDocument,
  ImportImageFullDocument,
} from '../generated/graphql';
import { basicAuth } from '../helpers/basic-auth';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage, type SyntheticImage } from '../helpers/synthetic-images';
import { rawRequest } from '../integrated-registry/distribution-client';

const auth = { username: 'owner', password: 'upstream-secret-9731' };

/**
 * Pull-through reads upstream with the stream's namespace's credentials only: what one namespace
 * pulled through (and so holds locally) never reaches another namespace, not by its own
 * repositories, not by digest, and not once the other namespace's credential is gone.
 */
describe('pull-through keeps namespaces apart', () => {
  let registry: DockerRegistry;
  let server: TestServer;
  let image: SyntheticImage;
  const tokens: Record<string, string> = {};

  const pull = async (token: string | null, path: string) => {
    const headers: Record<string, string> = {};
    if (token !== null) {
      const repository = path.split('/').slice(2, 4).join('/');
      const answer = await rawRequest(
        server.url,
        'GET',
        `/auth/token?service=regql&scope=repository:${repository}:pull`,
        { headers: { authorization: basicAuth('x', token) } },
      );
      headers.authorization = `Bearer ${answer.json<{ token: string }>().token}`;
    }
    return rawRequest(server.url, 'GET', path, { headers });
  };
  const importInto = (namespace: string, stream: string) =>
    server.gql(ImportImageFullDocument, {
      input: {
        namespace,
        stream,
        from: `${registry.host}/private/app:v1`,
        confirm: true,
        referencePolicy: 'LOCAL',
      },
    });

  beforeAll(async () => {
    registry = await startDockerRegistry({ auth });
    server = await startTestServer({
      configFile: registriesConfigFile([
        { name: 'upstream', kind: 'DISTRIBUTION', url: registry.url },
      ]),
    });
    for (const namespace of ['a', 'b']) {
      const created = await server.gql(CreateTokenDocument, {
        input: { namespace, role: 'EDITOR' },
      });
      tokens[namespace] = created.data!.createToken.token;
    }
    image = await pushSyntheticImage(registry.url, 'private/app', 'v1', {
      authorization: basicAuth(auth.username, auth.password),
      layer: randomBytes(4096),
    });
    await server.gql(AddCredentialDocument, {
      input: { namespace: 'a', registryHost: registry.host, ...auth },
    });
    expect((await importInto('a', 'app')).data!.importImage.images[0].status).toBe('SUCCESS');
    for (const path of ['/v2/a/app/manifests/v1', `/v2/a/app/blobs/${image.layer.digest}`])
      expect((await pull(tokens.a, path)).status).toBe(200);
  }, 60000);
  afterAll(async () => {
    await server?.close();
    await registry?.stop();
  });

  it("refuses another namespace and anonymous callers a's pulled-through image", async () => {
    for (const token of [tokens.b, null]) {
      for (const path of [
        '/v2/a/app/manifests/v1',
        `/v2/a/app/manifests/${image.digest}`,
        `/v2/a/app/blobs/${image.layer.digest}`,
      ])
        expect((await pull(token, path)).status).toBe(401);
    }
  });

  it("never serves a's local copy through b's repositories", async () => {
    for (const path of [
      `/v2/b/app/manifests/${image.digest}`,
      `/v2/b/app/blobs/${image.layer.digest}`,
      `/v2/b/other/blobs/${image.layer.digest}`,
    ])
      expect((await pull(tokens.b, path)).status).toBe(404);
  });

  it('stops pulling through for b once its credential is gone, though a holds the image', async () => {
    const added = await server.gql(AddCredentialDocument, {
      input: { namespace: 'b', registryHost: registry.host, ...auth },
    });
    expect((await importInto('b', 'app')).data!.importImage.images[0].status).toBe('SUCCESS');
    await server.gql(DeleteCredentialDocument, { id: added.data!.addCredential.id });
    const manifest = await pull(tokens.b, '/v2/b/app/manifests/v1');
    expect(manifest.status).toBe(404);
    expect(manifest.body.toString()).not.toContain(auth.password);
    expect((await pull(tokens.b, `/v2/b/app/blobs/${image.layer.digest}`)).status).toBe(404);
  });
});
