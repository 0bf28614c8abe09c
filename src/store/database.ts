import type { Kysely } from 'kysely';

export interface TokenTable {
  id: string;
  hash: string;
  namespace: string;
  role: string;
  description: string;
  created_at: string;
}

export interface RegistryTable {
  name: string;
  kind: string;
  url: string;
  insecure: number;
  created_at: string;
}

export interface ImageStreamTable {
  id: string;
  namespace: string;
  name: string;
  generation: number;
  created_at: string;
}

export interface SpecTagTable {
  stream_id: string;
  name: string;
  from_kind: string | null;
  from_name: string | null;
  reference: number;
  scheduled: number;
  insecure: number;
  import_mode: string;
  reference_policy: string;
  generation: number;
}

export interface Database {
  tokens: TokenTable;
  registries: RegistryTable;
  image_streams: ImageStreamTable;
  spec_tags: SpecTagTable;
}

export type Db = Kysely<Database>;
