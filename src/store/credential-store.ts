import type { CredentialTable, Db } from './database';

export type StoredCredential = CredentialTable;

export class CredentialStore {
  constructor(private readonly db: Db) {}

  async insert(rows: StoredCredential[]): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('credentials').values(rows).execute();
  }

  list(namespace: string): Promise<StoredCredential[]> {
    return this.db
      .selectFrom('credentials')
      .selectAll()
      .where('namespace', '=', namespace)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** Credentials of several namespaces in one read, for lookups that fall back to the shared one. */
  listMany(namespaces: string[]): Promise<StoredCredential[]> {
    return this.db
      .selectFrom('credentials')
      .selectAll()
      .where('namespace', 'in', namespaces)
      .orderBy('created_at')
      .execute();
  }

  async get(id: string): Promise<StoredCredential | undefined> {
    return this.db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('credentials').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
