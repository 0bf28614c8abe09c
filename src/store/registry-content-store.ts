import { sql } from 'kysely';
import type { Db, RegistryManifestTable } from './database';

export type StoredManifest = RegistryManifestTable;

/** At most `n` items; `next` is the key to list after when more follow. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** Cuts a read of `n + 1` rows into a page: the extra row only tells that more follow. */
function cut<T>(rows: T[], n: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, n);
  return { items, next: n > 0 && rows.length > n ? keyOf(items[n - 1]) : null };
}

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

  /** Repositories that hold the blob `digest`, by name, at most `limit`. */
  async repositoriesWithBlob(digest: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('registry_blobs')
      .select('repository')
      .where('digest', '=', digest)
      .orderBy('repository')
      .limit(limit)
      .execute();
    return rows.map((row) => row.repository);
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

  /**
   * The manifest a reference names in `repository`, when the repository holds it. A tag is the
   * image stream tag of the same name first: its current image, whatever made it current (a
   * push, `tagImage`, an alias, a rollback, an import); a tag the stream does not have is the
   * last one pushed.
   */
  async resolve(repository: string, reference: string): Promise<StoredManifest | undefined> {
    const digest = reference.includes(':')
      ? reference
      : await this.currentImage(repository, reference);
    return digest === undefined ? undefined : this.manifest(repository, digest);
  }

  /** The digest a tag names in `repository` (see `resolve`), wherever that image lives. */
  async currentImage(repository: string, tag: string): Promise<string | undefined> {
    const streamed = await this.streamTags(repository, { only: tag, after: null, limit: 1 });
    if (streamed.length > 0) return streamed[0].digest;
    const pushed = await this.db
      .selectFrom('registry_tags')
      .select('digest')
      .where('repository', '=', repository)
      .where('tag', '=', tag)
      .executeTakeFirst();
    return pushed?.digest;
  }

  async manifest(repository: string, digest: string): Promise<StoredManifest | undefined> {
    return this.db
      .selectFrom('registry_manifests')
      .selectAll()
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .executeTakeFirst();
  }

  /** Manifests of `repository` that name `digest` (as config, layer or child), at most `limit`. */
  async referencing(repository: string, digest: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('registry_manifest_refs')
      .select('manifest')
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .limit(limit)
      .execute();
    return rows.map((row) => row.manifest);
  }

  /**
   * The tags of the image stream that `repository` is, each with its current image, wherever it
   * lives: an image imported from elsewhere is pulled through.
   */
  private async streamTags(
    repository: string,
    which: { only: string | null; after: string | null; limit: number },
  ): Promise<{ tag: string; digest: string; updatedAt: string }[]> {
    const [namespace, name] = repository.split('/');
    const rows = await this.db
      .selectFrom('tag_events as te')
      .innerJoin('image_streams as s', 's.id', 'te.stream_id')
      .select(['te.tag as tag', 'te.image as digest', 'te.created as updatedAt'])
      .where('s.namespace', '=', namespace)
      .where('s.name', '=', name)
      .where(({ eb, selectFrom }) =>
        eb(
          'te.seq',
          '=',
          selectFrom('tag_events as newest')
            .select(({ fn }) => fn.max('newest.seq').as('seq'))
            .whereRef('newest.stream_id', '=', 'te.stream_id')
            .whereRef('newest.tag', '=', 'te.tag'),
        ),
      )
      .$if(which.only !== null, (q) => q.where('te.tag', '=', which.only as string))
      .$if(which.after !== null, (q) => q.where('te.tag', '>', which.after as string))
      .orderBy('te.tag')
      .limit(which.limit)
      .execute();
    return rows;
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

  /**
   * Forgets everything the repository holds: tags, manifests and blob links. The bytes stay until
   * garbage collection finds nothing referencing them.
   */
  async deleteRepository(repository: string): Promise<void> {
    await this.db.deleteFrom('registry_tags').where('repository', '=', repository).execute();
    await this.db
      .deleteFrom('registry_manifest_refs')
      .where('repository', '=', repository)
      .execute();
    await this.db.deleteFrom('registry_manifests').where('repository', '=', repository).execute();
    await this.db.deleteFrom('registry_blobs').where('repository', '=', repository).execute();
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

  /** Tags with their digests, in lexical order after `last`. */
  async tags(
    repository: string,
    n: number,
    last: string | null,
  ): Promise<Page<{ tag: string; digest: string; updatedAt: string }>> {
    const pushed = await this.db
      .selectFrom('registry_tags')
      .select(['tag', 'digest', 'updated_at'])
      .where('repository', '=', repository)
      .$if(last !== null, (q) => q.where('tag', '>', last as string))
      .orderBy('tag')
      .limit(n + 1)
      .execute();
    const streamed = await this.streamTags(repository, { only: null, after: last, limit: n + 1 });
    // The stream's tags win; pushed tags it lacks follow, all in name order.
    const byTag = new Map(
      pushed.map((r) => [r.tag, { tag: r.tag, digest: r.digest, updatedAt: r.updated_at }]),
    );
    for (const row of streamed) byTag.set(row.tag, row);
    const rows = [...byTag.values()].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
    return cut(rows.slice(0, n + 1), n, (r) => r.tag);
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

  /**
   * Repositories in lexical order after `last`, among `namespaces` (null: all): those holding a
   * manifest and the image streams with an image in some tag (pullable through, wherever it lives).
   */
  async repositories(
    n: number,
    last: string | null,
    namespaces: readonly string[] | null,
  ): Promise<Page<string>> {
    if (namespaces !== null && namespaces.length === 0) return { items: [], next: null };
    const streams = this.db
      .selectFrom('image_streams as s')
      .select(sql<string>`s.namespace || '/' || s.name`.as('repository'))
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('tag_events as te').select('te.tag').whereRef('te.stream_id', '=', 's.id'),
        ),
      );
    let query = this.db
      .selectFrom(
        this.db.selectFrom('registry_manifests').select('repository').union(streams).as('r'),
      )
      .select('r.repository');
    if (last !== null) query = query.where('r.repository', '>', last);
    if (namespaces !== null)
      query = query.where((eb) =>
        eb.or(namespaces.map((ns) => eb('r.repository', 'like', `${ns}/%`))),
      );
    const rows = await query
      .orderBy('r.repository')
      .limit(n + 1)
      .execute();
    return cut(
      rows.map((r) => r.repository),
      n,
      (name) => name,
    );
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

  /** The digest the tag was last pushed as, if the repository has the tag. */
  async pushedDigest(repository: string, tag: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('registry_tags')
      .select('digest')
      .where('repository', '=', repository)
      .where('tag', '=', tag)
      .executeTakeFirst();
    return row?.digest ?? null;
  }
}
