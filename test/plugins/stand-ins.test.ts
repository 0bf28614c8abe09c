import { createHash } from 'node:crypto';
import { basicAuth } from '../helpers/basic-auth';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { buildImage, skopeo, skopeoCopy } from '../helpers/images';
import { pushSyntheticImage, type SyntheticImage } from '../helpers/synthetic-images';
import { MANIFEST_ACCEPT } from '../../plugins/stand-in-common';
import { startDockerHubStandIn, type DockerHubStandIn } from '../../plugins/dockerhub/stand-in';
import { startFaultyRegistry, type FaultyRegistry } from '../helpers/vendors/faulty-registry';
import { startQuayStandIn, type QuayStandIn } from '../../plugins/quay/stand-in';
import { startRedHatStandIn, type RedHatStandIn } from '../../plugins/redhat/stand-in';

jest.setTimeout(30000);

interface Inspection {
  Digest: string;
  Architecture: string;
  Os: string;
  RepoTags: string[];
}

async function inspect(host: string, reference: string, creds?: string): Promise<Inspection> {
  const out = await skopeo([
    '--command-timeout=15s',
    'inspect',
    '--tls-verify=false',
    ...(creds ? [`--creds=${creds}`] : ['--no-creds']),
    `docker://${host}/${reference}`,
  ]);
  return JSON.parse(out) as Inspection;
}

const hostOf = (url: string) => new URL(url).host;

async function tokenFrom(
  challenge: string | null,
  scope: string,
  authorization?: string,
): Promise<string> {
  const realm = /realm="([^"]+)"/.exec(challenge ?? '')?.[1];
  const service = /service="([^"]+)"/.exec(challenge ?? '')?.[1];
  const url = new URL(realm!);
  url.searchParams.set('service', service!);
  url.searchParams.set('scope', scope);
  const answer = await fetch(url, { headers: authorization ? { authorization } : {} });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { token?: string; access_token?: string };
  return (body.token ?? body.access_token)!;
}

let backing: DockerRegistry;
let umociLayout: string;

beforeAll(async () => {
  backing = await startDockerRegistry();
  umociLayout = (await buildImage({ marker: 'stand-ins' })).layout;
});

afterAll(async () => {
  await backing?.stop();
});

describe('Docker Hub stand-in', () => {
  let hub: DockerHubStandIn;
  let nginx: SyntheticImage;

  beforeAll(async () => {
    hub = await startDockerHubStandIn({
      backing,
      users: { alice: 'alice-secret' },
      privateRepositories: ['alice/private'],
      rateLimit: 100,
    });
    nginx = await pushSyntheticImage(backing.url, 'library/nginx', '1.25');
    await pushSyntheticImage(backing.url, 'alice/private', 'v1');
    await skopeoCopy(`oci:${umociLayout}:v1`, `docker://${backing.host}/alice/umoci:v1`);
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('serves public, umoci and private images to skopeo with the right credentials', async () => {
    const host = hostOf(hub.registryUrl);
    expect((await inspect(host, 'library/nginx:1.25')).Digest).toBe(nginx.digest);
    expect((await inspect(host, 'alice/umoci:v1', 'alice:alice-secret')).Os).toBe('linux');
    expect((await inspect(host, 'alice/private:v1', 'alice:alice-secret')).RepoTags).toEqual([
      'v1',
    ]);
    await expect(inspect(host, 'alice/private:v1')).rejects.toThrow();
    await expect(inspect(host, 'alice/private:v1', 'alice:wrong')).rejects.toThrow();
    expect(
      hub.requests.some((r) => r.service === 'auth' && r.authorization?.startsWith('Basic ')),
    ).toBe(true);
  });

  it('answers with Docker Hub challenges, tokens, rate-limit headers and catalog refusal', async () => {
    const root = await fetch(`${hub.registryUrl}/v2/`);
    expect(root.status).toBe(401);
    const challenge = root.headers.get('www-authenticate');
    expect(challenge).toBe(`Bearer realm="${hub.authUrl}/token",service="registry.docker.io"`);
    const tokenAnswer = await fetch(
      `${hub.authUrl}/token?service=registry.docker.io&scope=repository:library/nginx:pull`,
    );
    const token = (await tokenAnswer.json()) as Record<string, unknown>;
    expect(Object.keys(token).sort()).toEqual(['access_token', 'expires_in', 'issued_at', 'token']);
    expect(token.expires_in).toBe(300);
    const headers = { authorization: `Bearer ${String(token.token)}`, accept: MANIFEST_ACCEPT };

    hub.setRemaining(2);
    const head = await fetch(`${hub.registryUrl}/v2/library/nginx/manifests/1.25`, {
      method: 'HEAD',
      headers,
    });
    expect(head.headers.get('ratelimit-limit')).toBe('100;w=21600');
    expect(head.headers.get('ratelimit-remaining')).toBe('2;w=21600');
    expect(head.headers.get('docker-ratelimit-source')).toBe('127.0.0.1');
    const get = await fetch(`${hub.registryUrl}/v2/library/nginx/manifests/1.25`, { headers });
    expect(get.headers.get('ratelimit-remaining')).toBe('1;w=21600');
    expect(get.headers.get('docker-content-digest')).toBe(nginx.digest);
    expect(Buffer.from(await get.arrayBuffer()).equals(nginx.manifest)).toBe(true);
    hub.setRemaining(0);
    const limited = await fetch(`${hub.registryUrl}/v2/library/nginx/manifests/1.25`, { headers });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { errors: { code: string }[] }).errors[0].code).toBe(
      'TOOMANYREQUESTS',
    );
    expect(
      (
        await fetch(`${hub.registryUrl}/v2/library/nginx/manifests/1.25`, {
          method: 'HEAD',
          headers,
        })
      ).status,
    ).toBe(200);
    hub.setRemaining(100);

    const catalog = await fetch(`${hub.registryUrl}/v2/_catalog`, { headers });
    expect(catalog.status).toBe(401);
    expect(((await catalog.json()) as { errors: { code: string }[] }).errors[0].code).toBe(
      'UNAUTHORIZED',
    );

    const denied = await fetch(`${hub.registryUrl}/v2/alice/private/manifests/v1`, { headers });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain(
      'scope="repository:alice/private:pull"',
    );
  });

  it('serves Hub API tag metadata, repositories and tokens', async () => {
    const tags = await fetch(
      `${hub.hubUrl}/v2/namespaces/library/repositories/nginx/tags?page=1&page_size=10`,
    );
    expect(tags.status).toBe(200);
    expect(tags.headers.get('x-ratelimit-limit')).toBeTruthy();
    expect(tags.headers.get('x-ratelimit-remaining')).toBeTruthy();
    expect(tags.headers.get('x-ratelimit-reset')).toBeTruthy();
    const body = (await tags.json()) as {
      count: number;
      next: string | null;
      previous: string | null;
      results: {
        name: string;
        digest: string;
        last_updated: string;
        tag_status: string;
        images: { architecture: string; os: string; digest: string; status: string }[];
      }[];
    };
    expect(body).toMatchObject({ count: 1, next: null, previous: null });
    expect(body.results[0]).toMatchObject({
      name: '1.25',
      digest: nginx.digest,
      tag_status: 'active',
    });
    expect(body.results[0].images).toEqual([
      expect.objectContaining({
        architecture: 'amd64',
        os: 'linux',
        digest: nginx.digest,
        status: 'active',
      }),
    ]);
    const legacy = (await (
      await fetch(`${hub.hubUrl}/v2/repositories/library/nginx/tags/`)
    ).json()) as typeof body;
    expect(legacy.results[0].last_updated).toBe(body.results[0].last_updated);

    expect((await fetch(`${hub.hubUrl}/v2/repositories/alice/private/tags/`)).status).toBe(404);
    const bad = await fetch(`${hub.hubUrl}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'alice', secret: 'nope' }),
    });
    expect(bad.status).toBe(401);
    const login = await fetch(`${hub.hubUrl}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'alice', secret: 'alice-secret' }),
    });
    const { access_token } = (await login.json()) as { access_token: string };
    const authorization = `Bearer ${access_token}`;
    const privateTags = await fetch(`${hub.hubUrl}/v2/repositories/alice/private/tags/`, {
      headers: { authorization },
    });
    expect(privateTags.status).toBe(200);

    const anonymousRepos = (await (
      await fetch(`${hub.hubUrl}/v2/repositories/alice/?page_size=1`)
    ).json()) as {
      count: number;
      next: string | null;
      results: { name: string; is_private: boolean; repository_type: string }[];
    };
    expect(anonymousRepos).toMatchObject({ count: 1, next: null });
    expect(anonymousRepos.results[0]).toMatchObject({
      name: 'umoci',
      is_private: false,
      repository_type: 'image',
    });
    const repos = (await (
      await fetch(`${hub.hubUrl}/v2/repositories/alice/?page_size=1`, {
        headers: { authorization },
      })
    ).json()) as typeof anonymousRepos;
    expect(repos.count).toBe(2);
    expect(repos.next).toBe(`${hub.hubUrl}/v2/repositories/alice/?page_size=1&page=2`);
  });
});

describe('Quay stand-in', () => {
  let quay: QuayStandIn;
  let first: SyntheticImage;

  beforeAll(async () => {
    quay = await startQuayStandIn({
      backing,
      robots: { 'acme+ci': 'robot-token' },
      oauthTokens: ['oauth-token'],
      privateRepositories: ['acme/private'],
    });
    first = await pushSyntheticImage(backing.url, 'acme/app', 'latest');
    await pushSyntheticImage(backing.url, 'acme/private', 'v1');
    await skopeoCopy(`oci:${umociLayout}:v1`, `docker://${backing.host}/acme/umoci:v1`);
  });

  afterAll(async () => {
    await quay?.close();
  });

  it('serves images to skopeo with robot credentials and refuses anonymous private pulls', async () => {
    expect((await inspect(quay.host, 'acme/app:latest')).Digest).toBe(first.digest);
    expect((await inspect(quay.host, 'acme/umoci:v1')).Os).toBe('linux');
    expect((await inspect(quay.host, 'acme/private:v1', 'acme+ci:robot-token')).RepoTags).toEqual([
      'v1',
    ]);
    await expect(inspect(quay.host, 'acme/private:v1')).rejects.toThrow();
  });

  it('speaks the Quay token flavour and tag-list limit', async () => {
    const root = await fetch(`${quay.url}/v2/`);
    expect(root.status).toBe(401);
    expect(root.headers.get('www-authenticate')).toBe(
      `Bearer realm="${quay.url}/v2/auth",service="${quay.host}"`,
    );
    const answer = await fetch(
      `${quay.url}/v2/auth?service=${quay.host}&scope=repository:acme/private:pull`,
      { headers: { authorization: basicAuth('acme+ci', 'robot-token') } },
    );
    const body = (await answer.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['token']);
    const bad = await fetch(
      `${quay.url}/v2/auth?service=${quay.host}&scope=repository:acme/private:pull`,
      {
        headers: { authorization: basicAuth('acme+ci', 'wrong') },
      },
    );
    expect(bad.status).toBe(401);
    const headers = { authorization: `Bearer ${body.token}` };
    const tooMany = await fetch(`${quay.url}/v2/acme/private/tags/list?n=101`, { headers });
    expect(((await tooMany.json()) as { errors: { code: string }[] }).errors[0].code).toBe(
      'TOO_MANY_TAGS_REQUESTED',
    );
    const list = await fetch(`${quay.url}/v2/acme/private/tags/list?n=100`, { headers });
    expect(await list.json()).toEqual({ name: 'acme/private', tags: ['v1'] });
  });

  it('keeps tag history across direct pushes, restores and reports security', async () => {
    const historyUrl = `${quay.url}/api/v1/repository/acme/app/tag/?onlyActiveTags=false&specificTag=latest&page=1&limit=100`;
    await fetch(historyUrl);
    const second = await pushSyntheticImage(backing.url, 'acme/app', 'latest');
    const history = (await (await fetch(historyUrl)).json()) as {
      tags: { manifest_digest: string; end_ts?: number; start_ts: number; reversion: boolean }[];
      page: number;
      has_additional: boolean;
    };
    expect(history).toMatchObject({ page: 1, has_additional: false });
    expect(history.tags.map((t) => t.manifest_digest)).toEqual([second.digest, first.digest]);
    expect(history.tags[0].end_ts).toBeUndefined();
    expect(typeof history.tags[1].end_ts).toBe('number');

    const anonymous = await fetch(`${quay.url}/api/v1/repository/acme/app/tag/latest/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ manifest_digest: first.digest }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(await anonymous.json()).toMatchObject({ status: 401, error_type: 'invalid_token' });

    const authorization = 'Bearer oauth-token';
    const restore = await fetch(`${quay.url}/api/v1/repository/acme/app/tag/latest/restore`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ manifest_digest: first.digest }),
    });
    expect(restore.status).toBe(200);
    const current = await fetch(`${backing.url}/v2/acme/app/manifests/latest`, {
      method: 'HEAD',
      headers: { accept: MANIFEST_ACCEPT },
    });
    expect(current.headers.get('docker-content-digest')).toBe(first.digest);
    const after = (await (await fetch(historyUrl)).json()) as typeof history;
    expect(after.tags[0]).toMatchObject({ manifest_digest: first.digest, reversion: true });
    expect(after.tags).toHaveLength(3);

    const securityUrl = `${quay.url}/api/v1/repository/acme/app/manifest/${first.digest}/security?vulnerabilities=true`;
    expect(await (await fetch(securityUrl)).json()).toEqual({ status: 'queued', data: null });
    const report = {
      status: 'scanned' as const,
      data: { Layer: { Features: [{ Name: 'openssl', Version: '3.0.0', Vulnerabilities: [] }] } },
    };
    quay.setSecurity(first.digest, report);
    expect(await (await fetch(securityUrl)).json()).toEqual(report);

    const privateList = await fetch(`${quay.url}/api/v1/repository?namespace=acme`, {
      headers: { authorization },
    });
    const page1 = (await privateList.json()) as {
      repositories: { name: string; kind: string }[];
      next_page?: string;
    };
    expect(page1.repositories).toHaveLength(2);
    expect(page1.next_page).toBeTruthy();
    const page2 = (await (
      await fetch(`${quay.url}/api/v1/repository?namespace=acme&next_page=${page1.next_page}`, {
        headers: { authorization },
      })
    ).json()) as typeof page1;
    expect([...page1.repositories, ...page2.repositories].map((r) => r.name).sort()).toEqual([
      'app',
      'private',
      'umoci',
    ]);
    expect(page2.next_page).toBeUndefined();
  });
});

describe('Red Hat stand-in', () => {
  let redhat: RedHatStandIn;
  let ubi: SyntheticImage;

  beforeAll(async () => {
    redhat = await startRedHatStandIn({ backing, serviceAccounts: { '12345678|ci': 'sa-token' } });
    ubi = await pushSyntheticImage(backing.url, 'ubi9/ubi', '9.4');
    await skopeoCopy(`oci:${umociLayout}:v1`, `docker://${backing.host}/rhel9/umoci:v1`);
  });

  afterAll(async () => {
    await redhat?.close();
  });

  it('serves images to skopeo with a service account and refuses anonymous pulls', async () => {
    const host = hostOf(redhat.url);
    expect((await inspect(host, 'ubi9/ubi:9.4', '12345678|ci:sa-token')).Digest).toBe(ubi.digest);
    expect((await inspect(host, 'rhel9/umoci:v1', '12345678|ci:sa-token')).Os).toBe('linux');
    await expect(inspect(host, 'ubi9/ubi:9.4')).rejects.toThrow();
  });

  it('uses the rhcc realm and accepts a percent-encoded service account name', async () => {
    const root = await fetch(`${redhat.url}/v2/`);
    expect(root.status).toBe(401);
    const challenge = root.headers.get('www-authenticate');
    expect(challenge).toBe(
      `Bearer realm="${redhat.url}/auth/realms/rhcc/protocol/redhat-docker-v2/auth",service="docker-registry"`,
    );
    const token = await tokenFrom(
      challenge,
      'repository:ubi9/ubi:pull',
      basicAuth('12345678%7Cci', 'sa-token'),
    );
    const manifest = await fetch(`${redhat.url}/v2/ubi9/ubi/manifests/9.4`, {
      headers: { authorization: `Bearer ${token}`, accept: MANIFEST_ACCEPT },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(ubi.digest);
  });

  it('can answer with `token` or run anonymously', async () => {
    const tokenOnly = await startRedHatStandIn({
      backing,
      users: { dev: 'pw' },
      tokenField: 'token',
    });
    const open = await startRedHatStandIn({ backing, anonymous: true });
    try {
      const answer = await fetch(
        `${tokenOnly.url}/auth/realms/rhcc/protocol/redhat-docker-v2/auth?service=docker-registry&scope=repository:ubi9/ubi:pull`,
        { headers: { authorization: basicAuth('dev', 'pw') } },
      );
      expect(Object.keys((await answer.json()) as object).sort()).toEqual([
        'expires_in',
        'issued_at',
        'token',
      ]);
      expect((await inspect(hostOf(open.url), 'ubi9/ubi:9.4')).Digest).toBe(ubi.digest);
    } finally {
      await tokenOnly.close();
      await open.close();
    }
  });
});

describe('faulty registry', () => {
  let faulty: FaultyRegistry;

  beforeAll(async () => {
    faulty = await startFaultyRegistry();
  });

  afterAll(async () => {
    await faulty?.close();
  });

  it('serves a valid image for ordinary names', async () => {
    expect((await inspect(faulty.host, 'fine/app:v1')).Digest).toBe(faulty.digestOf('fine/app'));
  });

  it('injects the fault the repository name selects', async () => {
    const manifest = (name: string, init?: RequestInit) =>
      fetch(`${faulty.url}/v2/${name}/manifests/v1`, init);
    expect((await manifest('rate-limited/a')).status).toBe(429);
    expect((await manifest('rate-limited/a')).headers.get('retry-after')).toBe('1');
    expect((await manifest('rate-limited/a')).status).toBe(200);
    expect((await manifest('always-503/a')).status).toBe(503);
    expect((await manifest('not-found/a')).status).toBe(404);
    expect((await manifest('unauthorized/a')).headers.get('www-authenticate')).toMatch(/^Basic /);
    await expect(manifest('reset/a')).rejects.toThrow();
    expect((await manifest('reset/a')).status).toBe(200);
    await expect((await manifest('malformed/a')).json()).rejects.toThrow();
    const mismatch = await manifest('mismatch/a');
    expect(mismatch.headers.get('docker-content-digest')).toBe(faulty.digestOf('mismatch/a'));
    const hash = `sha256:${createHash('sha256')
      .update(Buffer.from(await mismatch.arrayBuffer()))
      .digest('hex')}`;
    expect(hash).not.toBe(faulty.digestOf('mismatch/a'));
    const huge = await manifest('huge/a', { method: 'HEAD' });
    expect(huge.headers.get('content-length')).toBe(String(10 * 1024 * 1024));
    await expect(manifest('stall/a', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });
});
