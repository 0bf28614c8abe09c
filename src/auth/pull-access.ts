import { RegqlError } from '../core/errors';
import type { PullGrantStore } from '../store/pull-grant-store';
import { ALL_NAMESPACES, type Identity } from './roles';

/**
 * Who asks to pull: a namespace acting for its image streams, the namespace of a caller's token
 * (`*` for cluster-wide tokens), or null for an anonymous caller.
 */
export type Puller = string | null;

export const pullerOf = (identity: Identity | null): Puller => identity?.namespace ?? null;

/** The namespace of an integrated-registry repository (`<namespace>/<stream>`). */
export const namespaceOf = (repository: string): string => repository.split('/')[0];

/**
 * The one rule for reading images across namespaces, asked by /v2, browsing, imports, tagging,
 * aliases and webhooks alike. Rights belong to namespaces: `b` may be read by `a` itself, by
 * anyone when `b` is public, and by `a` when `b` granted `a` pull access.
 */
export class PullAccess {
  constructor(
    private readonly grants: PullGrantStore,
    private readonly publicNamespaces: readonly string[],
  ) {}

  async mayPull(puller: Puller, namespace: string): Promise<boolean> {
    if (this.publicNamespaces.includes(namespace)) return true;
    if (puller === null) return false;
    if (puller === ALL_NAMESPACES || puller === namespace) return true;
    return this.grants.has(puller, namespace);
  }

  /** Every namespace `puller` may pull from; null when it may pull from all. */
  async readable(puller: Puller): Promise<string[] | null> {
    if (puller === ALL_NAMESPACES) return null;
    const own = puller === null ? [] : [puller, ...(await this.grants.grantedTo(puller))];
    return [...new Set([...own, ...this.publicNamespaces])].sort();
  }

  /** Throws FORBIDDEN unless `puller` may pull from `namespace`; names no content. */
  async require(puller: Puller, namespace: string): Promise<void> {
    if (await this.mayPull(puller, namespace)) return;
    throw new RegqlError(
      'FORBIDDEN',
      puller === null
        ? `pulling from namespace "${namespace}" needs a token`
        : `namespace "${puller}" may not pull from namespace "${namespace}": it is not public and has not granted "${puller}" pull access (grantPull)`,
    );
  }
}
