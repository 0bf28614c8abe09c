import {
  AddCredentialDocument,
  AddRegistryDocument,
  CreateTokenDocument,
  GrantPullDocument,
  MirrorImageDocument,
  MirrorJobsDocument,
  RevokePullDocument,
  type MirrorImageInput,
} from '../generated/graphql';
import { sha256Digest } from '../../src/oci/digest';
import { OCI_INDEX, OCI_MANIFEST } from '../../src/oci/media-types';
import { MAX_PLAN_MANIFESTS } from '../../src/mirror/mirror-plan';
import { basicAuth } from '../helpers/basic-auth';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { eventually } from '../helpers/events';
import { waitForJob } from '../helpers/mirror';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import { watchEvents } from '../helpers/watch-events';

type Caller = 'viewerA' | 'editorA' | 'adminB' | 'editorB';

/**
 * A hostile user of namespace `a` tries to mirror what it may not: without EDITOR, from `b`'s
 * integrated repositories without a pull grant, into `b`'s repositories, with `b`'s credentials,
 * to a destination outside the egress policy; and to watch `b`'s jobs and their events.
 */
describe('mirroring stays within what a namespace may read and write', () => {
  let server: TestServer;
  let host: string;
  let remote: DockerRegistry;
  const tokens = {} as Record<Caller, string>;

  const mirror = (caller: Caller | null, input: MirrorImageInput) =>
    server.gql(MirrorImageDocument, { input }, caller ? tokens[caller] : null);
  const jobsOf = async (namespace: string) =>
    (await server.gql(MirrorJobsDocument, { namespace, first: 100 })).data!.mirrorJobs.edges;

  beforeAll(async () => {
    remote = await startDockerRegistry({ auth: { username: 'b-robot', password: 'b-secret' } });
    server = await startTestServer();
    host = new URL(server.url).host;
    for (const [caller, namespace, role] of [
      ['viewerA', 'a', 'VIEWER'],
      ['editorA', 'a', 'EDITOR'],
      ['adminB', 'b', 'ADMIN'],
      ['editorB', 'b', 'EDITOR'],
    ] as const)
      tokens[caller] = (
        await server.gql(CreateTokenDocument, { input: { namespace, role } })
      ).data!.createToken.token;
    const admin = { authorization: basicAuth('admin', ADMIN_TOKEN) };
    await pushSyntheticImage(server.url, 'b/app', 'v1', admin);
    await pushSyntheticImage(server.url, 'a/app', 'v1', admin);
    await server.gql(AddRegistryDocument, {
      input: { name: 'remote', kind: 'DISTRIBUTION', url: remote.url },
    });
    await server.gql(AddCredentialDocument, {
      input: {
        namespace: 'b',
        registryHost: remote.host,
        username: 'b-robot',
        password: 'b-secret',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await remote?.stop();
  });

  const ownCopy = () => ({
    namespace: 'a',
    source: `${host}/a/app:v1`,
    destination: `${host}/a/copy:v1`,
  });

  it('needs a token and EDITOR in the namespace', async () => {
    expect(errorCodes(await mirror(null, ownCopy()))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await mirror('viewerA', ownCopy()))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await mirror('editorA', { ...ownCopy(), namespace: 'b' }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(await jobsOf('a')).toEqual([]);
  });

  it('reads b’s integrated repositories only with b’s pull grant', async () => {
    const fromB = { ...ownCopy(), source: `${host}/b/app:v1` };
    const refused = await mirror('editorA', fromB);
    expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0].message).not.toContain('sha256:');
    expect(await jobsOf('a')).toEqual([]);
    await server.gql(GrantPullDocument, { input: { namespace: 'a', from: 'b' } }, tokens.adminB);
    const granted = await mirror('editorA', fromB);
    expect(granted.errors).toBeUndefined();
    const job = await waitForJob(server, 'a', granted.data!.mirrorImage.id);
    expect(job.state).toBe('SUCCEEDED');
    await server.gql(RevokePullDocument, { input: { namespace: 'a', from: 'b' } }, tokens.adminB);
    expect(errorCodes(await mirror('editorA', fromB))).toEqual(['FORBIDDEN']);
  });

  it('never writes into b’s repositories of the integrated registry', async () => {
    const intoB = { ...ownCopy(), destination: `${host}/b/stolen:v1` };
    expect(errorCodes(await mirror('editorA', intoB))).toEqual(['FORBIDDEN']);
    const manifest = await fetch(`${server.url}/v2/b/stolen/manifests/v1`, {
      headers: { authorization: basicAuth('admin', ADMIN_TOKEN) },
    });
    expect(manifest.status).toBe(404);
  });

  it('never writes with b’s credential for a registry', async () => {
    const started = await mirror('editorA', {
      ...ownCopy(),
      destination: `${remote.host}/b/stolen:v1`,
    });
    expect(started.errors).toBeUndefined();
    const job = await waitForJob(server, 'a', started.data!.mirrorImage.id);
    expect(job.state).toBe('FAILED');
    expect(job.message).toContain('UPSTREAM_UNAUTHORIZED');
  });

  it('shows b’s jobs and their events to b’s viewers only', async () => {
    const watchA = watchEvents(server.url, `Bearer ${tokens.editorA}`, {});
    const watchB = watchEvents(server.url, `Bearer ${tokens.editorB}`, { namespace: 'b' });
    try {
      const started = await mirror('editorB', {
        namespace: 'b',
        source: `${host}/b/app:v1`,
        destination: `${host}/b/copy:v1`,
      });
      const job = await waitForJob(server, 'b', started.data!.mirrorImage.id);
      expect(job.state).toBe('SUCCEEDED');
      await eventually(
        () => watchB.events.some((e) => e.type === 'MIRROR_COMPLETED'),
        'b sees its MIRROR_COMPLETED',
      );
      expect(watchA.events.filter((e) => e.namespace === 'b')).toEqual([]);
      for (const caller of ['viewerA', 'editorA'] as const) {
        const jobs = await server.gql(
          MirrorJobsDocument,
          { namespace: 'b', first: 10 },
          tokens[caller],
        );
        expect(errorCodes(jobs)).toEqual(['FORBIDDEN']);
        const events = await server.raw(
          '{ events(first: 500) { edges { node { type namespace message } } } }',
          {},
          tokens[caller],
        );
        expect(JSON.stringify(events.data)).not.toContain(job.id);
      }
    } finally {
      await watchA.stop();
      await watchB.stop();
    }
  });

  it('fails a mirror whose source names more manifests than a plan may hold, after that many reads', async () => {
    const admin = { authorization: basicAuth('admin', ADMIN_TOKEN) };
    const image = await pushSyntheticImage(server.url, 'a/huge', 'base', admin);
    const base = JSON.parse(image.manifest.toString()) as Record<string, unknown>;
    const children = [];
    for (let i = 0; i <= MAX_PLAN_MANIFESTS; i++) {
      const bytes = Buffer.from(JSON.stringify({ ...base, annotations: { n: String(i) } }));
      const digest = sha256Digest(bytes);
      const put = await fetch(`${server.url}/v2/a/huge/manifests/${digest}`, {
        method: 'PUT',
        headers: { ...admin, 'content-type': OCI_MANIFEST },
        body: bytes,
      });
      expect(put.status).toBe(201);
      children.push({ mediaType: OCI_MANIFEST, digest, size: bytes.length });
    }
    const index = await fetch(`${server.url}/v2/a/huge/manifests/v1`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': OCI_INDEX },
      body: JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: children }),
    });
    expect(index.status).toBe(201);
    const started = await mirror('editorA', {
      namespace: 'a',
      source: `${host}/a/huge:v1`,
      destination: `${host}/a/huge-copy:v1`,
      allPlatforms: true,
    });
    const job = await waitForJob(server, 'a', started.data!.mirrorImage.id);
    expect(job.state).toBe('FAILED');
    expect(job.message).toMatch(/more than 500 manifests/);
  });
});

describe('mirroring and the egress policy', () => {
  let server: TestServer;
  let remote: DockerRegistry;

  beforeAll(async () => {
    remote = await startDockerRegistry();
    server = await startTestServer({ loopbackEgress: false });
    await pushSyntheticImage(server.url, 'a/app', 'v1', {
      authorization: basicAuth('admin', ADMIN_TOKEN),
    });
  });
  afterAll(async () => {
    await server?.close();
    await remote?.stop();
  });

  it('refuses a destination outside it before any job exists', async () => {
    const host = new URL(server.url).host;
    const res = await server.gql(MirrorImageDocument, {
      input: {
        namespace: 'a',
        source: `${host}/a/app:v1`,
        destination: `${remote.host}/a/app:v1`,
      },
    });
    expect(errorCodes(res)).toEqual(['EGRESS_DENIED']);
    expect(
      (await server.gql(MirrorJobsDocument, { namespace: 'a', first: 10 })).data!.mirrorJobs.edges,
    ).toEqual([]);
  });
});
