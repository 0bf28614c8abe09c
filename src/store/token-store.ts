import { oneOf } from '../core/one-of';
import { roles, type Identity } from './identity-records';
import type { Db, TokenTable } from './database';

function toIdentity(row: TokenTable): Identity {
  return {
    id: row.id,
    description: row.description,
    namespace: row.namespace,
    role: oneOf(roles, row.role, 'role'),
  };
}

export class TokenStore {
  constructor(private readonly db: Db) {}

  async insert(token: Omit<TokenTable, 'created_at'>): Promise<Identity> {
    const row = { ...token, created_at: new Date().toISOString() };
    await this.db
      .insertInto('tokens')
      .values(row)
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
    return toIdentity(row);
  }

  async findByHash(hash: string): Promise<Identity | undefined> {
    const row = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('hash', '=', hash)
      .executeTakeFirst();
    return row && toIdentity(row);
  }

  async findById(id: string): Promise<(Identity & { hash: string }) | undefined> {
    const row = await this.db
      .selectFrom('tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { ...toIdentity(row), hash: row.hash };
  }

  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('tokens').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tokens').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}
