import { randomBytes } from 'node:crypto';
import { sha256Digest } from '../../src/oci/digest';
import { CreateTokenDocument } from '../generated/graphql';
import { startTestServer, type TestServer } from '../helpers/server';
import { parseChallenge, rawRequest, RegistryClient } from './distribution-client';

/**
 * The requests and expectations of the OCI distribution-spec v1.1.1 conformance specs that regql
 * used to fail or skip: an impossible manifest reference, and cross-repository mounts a client
 * makes with exactly the scopes it was challenged for.
 */
describe('the integrated registry against the conformance specs', () => {
  let server: TestServer;
  let editorToken: string;
  let otherToken: string;

  const client = (password: string) => new RegistryClient(() => server.url, password);

  beforeAll(async () => {
    server = await startTestServer();
    const token = async (namespace: string) =>
      (await server.gql(CreateTokenDocument, { input: { namespace, role: 'EDITOR' } })).data!
        .createToken.token;
    editorToken = await token('team-a');
    otherToken = await token('team-b');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 404 MANIFEST_UNKNOWN for GET and HEAD of a reference that cannot exist, 400 for PUT', async () => {
    const c = client(editorToken);
    await c.authorize(['repository:team-a/app:pull,push']);
    const get = await c.get('/v2/team-a/app/manifests/.INVALID_MANIFEST_NAME');
    expect(get.status).toBe(404);
    expect(get.json<{ errors: { code: string }[] }>().errors[0].code).toBe('MANIFEST_UNKNOWN');
    expect(
      (await c.request('HEAD', '/v2/team-a/app/manifests/.INVALID_MANIFEST_NAME')).status,
    ).toBe(404);
    const put = await c.request('PUT', '/v2/team-a/app/manifests/.INVALID_MANIFEST_NAME', {
      body: Buffer.from('{}'),
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(put.status).toBe(400);
    expect(put.json<{ errors: { code: string }[] }>().errors[0].code).toBe('MANIFEST_INVALID');
  });

  it('challenges a mount for the source too, so a token for exactly that scope mounts', async () => {
    const data = randomBytes(700);
    const digest = await client(editorToken).pushBlob('team-a/base', data);
    const c = client(editorToken);
    const path = `/v2/team-a/derived/blobs/uploads/?mount=${digest}&from=team-a/base`;
    const challenged = await rawRequest(server.url, 'POST', path);
    expect(challenged.status).toBe(401);
    const { scope } = parseChallenge(String(challenged.headers['www-authenticate']));
    expect(scope.split(' ')).toEqual([
      'repository:team-a/derived:pull,push',
      'repository:team-a/base:pull',
    ]);
    const mounted = await c.request('POST', path);
    expect(mounted.status).toBe(201);
    expect(mounted.headers.location).toBe(`/v2/team-a/derived/blobs/${digest}`);
    expect((await c.get(`/v2/team-a/derived/blobs/${digest}`)).body.equals(data)).toBe(true);
  });

  it('mounts without from from a repository the caller may read, and never from one it may not', async () => {
    const shared = randomBytes(600);
    const digest = await client(editorToken).pushBlob('team-a/layers', shared);
    const c = client(editorToken);
    await c.authorize(['repository:team-a/auto:pull,push']);
    const mounted = await c.request('POST', `/v2/team-a/auto/blobs/uploads/?mount=${digest}`);
    expect(mounted.status).toBe(201);
    expect(mounted.headers['docker-content-digest']).toBe(digest);

    const secret = randomBytes(400);
    const secretDigest = await client(otherToken).pushBlob('team-b/private', secret);
    const refused = await c.request('POST', `/v2/team-a/auto/blobs/uploads/?mount=${secretDigest}`);
    expect(refused.status).toBe(202);
    expect((await c.request('HEAD', `/v2/team-a/auto/blobs/${secretDigest}`)).status).toBe(404);

    const unknown = sha256Digest(randomBytes(16));
    expect(
      (await c.request('POST', `/v2/team-a/auto/blobs/uploads/?mount=${unknown}`)).status,
    ).toBe(202);
  });

  it('names the host the client asked for in the realm when no publicUrl is configured', async () => {
    const asked = await rawRequest(server.url, 'GET', '/v2/', {
      headers: { host: 'registry.team-a.test:5000' },
    });
    expect(parseChallenge(String(asked.headers['www-authenticate'])).realm).toBe(
      'http://registry.team-a.test:5000/auth/token',
    );
    const odd = await rawRequest(server.url, 'GET', '/v2/', {
      headers: { host: 'evil.test"/,x="y' },
    });
    expect(parseChallenge(String(odd.headers['www-authenticate'])).realm).toMatch(
      /^http:\/\/localhost:\d+\/auth\/token$/,
    );
  });

  it('keeps the configured publicUrl in the realm whatever the Host', async () => {
    const configured = await startTestServer({
      env: { REGQL_PUBLIC_URL: 'https://registry.example.test' },
    });
    try {
      const asked = await rawRequest(configured.url, 'GET', '/v2/', {
        headers: { host: 'other.test' },
      });
      expect(parseChallenge(String(asked.headers['www-authenticate'])).realm).toBe(
        'https://registry.example.test/auth/token',
      );
    } finally {
      await configured.close();
    }
  });
});
