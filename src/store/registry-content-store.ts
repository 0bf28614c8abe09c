import type { Db, RegistryManifestTable } from './database';

export type StoredManifest = RegistryManifestTable;

/** The integrated registry's repositories, blob links, manifests and tags. Bytes live in the blob store. */
export class RegistryContentStore {
  constructor(private readonly db: Db) {}

  async linkBlob(repository: string, digest: string, size: number): Promise<void> {
    await this.db
      .insertInto('registry_blobs')
      .values({ repository, digest, size, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['repository', 'digest']).doNothing())
      .execute();
  }

  async blobSize(repository: string, digest: string): Promise<number | null> {
    const row = await this.db
      .selectFrom('registry_blobs')
      .select('size')
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .executeTakeFirst();
    return row?.size ?? null;
  }

  /** Which of `digests` the repository has as blobs or as manifests. */
  async present(repository: string, digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const blobs = await this.db
      .selectFrom('registry_blobs')
      .select('digest')
      .where('repository', '=', repository)
      .where('digest', 'in', digests)
      .execute();
    const manifests = await this.db
      .selectFrom('registry_manifests')
      .select('digest')
      .where('repository', '=', repository)
      .where('digest', 'in', digests)
      .execute();
    return new Set([...blobs, ...manifests].map((r) => r.digest));
  }

  async unlinkBlob(repository: string, digest: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('registry_blobs')
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async putManifest(row: StoredManifest, references: string[]): Promise<void> {
    await this.db
      .insertInto('registry_manifests')
      .values(row)
      .onConflict((oc) => oc.columns(['repository', 'digest']).doNothing())
      .execute();
    if (references.length > 0) {
      await this.db
        .insertInto('registry_manifest_refs')
        .values(
          [...new Set(references)].map((digest) => ({
            repository: row.repository,
            manifest: row.digest,
            digest,
          })),
        )
        .onConflict((oc) => oc.columns(['repository', 'manifest', 'digest']).doNothing())
        .execute();
    }
  }

  async manifest(repository: string, digest: string): Promise<StoredManifest | undefined> {
    return this.db
      .selectFrom('registry_manifests')
      .selectAll()
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .executeTakeFirst();
  }

  /** The manifest a tag or digest names in the repository, if any. */
  async resolve(repository: string, reference: string): Promise<StoredManifest | undefined> {
    const digest = reference.includes(':')
      ? reference
      : await this.tagDigest(repository, reference);
    return digest ? this.manifest(repository, digest) : undefined;
  }

  async tagDigest(repository: string, tag: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('registry_tags')
      .select('digest')
      .where('repository', '=', repository)
      .where('tag', '=', tag)
      .executeTakeFirst();
    return row?.digest ?? null;
  }

  async setTag(repository: string, tag: string, digest: string): Promise<void> {
    const row = { digest, updated_at: new Date().toISOString() };
    await this.db
      .insertInto('registry_tags')
      .values({ repository, tag, ...row })
      .onConflict((oc) => oc.columns(['repository', 'tag']).doUpdateSet(row))
      .execute();
  }

  async deleteTag(repository: string, tag: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('registry_tags')
      .where('repository', '=', repository)
      .where('tag', '=', tag)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Deletes a manifest and the tags that named it; its blobs stay until garbage collection. */
  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    await this.db
      .deleteFrom('registry_tags')
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .execute();
    await this.db
      .deleteFrom('registry_manifest_refs')
      .where('repository', '=', repository)
      .where('manifest', '=', digest)
      .execute();
    const result = await this.db
      .deleteFrom('registry_manifests')
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Tags in lexical order after `last`, one more than `n` to tell whether more follow. */
  async tags(repository: string, n: number, last: string | null): Promise<string[]> {
    return (await this.taggedDigests(repository, n, last)).map((r) => r.tag);
  }

  /** Tags with their digests, in lexical order after `last`, one more than `n`. */
  async taggedDigests(
    repository: string,
    n: number,
    last: string | null,
  ): Promise<{ tag: string; digest: string; updatedAt: string }[]> {
    const rows = await this.db
      .selectFrom('registry_tags')
      .select(['tag', 'digest', 'updated_at'])
      .where('repository', '=', repository)
      .$if(last !== null, (q) => q.where('tag', '>', last as string))
      .orderBy('tag')
      .limit(n + 1)
      .execute();
    return rows.map((r) => ({ tag: r.tag, digest: r.digest, updatedAt: r.updated_at }));
  }

  async repositoryExists(repository: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('registry_blobs')
      .select('repository')
      .where('repository', '=', repository)
      .limit(1)
      .executeTakeFirst();
    if (row) return true;
    return (
      (await this.db
        .selectFrom('registry_manifests')
        .select('repository')
        .where('repository', '=', repository)
        .limit(1)
        .executeTakeFirst()) !== undefined
    );
  }

  /** Repositories with a manifest, in lexical order after `last`, among `namespaces` (null: all). */
  async repositories(
    n: number,
    last: string | null,
    namespaces: string[] | null,
  ): Promise<string[]> {
    let query = this.db.selectFrom('registry_manifests').select('repository').distinct();
    if (last !== null) query = query.where('repository', '>', last);
    if (namespaces !== null) {
      if (namespaces.length === 0) return [];
      query = query.where((eb) =>
        eb.or(namespaces.map((ns) => eb('repository', 'like', `${ns}/%`))),
      );
    }
    const rows = await query
      .orderBy('repository')
      .limit(n + 1)
      .execute();
    return rows.map((r) => r.repository);
  }

  async referrers(repository: string, subject: string): Promise<StoredManifest[]> {
    return this.db
      .selectFrom('registry_manifests')
      .selectAll()
      .where('repository', '=', repository)
      .where('subject', '=', subject)
      .orderBy('digest')
      .execute();
  }
}
