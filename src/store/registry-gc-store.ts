import type { Db } from './database';

/** The reads and deletes garbage collection needs, apart from the registry's hot path. */
export class RegistryGcStore {
  constructor(private readonly db: Db) {}

  /** Whether any manifest is, or references, this digest. */
  async referenced(digest: string): Promise<boolean> {
    const ref = await this.db
      .selectFrom('registry_manifest_refs')
      .select('digest')
      .where('digest', '=', digest)
      .limit(1)
      .executeTakeFirst();
    if (ref) return true;
    return (
      (await this.db
        .selectFrom('registry_manifests')
        .select('digest')
        .where('digest', '=', digest)
        .limit(1)
        .executeTakeFirst()) !== undefined
    );
  }

  /** When the newest repository link to the blob was made, if any. */
  async newestLink(digest: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('registry_blobs')
      .select((eb) => eb.fn.max('created_at').as('newest'))
      .where('digest', '=', digest)
      .executeTakeFirst();
    return (row?.newest as string | null | undefined) ?? null;
  }

  async unlinkEverywhere(digest: string): Promise<void> {
    await this.db.deleteFrom('registry_blobs').where('digest', '=', digest).execute();
  }
}
