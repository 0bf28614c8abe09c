import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddCredentialDocument,
  AddRegistryDocument,
  CreateTokenDocument,
  CredentialsDocument,
  DeleteCredentialDocument,
  ImportDockerConfigDocument,
  VerifyCredentialDocument,
} from '../generated/graphql';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { storeContents } from '../helpers/postgres';
import { errorCodes, startTestServer, type TestServer } from '../helpers/server';

const SECRETS = [
  's3cret-basic-password',
  'ghp_tokenABCDEF123456',
  'eyJhbGciOi.rh-service',
  'dckr_pat_xyz987',
  'legacy-pass-42',
];

describe('credentials vault', () => {
  let server: TestServer;
  let registry: DockerRegistry;
  let teamAdmin: string;
  let editor: string;
  const responses: string[] = [];

  const gql: TestServer['gql'] = async (doc, vars, token) => {
    const res = await server.gql(doc, vars, token);
    responses.push(JSON.stringify(res));
    return res;
  };

  beforeAll(async () => {
    registry = await startDockerRegistry({ auth: { username: 'ci', password: SECRETS[0] } });
    server = await startTestServer();
    await gql(AddRegistryDocument, {
      input: { name: 'local', kind: 'DISTRIBUTION', url: registry.url },
    });
    teamAdmin = (await gql(CreateTokenDocument, { input: { namespace: 'team-a', role: 'ADMIN' } }))
      .data!.createToken.token;
    editor = (await gql(CreateTokenDocument, { input: { namespace: 'team-a', role: 'EDITOR' } }))
      .data!.createToken.token;
  }, 30000);
  afterAll(async () => {
    await server?.close();
    await registry?.stop();
  });

  it('stores each kind and shows everything but the secret', async () => {
    const inputs = [
      { registryHost: registry.host, username: 'ci', password: SECRETS[0], kind: 'BASIC' as const },
      { registryHost: 'ghcr.io/acme', password: SECRETS[1], kind: 'TOKEN' as const },
      {
        registryHost: 'registry.redhat.io',
        username: '11009103|ci',
        password: SECRETS[2],
        kind: 'REDHAT_SERVICE_ACCOUNT' as const,
      },
      {
        registryHost: 'https://index.docker.io/',
        username: 'alice',
        password: SECRETS[3],
        kind: 'DOCKER_HUB_TOKEN' as const,
      },
      {
        registryHost: 'quay.io/acme',
        username: 'acme+ci',
        password: 'robot',
        kind: 'QUAY_ROBOT' as const,
      },
    ];
    for (const input of inputs) {
      const res = await gql(
        AddCredentialDocument,
        { input: { namespace: 'team-a', ...input } },
        teamAdmin,
      );
      expect(res.errors).toBeUndefined();
    }
    const list = await gql(CredentialsDocument, { namespace: 'team-a' }, teamAdmin);
    expect(list.data!.credentials.map((c) => [c.registryHost, c.username, c.kind])).toEqual([
      [registry.host, 'ci', 'BASIC'],
      ['ghcr.io/acme', null, 'TOKEN'],
      ['registry.redhat.io', '11009103|ci', 'REDHAT_SERVICE_ACCOUNT'],
      ['docker.io', 'alice', 'DOCKER_HUB_TOKEN'],
      ['quay.io/acme', 'acme+ci', 'QUAY_ROBOT'],
    ]);
  });

  it.each([
    [
      { registryHost: 'quay.io', username: 'x', password: '', kind: 'BASIC' },
      /password must not be empty/,
    ],
    [{ registryHost: 'quay.io', password: 'p', kind: 'BASIC' }, /needs a username/],
    [
      { registryHost: 'bad host!', username: 'x', password: 'p', kind: 'BASIC' },
      /not host\[:port\]\[\/path\]/,
    ],
    [
      {
        registryHost: 'registry.redhat.io',
        username: 'ci',
        password: 'p',
        kind: 'REDHAT_SERVICE_ACCOUNT',
      },
      /<digits>\|<name>/,
    ],
    [
      { registryHost: 'quay.io', username: 'robot', password: 'p', kind: 'QUAY_ROBOT' },
      /<organization>\+<robot>/,
    ],
  ])('refuses %j', async (input, message) => {
    const res = await gql(
      AddCredentialDocument,
      { input: { namespace: 'team-a', ...(input as object) } as never },
      teamAdmin,
    );
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(message);
  });

  it('imports docker config.json, podman auth.json and legacy .dockercfg as users paste them', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const dockerConfig = JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: b64(`hubuser:${SECRETS[3]}`) },
        'quay.io': { auth: b64('acme+bot:robot-token'), email: 'ci@example.com' },
      },
      HttpHeaders: { 'User-Agent': 'Docker-Client/24.0.7 (linux)' },
    });
    const imported = await gql(ImportDockerConfigDocument, {
      namespace: 'team-b',
      config: dockerConfig,
    });
    expect(imported.data!.importDockerConfig.map((c) => [c.registryHost, c.username])).toEqual([
      ['docker.io', 'hubuser'],
      ['quay.io', 'acme+bot'],
    ]);
    const podman = JSON.stringify({
      auths: { 'registry.example.com:5000/team': { username: 'p', password: 'podman-pass' } },
    });
    expect(
      (await gql(ImportDockerConfigDocument, { namespace: 'team-b', config: podman })).data!
        .importDockerConfig[0].registryHost,
    ).toBe('registry.example.com:5000/team');
    const legacy = JSON.stringify({
      'https://registry.legacy.example/v1/': { auth: b64(`old:${SECRETS[4]}`), email: 'x@y.z' },
    });
    expect(
      (await gql(ImportDockerConfigDocument, { namespace: 'team-b', config: legacy })).data!
        .importDockerConfig[0],
    ).toMatchObject({
      registryHost: 'registry.legacy.example',
      username: 'old',
    });
  });

  it('imports nothing from a config with an unusable entry, and says which', async () => {
    const before = (await gql(CredentialsDocument, { namespace: 'team-c' })).data!.credentials
      .length;
    const config = JSON.stringify({
      auths: {
        'ghcr.io': { auth: Buffer.from('u:p').toString('base64') },
        'https://index.docker.io/v1/': {},
      },
      credsStore: 'desktop',
    });
    const res = await gql(ImportDockerConfigDocument, { namespace: 'team-c', config });
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).toMatch(/https:\/\/index.docker.io\/v1\/: holds no credentials/);
    expect(
      (await gql(CredentialsDocument, { namespace: 'team-c' })).data!.credentials,
    ).toHaveLength(before);
    expect(
      errorCodes(
        await gql(ImportDockerConfigDocument, { namespace: 'team-c', config: 'not json' }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('verifies a credential by logging in to the registry', async () => {
    const good = await gql(
      AddCredentialDocument,
      {
        input: {
          namespace: 'team-a',
          registryHost: `${registry.host}/team`,
          username: 'ci',
          password: SECRETS[0],
        },
      },
      teamAdmin,
    );
    const bad = await gql(
      AddCredentialDocument,
      {
        input: {
          namespace: 'team-a',
          registryHost: `${registry.host}/other`,
          username: 'ci',
          password: 'wrong',
        },
      },
      teamAdmin,
    );
    expect(
      (await gql(VerifyCredentialDocument, { id: good.data!.addCredential.id }, teamAdmin)).data!
        .verifyCredential,
    ).toEqual({
      ok: true,
      message: expect.stringMatching(/accepted/),
    });
    const refused = await gql(
      VerifyCredentialDocument,
      { id: bad.data!.addCredential.id },
      teamAdmin,
    );
    expect(refused.data!.verifyCredential).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^UPSTREAM_UNAUTHORIZED/),
    });
  });

  it("lets only admins of the namespace see and change its credentials; the shared ones are the cluster admins'", async () => {
    expect(errorCodes(await gql(CredentialsDocument, { namespace: 'team-a' }, editor))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await gql(CredentialsDocument, { namespace: 'team-b' }, teamAdmin))).toEqual([
      'FORBIDDEN',
    ]);
    const sharedByTeam = await gql(
      AddCredentialDocument,
      { input: { namespace: 'shared', registryHost: 'x.io', username: 'u', password: 'p' } },
      teamAdmin,
    );
    expect(errorCodes(sharedByTeam)).toEqual(['FORBIDDEN']);
    const foreign = (await gql(CredentialsDocument, { namespace: 'team-b' })).data!.credentials[0]
      .id;
    expect(errorCodes(await gql(DeleteCredentialDocument, { id: foreign }, teamAdmin))).toEqual([
      'NOT_FOUND',
    ]);
    expect(errorCodes(await gql(VerifyCredentialDocument, { id: foreign }, teamAdmin))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('deletes a credential', async () => {
    const added = await gql(
      AddCredentialDocument,
      { input: { namespace: 'team-a', registryHost: 'gone.io', username: 'u', password: 'p' } },
      teamAdmin,
    );
    const id = added.data!.addCredential.id;
    expect((await gql(DeleteCredentialDocument, { id }, teamAdmin)).data!.deleteCredential).toBe(
      true,
    );
    expect(errorCodes(await gql(DeleteCredentialDocument, { id }, teamAdmin))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('never shows a secret: not in responses, logs or any file under the data directory', () => {
    const everything = [...responses, ...server.logs].join('\n');
    const files = readdirSync(server.dataDir)
      .map((f) => join(server.dataDir, f))
      .filter((f) => statSync(f).isFile());
    const stored = storeContents(server.dataDir);
    expect(stored.includes('sealed')).toBe(true);
    for (const secret of SECRETS) {
      expect(everything).not.toContain(secret);
      expect(stored.includes(secret)).toBe(false);
      for (const file of files) expect(readFileSync(file).includes(secret)).toBe(false);
    }
  });

  it('keeps its key in a 0600 file when none is configured', () => {
    expect(statSync(join(server.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses to open its store with another secret key, and opens it again with its own', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'regql-key-'));
    try {
      await (await startTestServer({ dataDir })).close();
      const other = randomBytes(32).toString('hex');
      await expect(startTestServer({ dataDir, env: { REGQL_SECRET_KEY: other } })).rejects.toThrow(
        "secretKey (REGQL_SECRET_KEY) is not the key this store's credentials are sealed with",
      );
      await (await startTestServer({ dataDir })).close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
