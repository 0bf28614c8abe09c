import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Keyv from 'keyv';
import type { TokenStore } from '../store/token-store';
import { ALL_NAMESPACES, type Identity, type Role } from './roles';
import { hashToken, newId, newTokenSecret } from './token-secret';

const cacheTtlMs = 30_000;

export interface AdminBootstrap {
  /** Where the generated admin token was written, when regql wrote one. */
  tokenFile?: string;
  created: boolean;
}

/** Identities are bearer tokens, stored only as hashes, each holding one role in one namespace. */
export class Identities {
  constructor(
    private readonly tokens: TokenStore,
    private readonly cache: Keyv<Identity>,
  ) {}

  async authenticate(token: string): Promise<Identity | null> {
    const hash = hashToken(token);
    const cached = await this.cache.get(hash);
    if (cached) return cached;
    const identity = await this.tokens.findByHash(hash);
    if (!identity) return null;
    await this.cache.set(hash, identity, cacheTtlMs);
    return identity;
  }

  async create(
    namespace: string,
    role: Role,
    description: string,
  ): Promise<{ identity: Identity; token: string }> {
    const token = newTokenSecret();
    const identity = await this.tokens.insert({
      id: newId('tok'),
      hash: hashToken(token),
      namespace,
      role,
      description,
    });
    return { identity, token };
  }

  async find(id: string): Promise<Identity | undefined> {
    return this.tokens.findById(id);
  }

  /**
   * The identity of a token id while the token exists, for credentials derived from it (registry
   * bearer tokens): cached like `authenticate`, and dropped on revocation like it.
   */
  async live(id: string): Promise<Identity | undefined> {
    const key = `id:${id}`;
    const cached = await this.cache.get(key);
    if (cached) return cached;
    const found = await this.tokens.findById(id);
    if (!found) return undefined;
    const identity: Identity = {
      id: found.id,
      description: found.description,
      namespace: found.namespace,
      role: found.role,
    };
    await this.cache.set(key, identity, cacheTtlMs);
    return identity;
  }

  /** Which of these token ids are still valid (not revoked). */
  existing(ids: readonly string[]): Promise<Set<string>> {
    return this.tokens.existing(ids);
  }

  async revoke(id: string): Promise<boolean> {
    const found = await this.tokens.findById(id);
    if (!found) return false;
    await this.tokens.delete(id);
    await this.cache.delete(found.hash);
    await this.cache.delete(`id:${id}`);
    return true;
  }

  /** Drops every cached lookup: another process has revoked a token. */
  async forgetCached(): Promise<void> {
    await this.cache.clear();
  }

  /**
   * Makes sure a cluster admin exists: the configured admin token, or on the very first start a
   * generated one written to a 0600 file under the data directory (never to the log).
   */
  async bootstrapAdmin(dataDir: string, adminToken?: string): Promise<AdminBootstrap> {
    if (adminToken) {
      const existing = await this.tokens.findByHash(hashToken(adminToken));
      if (!existing) {
        await this.tokens.insert({
          id: newId('tok'),
          hash: hashToken(adminToken),
          namespace: ALL_NAMESPACES,
          role: 'ADMIN',
          description: 'admin (REGQL_ADMIN_TOKEN)',
        });
      }
      return { created: !existing };
    }
    const tokenFile = join(dataDir, 'admin-token');
    if ((await this.tokens.count()) > 0)
      return { created: false, ...(existsSync(tokenFile) && { tokenFile }) };
    const { token } = await this.create(ALL_NAMESPACES, 'ADMIN', 'admin (first start)');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    return { created: true, tokenFile };
  }
}
