import { invalidInput } from '../core/errors';
import { assertDnsLabel } from '../domain/names';
import { formatPlatform, parsePlatform } from '../domain/platform';
import { buildSpecTags, type SpecTagRequest } from '../domain/spec-tag';
import { assertTagRoom } from '../domain/tag-limit';
import type { Db } from '../store/database';
import type { ImageStream } from '../store/image-stream-records';
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
}
