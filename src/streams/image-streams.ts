import { invalidInput, notFound } from '../core/errors';
import { assertDnsLabel } from '../domain/names';
import { formatPlatform, parsePlatform } from '../domain/platform';
import { buildSpecTags, type SpecTagRequest } from '../domain/spec-tag';
import { assertTagRoom } from '../domain/tag-limit';
import type { KeyedLock } from '../core/keyed-lock';
import type { EventAnnouncer } from '../events/event-feed';
import type { Db } from '../store/database';
import type { ImageStream } from '../store/image-stream-records';
import { RegistryContentStore } from '../store/registry-content-store';
import type { SourceAccess } from './source-access';
import { streamLockKey } from './stream-lock';
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
    private readonly announcer: EventAnnouncer,
    private readonly lock: KeyedLock,
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
   * Deletes the stream and, in the same transaction, its repository in the integrated registry
   * (its tags leave /v2 and its blobs become garbage for `gc` after the grace period), with the
   * STREAM_DELETED event that reports it.
   */
  async delete(namespace: string, name: string): Promise<void> {
    const repository = `${namespace}/${name}`;
    const deleted = await this.lock.run(streamLockKey(namespace, name), () =>
      inTransaction(this.db, async (trx) => {
        if (!(await trx.imageStreams.delete(namespace, name))) return false;
        await new RegistryContentStore(trx.db).deleteRepository(repository);
        await trx.events.append({
          type: 'STREAM_DELETED',
          occurredAt: new Date().toISOString(),
          namespace,
          stream: name,
          tag: null,
          registry: 'integrated',
          repository,
          digest: null,
          previousDigest: null,
          message: 'deleted with its tags; its repository left the integrated registry',
        });
        return true;
      }),
    );
    if (!deleted) throw notFound(`image stream ${repository} does not exist`);
    this.announcer.appended();
  }
}
