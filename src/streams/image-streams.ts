import { invalidInput, notFound } from '../core/errors';
import { assertDnsLabel } from '../domain/names';
import { formatPlatform, parsePlatform } from '../domain/platform';
import { buildSpecTags, type SpecTagRequest } from '../domain/spec-tag';
import { assertTagRoom } from '../domain/tag-limit';
import type { Db } from '../store/database';
import type { ImageStream } from '../store/image-stream-records';
import { RegistryContentStore } from '../store/registry-content-store';
import type { SourceAccess } from './source-access';
import { inTransaction } from './stream-stores';

export interface CreateImageStreamRequest {
  namespace: string;
  name: string;
  tags: SpecTagRequest[];
  /** os/architecture[/variant] to import from manifest lists. */
  platform?: string | null;
}

/** Image streams as a whole: creating one checks its name, its tags and what they may name. */
export class ImageStreams {
  constructor(
    private readonly db: Db,
    private readonly sources: SourceAccess,
    private readonly maxTagsPerStream: number,
  ) {}

  /**
   * Creates the stream with its spec tags in one transaction. The caller has checked that its
   * caller may edit the namespace.
   */
  async create(request: CreateImageStreamRequest): Promise<ImageStream> {
    const { namespace, name } = request;
    assertDnsLabel('name', name);
    assertTagRoom(`${namespace}/${name}`, 0, request.tags.length, this.maxTagsPerStream);
    const tags = buildSpecTags(request.tags, namespace);
    await this.sources.requireAll(
      namespace,
      tags.map((t) => t.from),
    );
    const platform = request.platform ? formatPlatform(parsePlatform(request.platform)) : null;
    const created = await inTransaction(this.db, (trx) =>
      trx.imageStreams.create(namespace, name, tags, platform),
    );
    if (!created) throw invalidInput(`image stream ${namespace}/${name} exists already`);
    return created;
  }

  /**
   * Deletes the stream and, in the same transaction, its repository in the integrated registry:
   * its tags leave /v2 and its blobs become garbage for `gc` after the grace period.
   */
  async delete(namespace: string, name: string): Promise<void> {
    const deleted = await inTransaction(this.db, async (trx) => {
      if (!(await trx.imageStreams.delete(namespace, name))) return false;
      await new RegistryContentStore(trx.db).deleteRepository(`${namespace}/${name}`);
      return true;
    });
    if (!deleted) throw notFound(`image stream ${namespace}/${name} does not exist`);
  }
}
