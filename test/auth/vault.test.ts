import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecretKey, SecretBox } from '../../src/auth/secret-box';
import { Vault } from '../../src/auth/vault';
import { CredentialStore } from '../../src/store/credential-store';
import type { Store } from '../../src/store/open-store';
import { openTestStore } from '../helpers/postgres';
import { builtInPlugins, credentialRulesOf } from '../../plugins';

describe('vault lookup, as image streams pick credentials', () => {
  let store: Store;
  let vault: Vault;
  beforeAll(async () => {
    store = await openTestStore('regql-vault-');
    vault = new Vault(
      new CredentialStore(store.db),
      new SecretBox(randomBytes(32)),
      'shared',
      credentialRulesOf(builtInPlugins),
    );
    const add = (namespace: string, registryHost: string, password: string) =>
      vault.add(namespace, { registryHost, username: 'u', password, kind: 'BASIC' });
    await add('team', 'quay.io', 'team-quay');
    await add('team', 'quay.io/acme', 'team-quay-acme');
    await add('team', 'index.docker.io', 'team-hub');
    await add('shared', 'quay.io', 'shared-quay');
    await add('shared', 'ghcr.io', 'shared-ghcr');
  });
  afterAll(() => store.close());

  const secret = async (namespace: string | null, host: string, repository: string) =>
    (await vault.lookup(namespace, host, repository))?.secret ?? null;

  it('prefers the longest host/path prefix of the namespace', async () => {
    expect(await secret('team', 'quay.io', 'acme/app')).toBe('team-quay-acme');
    expect(await secret('team', 'quay.io', 'acmecorp/app')).toBe('team-quay');
    expect(await secret('team', 'quay.io', 'other/app')).toBe('team-quay');
  });

  it('treats Docker Hub aliases as one host', async () => {
    expect(await secret('team', 'docker.io', 'library/nginx')).toBe('team-hub');
    expect(await secret('team', 'registry-1.docker.io', 'library/nginx')).toBe('team-hub');
  });

  it('falls back to the shared namespace, then to anonymous', async () => {
    expect(await secret('team', 'ghcr.io', 'a/b')).toBe('shared-ghcr');
    expect(await secret('other', 'quay.io', 'acme/app')).toBe('shared-quay');
    expect(await secret(null, 'quay.io', 'acme/app')).toBe('shared-quay');
    expect(await secret('team', 'example.com', 'a/b')).toBeNull();
  });

  it("checks user names by the rule of the plugin that defines the credential's kind", async () => {
    const add = (kind: string, username: string) =>
      vault.add('team', { registryHost: 'quay.io', username, password: 'pw', kind });
    await expect(add('QUAY_ROBOT', 'acme')).rejects.toThrow(
      'a Quay robot username is "<organization>+<robot>"',
    );
    await expect(add('REDHAT_SERVICE_ACCOUNT', 'svc')).rejects.toThrow(
      'a Red Hat service account username is "<digits>|<name>", e.g. "11009103|my-account"',
    );
    await expect(add('QUAY_ROBOT', 'acme+ci')).resolves.toMatchObject({ kind: 'QUAY_ROBOT' });
    await expect(add('NO_SUCH_KIND', 'u')).rejects.toThrow('unknown credential kind NO_SUCH_KIND');
  });

  it('refuses a sealed secret moved to another credential row', async () => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal('pw', 'cred_a');
    expect(box.open(sealed, 'cred_a')).toBe('pw');
    expect(() => box.open(sealed, 'cred_b')).toThrow();
  });
});

describe('the secret key', () => {
  it('takes REGQL_SECRET_KEY as 64 hex digits or base64 of 32 bytes, and refuses anything else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regql-key-'));
    const raw = randomBytes(32);
    expect(loadSecretKey(dir, raw.toString('hex')).equals(raw)).toBe(true);
    expect(loadSecretKey(dir, raw.toString('base64')).equals(raw)).toBe(true);
    expect(() => loadSecretKey(dir, 'too-short')).toThrow(/must be 32 bytes/);
    expect(existsSync(join(dir, 'secret.key'))).toBe(false);
  });

  it('creates a key file once and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regql-key-'));
    const first = loadSecretKey(dir);
    expect(loadSecretKey(dir).equals(first)).toBe(true);
  });
});
