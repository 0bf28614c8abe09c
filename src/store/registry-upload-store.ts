import { sql } from 'kysely';
import type { Db } from './database';

/** The integrated registry's open upload sessions, and the bytes each namespace holds. */
export class RegistryUploadStore {
  constructor(private readonly db: Db) {}

  /**
   * Records a new session unless the namespace already has `max` open: counted and inserted in
   * one write transaction, so concurrent starts cannot pass the limit together.
   */
  async open(id: string, repository: string, max: number): Promise<boolean> {
    const namespace = repository.split('/')[0];
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('registry_uploads')
        .select((eb) => eb.fn.countAll<number>().as('sessions'))
        .where('namespace', '=', namespace)
        .executeTakeFirstOrThrow();
      if (Number(row.sessions) >= max) return false;
      await trx
        .insertInto('registry_uploads')
        .values({ id, namespace, repository, size: 0, updated_at: new Date().toISOString() })
        .execute();
      return true;
    });
  }

  async resize(id: string, size: number): Promise<void> {
    await this.db
      .updateTable('registry_uploads')
      .set({ size, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async close(id: string): Promise<void> {
    await this.db.deleteFrom('registry_uploads').where('id', '=', id).execute();
  }

  /** Sessions whose last completed chunk is older than `cutoff` (ISO 8601). */
  async staleIds(cutoff: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('registry_uploads')
      .select('id')
      .where('updated_at', '<', cutoff)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * What the namespace holds: each distinct blob or manifest digest of its repositories once,
   * plus the bytes of its open uploads. Reads the namespace's rows by their key range (names are
   * compared byte for byte, as the store's collation must: see docs/events.md, PostgreSQL), not the whole store.
   */
  async namespaceBytes(namespace: string): Promise<number> {
    const low = `${namespace}/`;
    const high = `${namespace}0`;
    const pattern = `${namespace}/%`;
    const held = await sql<{ total: number | string | null }>`
      select sum(size) as total from (
        select digest, max(size) as size from (
          select digest, size from registry_blobs
            where repository >= ${low} and repository < ${high} and repository like ${pattern}
          union all
          select digest, size from registry_manifests
            where repository >= ${low} and repository < ${high} and repository like ${pattern}
        ) as links group by digest
      ) as distinct_digests`.execute(this.db);
    const open = await this.db
      .selectFrom('registry_uploads')
      .select((eb) => eb.fn.sum<number | string | null>('size').as('total'))
      .where('namespace', '=', namespace)
      .executeTakeFirstOrThrow();
    return Number(held.rows[0]?.total ?? 0) + Number(open.total ?? 0);
  }
}
