import type { Db, RegistryTable } from './database';

export interface StoredRegistry {
  name: string;
  kind: string;
  url: string;
  insecure: boolean;
  apiUrl?: string;
}

const fromRow = (row: RegistryTable): StoredRegistry => ({
  name: row.name,
  kind: row.kind,
  url: row.url,
  insecure: row.insecure === 1,
  ...(row.api_url && { apiUrl: row.api_url }),
});

export class RegistryStore {
  constructor(private readonly db: Db) {}

  async list(): Promise<StoredRegistry[]> {
    const rows = await this.db.selectFrom('registries').selectAll().orderBy('name').execute();
    return rows.map(fromRow);
  }

  /** Returns false when a registry of that name is already stored. */
  async insert(registry: StoredRegistry): Promise<boolean> {
    const result = await this.db
      .insertInto('registries')
      .values({
        ...registry,
        insecure: registry.insecure ? 1 : 0,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('registries')
      .where('name', '=', name)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
