interface Entry {
  token: string;
  expiresAt: number;
}

/**
 * Bearer tokens by (realm, service, scopes, credential). Kept in process memory only: they are
 * secrets, so they never go to a shared cache. Bounded; the oldest entry goes first.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  static key(parts: {
    realm: string;
    service?: string;
    scopes: string[];
    credentialId: string;
  }): string {
    return JSON.stringify([
      parts.realm,
      parts.service ?? '',
      [...parts.scopes].sort(),
      parts.credentialId,
    ]);
  }

  get(key: string, now = Date.now()): string | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  /** Keeps the token until shortly before it expires (10% of its life, at least 5 s, early). */
  set(key: string, token: string, lifetimeSeconds: number, now = Date.now()): void {
    const lifeMs = lifetimeSeconds * 1000;
    const margin = Math.max(5000, lifeMs * 0.1);
    if (lifeMs <= margin) return;
    this.entries.delete(key);
    this.entries.set(key, { token, expiresAt: now + lifeMs - margin });
    if (this.entries.size > this.maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
