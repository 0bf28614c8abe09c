import type { ColumnDataType } from 'kysely';

export type StoreDialect = 'sqlite' | 'postgres';

/** A 64-bit integer column (ids, sizes): SQLite's integer already is one, PostgreSQL's is not. */
export const int64 = (dialect: StoreDialect): ColumnDataType =>
  dialect === 'postgres' ? 'bigint' : 'integer';
