import type { Db } from './database';

export class StoreSettings {
  constructor(private readonly db: Db) {}

  /** Stores `value` under `name` unless a value is there already; returns the stored one. */
  async keep(name: string, value: string): Promise<string> {
    await this.db
      .insertInto('store_settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('store_settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  }

  async value(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('store_settings')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }
}
