import { invalidInput } from '../core/errors';
import { oneOf } from '../core/one-of';
import type { RegistryCredential } from '../oci/client/credential';
import { canonicalRegistry, isRepositoryComponent } from '../oci/reference';
import type { CredentialStore, StoredCredential } from '../store/credential-store';
import { parseDockerConfig } from './docker-config';
import type { SecretBox } from './secret-box';
import { newId } from './token-secret';

/**
 * The kinds of credential regql knows (BASIC, TOKEN and those the plugins define) and the form
 * each kind's user name takes; the composition root passes the plugins' declarations.
 */
export interface CredentialKinds {
  kinds: readonly string[];
  username(kind: string): { pattern: RegExp; message: string } | undefined;
}

/** What the API shows of a credential: everything but the secret. */
export interface CredentialView {
  id: string;
  namespace: string;
  registryHost: string;
  username: string | null;
  kind: string;
  createdAt: string;
}

export interface NewCredential {
  registryHost: string;
  username: string | null;
  password: string;
  kind: string;
}

const hostPattern =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/** `host[:port][/path]`, lower-case host, Docker Hub's aliases folded into docker.io. */
export function normalizeRegistryHost(value: string): string {
  const trimmed = value
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  const [host, ...path] = trimmed.split('/');
  const lower = host.toLowerCase();
  if (!hostPattern.test(lower))
    throw invalidInput(`registryHost "${value}" is not host[:port][/path]`);
  if (!path.every(isRepositoryComponent))
    throw invalidInput(`registryHost "${value}" has an invalid path`);
  return [canonicalRegistry(lower), ...path].join('/');
}

/** host[/path] prefix match on a path-component boundary. */
const covers = (prefix: string, target: string) =>
  target === prefix || target.startsWith(`${prefix}/`);

/**
 * Registry credentials, encrypted at rest and write-only through the API. A pull looks in the
 * namespace first, then in the shared namespace, then goes anonymous.
 */
export class Vault {
  constructor(
    private readonly store: CredentialStore,
    private readonly box: SecretBox,
    readonly sharedNamespace: string,
    private readonly kinds: CredentialKinds,
  ) {}

  private checkShape(kind: string, username: string | null, password: string): void {
    if (!this.kinds.kinds.includes(kind)) throw invalidInput(`unknown credential kind ${kind}`);
    if (password.length === 0) throw invalidInput('password must not be empty');
    if (password.length > 16384) throw invalidInput('password is longer than 16384 characters');
    if (kind !== 'TOKEN' && !username) throw invalidInput(`a ${kind} credential needs a username`);
    const rule = this.kinds.username(kind);
    if (rule && !rule.pattern.test(username ?? '')) throw invalidInput(rule.message);
  }

  private view(row: StoredCredential): CredentialView {
    return {
      id: row.id,
      namespace: row.namespace,
      registryHost: row.registry_host,
      username: row.username,
      kind: oneOf(this.kinds.kinds, row.kind, 'credential kind'),
      createdAt: row.created_at,
    };
  }

  async add(namespace: string, input: NewCredential): Promise<CredentialView> {
    this.checkShape(input.kind, input.username, input.password);
    const [row] = await this.insert(namespace, [
      { ...input, registryHost: normalizeRegistryHost(input.registryHost) },
    ]);
    return this.view(row);
  }

  async importDockerConfig(namespace: string, config: string): Promise<CredentialView[]> {
    const entries = parseDockerConfig(config).map((e) => ({
      registryHost: normalizeRegistryHost(e.registryHost),
      username: e.username,
      password: e.secret,
      kind: 'BASIC' as const,
    }));
    for (const e of entries) this.checkShape(e.kind, e.username, e.password);
    return (await this.insert(namespace, entries)).map((row) => this.view(row));
  }

  async list(namespace: string): Promise<CredentialView[]> {
    return (await this.store.list(namespace)).map((row) => this.view(row));
  }

  async get(id: string): Promise<CredentialView | undefined> {
    const row = await this.store.get(id);
    return row && this.view(row);
  }

  delete(id: string): Promise<boolean> {
    return this.store.delete(id);
  }

  async open(id: string): Promise<RegistryCredential | null> {
    const row = await this.store.get(id);
    return row ? this.decrypt(row) : null;
  }

  /** The credential for `host/repository`: longest host[/path] match in the namespace, then in the shared one. */
  async lookup(
    namespace: string | null,
    host: string,
    repository: string,
  ): Promise<RegistryCredential | null> {
    const target = `${canonicalRegistry(host.toLowerCase())}/${repository}`;
    const order = [...new Set([namespace ?? this.sharedNamespace, this.sharedNamespace])];
    const rows = await this.store.listMany(order);
    for (const ns of order) {
      const best = rows
        .filter((r) => r.namespace === ns && covers(r.registry_host, target))
        .sort(
          (a, b) =>
            b.registry_host.length - a.registry_host.length ||
            b.created_at.localeCompare(a.created_at),
        )[0];
      if (best) return this.decrypt(best);
    }
    return null;
  }

  private decrypt(row: StoredCredential): RegistryCredential {
    return {
      id: row.id,
      username: row.username,
      secret: this.box.open(row.sealed_secret, row.id),
      kind: row.kind,
    };
  }

  private async insert(namespace: string, entries: NewCredential[]): Promise<StoredCredential[]> {
    const createdAt = new Date().toISOString();
    const rows = entries.map((e) => {
      const id = newId('cred');
      return {
        id,
        namespace,
        registry_host: e.registryHost,
        username: e.username,
        kind: e.kind,
        sealed_secret: this.box.seal(e.password, id),
        created_at: createdAt,
      };
    });
    await this.store.insert(rows);
    return rows;
  }
}
