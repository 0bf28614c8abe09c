import type { ImportStatus } from '../domain/import-status';
import type { Logger } from 'pino';
import { notFound, RegqlError } from '../core/errors';
import type { ImageStream, SpecTag, TagEvent } from '../store/image-stream-records';
import { importFailureReason } from '../domain/import-failure';
import { assertDnsLabel, assertTag } from '../domain/names';
import { assertTagRoom, type StreamLimits } from '../domain/tag-limit';
import { firstImportAt, type ScheduleSettings } from '../domain/schedule';
import type { EventAnnouncer } from '../events/event-feed';
import type { EventDraft } from '../events/registry-event';
import type { Located, RegistryBrowser } from '../federation/browser';
import type { ImageSummary } from '../federation/image-summary';
import type { Db } from '../store/database';
import { inTransaction, streamStoresOn, type StreamStores } from './stream-stores';
import type { AliasPropagation } from './alias-propagation';
import { fetchImport, type Fetched } from './import-fetch';
import { mapLimited } from '../core/map-limited';
import { importTargets, type ImportRequest } from './import-targets';
import { recordImage, tagUpdated } from './record-image';
import type { SourceAccess } from './source-access';
import type { KeyedLock } from '../core/keyed-lock';
import { streamLockKey } from './stream-lock';
import { requireTagRoom } from './tag-room';

export interface TagImportResult {
  tag: string;
  status: ImportStatus;
  reason: string | null;
  message: string | null;
  image: ImageSummary | null;
  source: Located | null;
}

export interface ImportOutcome {
  stream: ImageStream | null;
  images: TagImportResult[];
  additionalTags: string[];
  dryRun: boolean;
}

export interface ImporterSettings extends StreamLimits {
  defaultPlatform: string;
  schedule: ScheduleSettings;
}

const FETCH_CONCURRENCY = 8;

const newTags = (existing: SpecTag[], targets: { tag: string }[]) => {
  const held = new Set(existing.map((e) => e.name));
  return targets.filter((t) => !held.has(t.tag));
};

const sameSpec = (a: SpecTag | undefined, b: SpecTag) =>
  a !== undefined &&
  a.from?.kind === b.from?.kind &&
  a.from?.name === b.from?.name &&
  a.reference === b.reference &&
  a.scheduled === b.scheduled &&
  a.insecure === b.insecure &&
  a.importMode === b.importMode &&
  a.referencePolicy === b.referencePolicy;

/**
 * `oc import-image`: reads what the registry holds for each tag (outside any lock), then under
 * the stream's lock records, in one transaction, the tags whose image changed.
 */
export class Importer {
  constructor(
    private readonly db: Db,
    private readonly browser: RegistryBrowser,
    private readonly announcer: EventAnnouncer,
    private readonly lock: KeyedLock,
    private readonly aliases: AliasPropagation,
    private readonly sources: SourceAccess,
    private readonly settings: ImporterSettings,
    private readonly log: Logger,
  ) {}

  async importImage(request: ImportRequest): Promise<ImportOutcome> {
    assertDnsLabel('stream', request.stream);
    if (request.tag) assertTag(request.tag);
    const stores = streamStoresOn(this.db);
    const stream = (await stores.imageStreams.get(request.namespace, request.stream)) ?? null;
    if (!stream && !request.confirm) {
      throw notFound(
        `image stream ${request.namespace}/${request.stream} does not exist; pass confirm: true to create it`,
      );
    }
    const existing = stream
      ? ((await stores.imageStreams.specTags([stream.id])).get(stream.id) ?? [])
      : [];
    const { targets, additionalTags } = await importTargets(this.browser, request, existing);
    assertTagRoom(
      `${request.namespace}/${request.stream}`,
      existing.length,
      newTags(existing, targets).length,
      this.settings.maxTags,
    );
    // A new source is refused as a whole; a stored one fails per tag when it is read.
    if (request.from)
      await this.sources.requireAll(
        request.namespace,
        targets.map((t) => t.spec.from),
      );
    const fetched = await mapLimited(targets, FETCH_CONCURRENCY, (t) =>
      fetchImport(
        this.browser,
        this.settings.defaultPlatform,
        request.namespace,
        t,
        stream?.platform ?? null,
      ),
    );
    if (request.dryRun) {
      const statuses = stream
        ? (await stores.status.current([stream.id])).get(stream.id)
        : undefined;
      const images = fetched.map((f) =>
        this.preview(statuses?.get(f.target.tag)?.current ?? null, f),
      );
      return { stream, images, additionalTags, dryRun: true };
    }
    const outcome = await this.commit(request, fetched);
    return { ...outcome, additionalTags, dryRun: false };
  }

  /** A scheduled import of one spec tag: HEAD first, so an unchanged tag costs no pull. */
  async importScheduled(streamId: string, tag: string): Promise<ImportStatus> {
    const stores = streamStoresOn(this.db);
    const stream = await stores.imageStreams.getById(streamId);
    const spec = stream && (await stores.imageStreams.specTag(streamId, tag));
    if (!stream || !spec?.from || spec.from.kind !== 'DOCKER_IMAGE') return 'UNCHANGED';
    const target = { tag, pullSpec: spec.from.name, spec };
    const fetched = await fetchImport(
      this.browser,
      this.settings.defaultPlatform,
      stream.namespace,
      target,
      stream.platform,
      spec.lastImportedDigest,
    );
    const outcome = await this.commit({ namespace: stream.namespace, stream: stream.name }, [
      fetched,
    ]);
    return outcome.images[0]?.status ?? 'UNCHANGED';
  }

  /**
   * Records `fetched` under the stream's lock in one transaction; after the commit and outside
   * the lock, tells subscribers (when an event was logged), then moves the aliases of changed tags.
   */
  private async commit(
    request: Pick<ImportRequest, 'namespace' | 'stream'>,
    fetched: Fetched[],
  ): Promise<Omit<ImportOutcome, 'additionalTags' | 'dryRun'>> {
    const { outcome, changed } = await this.lock.run(
      streamLockKey(request.namespace, request.stream),
      () => inTransaction(this.db, (trx) => this.apply(trx, request, fetched)),
    );
    // Only an unchanged tag logs no event (a failure logs IMPORT_FAILED).
    if (outcome.images.some((i) => i.status !== 'UNCHANGED')) this.announcer.appended();
    if (outcome.stream && changed.length > 0) await this.aliases.propagate(outcome.stream, changed);
    return outcome;
  }

  private preview(current: TagEvent | null, f: Fetched): TagImportResult {
    if (f.error) return this.failed(f);
    const unchanged =
      current?.image === f.image!.digest ||
      (current !== null && f.upstreamDigest === f.target.spec.lastImportedDigest);
    return {
      tag: f.target.tag,
      status: unchanged ? 'UNCHANGED' : 'SUCCESS',
      reason: null,
      message: unchanged ? null : 'would import',
      image: f.image,
      source: f.located,
    };
  }

  private failed(f: Fetched): TagImportResult {
    return {
      tag: f.target.tag,
      status: 'FAILED',
      reason: importFailureReason(f.error!.code),
      message: f.error!.message,
      image: null,
      source: f.located,
    };
  }

  private async apply(
    stores: StreamStores,
    request: Pick<ImportRequest, 'namespace' | 'stream'>,
    fetched: Fetched[],
  ): Promise<{
    outcome: Omit<ImportOutcome, 'additionalTags' | 'dryRun'>;
    changed: string[];
  }> {
    const now = new Date();
    const iso = now.toISOString();
    const stream =
      (await stores.imageStreams.get(request.namespace, request.stream)) ??
      (await stores.imageStreams.create(request.namespace, request.stream, []));
    if (!stream)
      throw new RegqlError(
        'CONFLICT',
        `image stream ${request.namespace}/${request.stream} changed during the import; retry`,
      );
    const specs = await stores.imageStreams.specTagsNamed(
      stream.id,
      fetched.map((f) => f.target.tag),
    );
    await requireTagRoom(
      stores,
      stream,
      fetched.filter((f) => !specs.has(f.target.tag)).length,
      this.settings.maxTags,
    );
    const changed: string[] = [];
    const images: TagImportResult[] = [];
    for (const f of fetched) {
      const { target } = f;
      const stored = specs.get(target.tag);
      let generation = stored?.generation ?? 0;
      if (!sameSpec(stored, target.spec)) {
        const next = target.spec.scheduled
          ? new Date(firstImportAt(now.getTime(), this.settings.schedule)).toISOString()
          : null;
        generation = await stores.imageStreams.putSpecTag(
          stream.id,
          { ...target.spec, lastImportedDigest: stored?.lastImportedDigest ?? null },
          next,
        );
      }
      if (f.error) {
        await stores.status.setCondition(
          stream.id,
          target.tag,
          {
            status: 'False',
            reason: importFailureReason(f.error.code),
            message: f.error.message,
            generation,
          },
          iso,
        );
        images.push(this.failed(f));
        await stores.events.append({
          ...this.event('IMPORT_FAILED', stream, target.tag, f, iso),
          message: `${importFailureReason(f.error.code)}: ${f.error.message}`,
        });
        continue;
      }
      await stores.status.setCondition(
        stream.id,
        target.tag,
        { status: 'True', reason: null, message: null, generation },
        iso,
      );
      const upstreamMoved = f.upstreamDigest !== stored?.lastImportedDigest;
      if (f.upstreamDigest)
        await stores.imageStreams.setLastImported(stream.id, target.tag, f.upstreamDigest);
      const image = f.image;
      const recorded =
        upstreamMoved && image
          ? await recordImage(
              stores,
              {
                stream,
                tag: target.tag,
                image: image.digest,
                dockerImageReference: `${f.located!.host}/${f.located!.repository}@${image.digest}`,
                generation,
              },
              iso,
              this.settings.maxRevisions,
            )
          : null;
      images.push({
        tag: target.tag,
        status: recorded ? 'SUCCESS' : 'UNCHANGED',
        reason: null,
        message: null,
        image,
        source: f.located,
      });
      if (recorded) {
        changed.push(target.tag);
        await stores.events.append({
          ...this.event('IMAGE_IMPORTED', stream, target.tag, f, iso),
          digest: recorded.event.image,
        });
        await stores.events.append(
          tagUpdated(stream, target.tag, recorded, iso, `imported from ${target.pullSpec}`),
        );
      }
    }
    this.log.info(
      {
        namespace: stream.namespace,
        stream: stream.name,
        results: images.map((i) => `${i.tag}:${i.status}`),
      },
      'import',
    );
    return { outcome: { stream, images }, changed };
  }

  private event(
    type: EventDraft['type'],
    stream: ImageStream,
    tag: string,
    f: Fetched,
    occurredAt: string,
  ): EventDraft {
    return {
      type,
      occurredAt,
      namespace: stream.namespace,
      stream: stream.name,
      tag,
      registry: f.located?.registry.name ?? null,
      repository: f.located?.repository ?? null,
      digest: f.upstreamDigest,
      previousDigest: null,
      message: null,
    };
  }
}
