import type { Logger } from 'pino';
import type { RegistryPush } from '../../plugins/plugin';
import type { Identity } from '../auth/roles';
import { RegqlError } from '../core/errors';
import type { EventAnnouncer } from '../events/event-feed';
import type { EventLog } from '../events/event-log';
import type { EventType } from '../events/registry-event';
import { forNamespace, type RegistryBrowser } from '../federation/browser';
import type { MirrorCounts, MirrorJob, MirrorJobStore } from '../store/mirror-job-store';
import { copyImage } from './copy-image';
import { planMirror } from './mirror-plan';
import { MirrorProgress } from './mirror-progress';
import { routeMirror, type MirrorInput, type MirrorRoute } from './mirror-route';

export interface MirrorSettings {
  /** The platform a one-platform mirror takes from an index, as imports do. */
  defaultPlatform: string;
  /** Jobs running at once in this process. */
  maxRunningJobs: number;
  /** Blobs one job copies at once. */
  blobsPerJob: number;
  /** Queued and running jobs one namespace may have. */
  maxUnfinishedPerNamespace: number;
}

export const STOPPED_MESSAGE = 'regql stopped while the job ran';

interface Queued {
  job: MirrorJob;
  input: MirrorInput;
  route: MirrorRoute;
}

const describe = (counts: MirrorCounts) =>
  `${counts.bytesDone} of ${counts.bytesTotal ?? '?'} bytes`;

/**
 * Mirror jobs: `request` authorizes and records a job and queues it; a few run at once, each
 * reading its plan from the source and streaming it to the destination, and report progress as
 * MIRROR_PROGRESS events (throttled), ending with MIRROR_COMPLETED or MIRROR_FAILED. A job cut
 * off by a stop is marked FAILED at the next start (`recover`); running it again skips what
 * arrived.
 */
export class MirrorService {
  private readonly waiting: Queued[] = [];
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private stopping = false;

  constructor(
    private readonly jobs: MirrorJobStore,
    private readonly browser: RegistryBrowser,
    private readonly integrated: RegistryPush,
    private readonly events: EventLog,
    private readonly announcer: EventAnnouncer,
    private readonly settings: MirrorSettings,
    private readonly log: Logger,
  ) {}

  /** Fails the jobs a stop or crash left queued or running. */
  async recover(): Promise<void> {
    const failed = await this.jobs.failUnfinished(STOPPED_MESSAGE);
    for (const job of failed)
      await this.announce(
        'MIRROR_FAILED',
        job,
        null,
        null,
        `mirror job ${job.id} failed: ${STOPPED_MESSAGE}`,
      );
    if (failed.length > 0) this.announcer.appended();
  }

  async request(identity: Identity, input: MirrorInput): Promise<MirrorJob> {
    if (this.stopping) throw new RegqlError('UNAVAILABLE', 'regql is stopping');
    const route = await routeMirror(this.browser, this.integrated, identity, input);
    const job = await this.jobs.create(input, this.settings.maxUnfinishedPerNamespace);
    if (!job)
      throw new RegqlError(
        'TOO_MANY_MIRROR_JOBS',
        `namespace "${input.namespace}" has ${this.settings.maxUnfinishedPerNamespace} mirror jobs queued or running; wait for one to end`,
      );
    this.waiting.push({ job, input, route });
    this.pump();
    return job;
  }

  /** Aborts the running jobs and drops the queued ones; the next start marks them FAILED. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.waiting.length = 0;
    for (const { abort } of this.running.values()) abort.abort(new Error(STOPPED_MESSAGE));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  private pump(): void {
    while (!this.stopping && this.running.size < this.settings.maxRunningJobs) {
      const next = this.waiting.shift();
      if (!next) return;
      const abort = new AbortController();
      const done = this.run(next, abort.signal)
        .catch((err: unknown) => this.log.error({ err, job: next.job.id }, 'mirror job failed'))
        .finally(() => {
          this.running.delete(next.job.id);
          this.pump();
        });
      this.running.set(next.job.id, { abort, done });
    }
  }

  private async run({ job, input, route }: Queued, signal: AbortSignal): Promise<void> {
    const { source, target, destinationRegistry } = route;
    let digest: string | null = null;
    const progress = new MirrorProgress(async (counts) => {
      await this.jobs.progress(job.id, counts, digest);
      await this.announce(
        'MIRROR_PROGRESS',
        job,
        destinationRegistry,
        digest,
        `mirror job ${job.id}: ${describe(counts)}`,
      );
      this.announcer.appended();
    });
    await this.jobs.started(job.id);
    try {
      // Asked again when the job starts: a pull grant withdrawn meanwhile stops it.
      const credential = await this.browser.credential(
        forNamespace(input.namespace),
        source.registry,
        source.repository,
      );
      const from = {
        adapter: this.browser.adapter(source.registry),
        repository: source.repository,
        credential,
      };
      const plan = await planMirror(from, source.reference, {
        allPlatforms: input.allPlatforms,
        includeReferrers: input.includeReferrers,
        platform: this.settings.defaultPlatform,
      });
      digest = plan.top.digest;
      await copyImage(from, target, plan, route.destinationTag ?? plan.top.digest, progress, {
        blobConcurrency: this.settings.blobsPerJob,
        signal,
      });
      await progress.settle();
      await this.finish(job, route, 'SUCCEEDED', progress.counts, digest, null);
    } catch (err) {
      await progress.settle().catch(() => undefined);
      if (this.stopping) return;
      if (!(err instanceof RegqlError)) this.log.error({ err, job: job.id }, 'mirror job failed');
      const reason =
        err instanceof RegqlError
          ? `${err.code}: ${err.message}`
          : 'an unexpected error; the log has the detail';
      await this.finish(job, route, 'FAILED', progress.counts, digest, reason);
    }
  }

  private async finish(
    job: MirrorJob,
    route: MirrorRoute,
    state: 'SUCCEEDED' | 'FAILED',
    counts: MirrorCounts,
    digest: string | null,
    reason: string | null,
  ): Promise<void> {
    await this.jobs.finished(job.id, state, counts, digest, reason);
    const blobs = `${counts.blobsCopied} blobs copied, ${counts.blobsMounted} mounted, ${counts.blobsSkipped} already there`;
    await this.announce(
      state === 'SUCCEEDED' ? 'MIRROR_COMPLETED' : 'MIRROR_FAILED',
      job,
      route.destinationRegistry,
      digest,
      state === 'SUCCEEDED'
        ? `mirror job ${job.id}: ${describe(counts)}; ${blobs}`
        : `mirror job ${job.id} failed: ${reason}; ${describe(counts)}`,
    );
    this.announcer.appended();
  }

  private async announce(
    type: EventType,
    job: MirrorJob,
    registry: string | null,
    digest: string | null,
    message: string,
  ): Promise<void> {
    await this.events.append({
      type,
      occurredAt: new Date().toISOString(),
      namespace: job.namespace,
      stream: null,
      tag: null,
      registry,
      repository: job.destination,
      digest,
      previousDigest: null,
      message,
    });
  }
}
