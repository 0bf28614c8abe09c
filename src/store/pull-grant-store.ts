import type { Db } from './database';

export interface PullGrant {
  /** The namespace that may pull. */
  namespace: string;
  /** The namespace whose images it may pull. */
  from: string;
  grantedBy: string;
  createdAt: string;
}

/** Pull grants between namespaces, as OpenShift's image-puller role bindings. */
export class PullGrantStore {
  constructor(private readonly db: Db) {}

  async has(namespace: string, from: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('pull_grants')
      .select('namespace')
      .where('namespace', '=', namespace)
      .where('from_namespace', '=', from)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The namespaces `namespace` may pull from by grant. */
  async grantedTo(namespace: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('pull_grants')
      .select('from_namespace')
      .where('namespace', '=', namespace)
      .orderBy('from_namespace')
      .execute();
    return rows.map((r) => r.from_namespace);
  }

  /** Grants that name `namespace` on either side, granter first. */
  async involving(namespace: string): Promise<PullGrant[]> {
    const rows = await this.db
      .selectFrom('pull_grants')
      .selectAll()
      .where((eb) => eb.or([eb('namespace', '=', namespace), eb('from_namespace', '=', namespace)]))
      .orderBy('from_namespace')
      .orderBy('namespace')
      .execute();
    return rows.map((r) => ({
      namespace: r.namespace,
      from: r.from_namespace,
      grantedBy: r.granted_by,
      createdAt: r.created_at,
    }));
  }

  /** False when the grant existed already. */
  async insert(grant: PullGrant): Promise<boolean> {
    const result = await this.db
      .insertInto('pull_grants')
      .values({
        namespace: grant.namespace,
        from_namespace: grant.from,
        granted_by: grant.grantedBy,
        created_at: grant.createdAt,
      })
      .onConflict((oc) => oc.columns(['namespace', 'from_namespace']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async delete(namespace: string, from: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('pull_grants')
      .where('namespace', '=', namespace)
      .where('from_namespace', '=', from)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
