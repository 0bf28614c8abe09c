import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { oneOf } from '../core/one-of';
import type { Db } from './database';

export const mirrorJobStates = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED'] as const;
export type MirrorJobState = (typeof mirrorJobStates)[number];

export interface MirrorJobTable {
  id: string;
  namespace: string;
  source: string;
  destination: string;
  all_platforms: number;
  include_referrers: number;
  state: string;
  bytes_done: number;
  bytes_total: number | null;
  blobs_copied: number;
  blobs_mounted: number;
  blobs_skipped: number;
  digest: string | null;
  message: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface MirrorRequest {
  namespace: string;
  source: string;
  destination: string;
  allPlatforms: boolean;
  includeReferrers: boolean;
}

/** How far a job got. */
export interface MirrorCounts {
  bytesDone: number;
  bytesTotal: number | null;
  blobsCopied: number;
  blobsMounted: number;
  blobsSkipped: number;
}

export interface MirrorJob extends MirrorRequest, MirrorCounts {
  id: string;
  state: MirrorJobState;
  /** The digest of what the source named (an index's own digest), once read. */
  digest: string | null;
  message: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const unfinished: MirrorJobState[] = ['QUEUED', 'RUNNING'];

/** Ids in creation order: the time in base 36, then randomness. */
const newId = () => `${Date.now().toString(36).padStart(10, '0')}${randomBytes(6).toString('hex')}`;

function jobFromRow(row: Selectable<MirrorJobTable>): MirrorJob {
  return {
    id: row.id,
    namespace: row.namespace,
    source: row.source,
    destination: row.destination,
    allPlatforms: row.all_platforms === 1,
    includeReferrers: row.include_referrers === 1,
    state: oneOf(mirrorJobStates, row.state, 'mirror job state'),
    bytesDone: Number(row.bytes_done),
    bytesTotal: row.bytes_total === null ? null : Number(row.bytes_total),
    blobsCopied: row.blobs_copied,
    blobsMounted: row.blobs_mounted,
    blobsSkipped: row.blobs_skipped,
    digest: row.digest,
    message: row.message,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

const countColumns = (counts: MirrorCounts) => ({
  bytes_done: counts.bytesDone,
  bytes_total: counts.bytesTotal,
  blobs_copied: counts.blobsCopied,
  blobs_mounted: counts.blobsMounted,
  blobs_skipped: counts.blobsSkipped,
});

/** Mirror jobs (table mirror_jobs), newest first per namespace. */
export class MirrorJobStore {
  private readonly db;

  constructor(db: Db) {
    this.db = db.withTables<{ mirror_jobs: MirrorJobTable }>();
  }

  /**
   * A new QUEUED job, unless the namespace already has `maxUnfinished` queued or running: counted
   * and inserted in one write transaction, so concurrent requests cannot pass the cap together.
   */
  async create(request: MirrorRequest, maxUnfinished: number): Promise<MirrorJob | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('mirror_jobs')
        .select((eb) => eb.fn.countAll<number>().as('jobs'))
        .where('namespace', '=', request.namespace)
        .where('state', 'in', unfinished)
        .executeTakeFirstOrThrow();
      if (Number(row.jobs) >= maxUnfinished) return null;
      const inserted = await trx
        .insertInto('mirror_jobs')
        .values({
          id: newId(),
          namespace: request.namespace,
          source: request.source,
          destination: request.destination,
          all_platforms: request.allPlatforms ? 1 : 0,
          include_referrers: request.includeReferrers ? 1 : 0,
          state: 'QUEUED',
          ...countColumns({
            bytesDone: 0,
            bytesTotal: null,
            blobsCopied: 0,
            blobsMounted: 0,
            blobsSkipped: 0,
          }),
          digest: null,
          message: null,
          created_at: new Date().toISOString(),
          started_at: null,
          finished_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return jobFromRow(inserted);
    });
  }

  async get(id: string): Promise<MirrorJob | undefined> {
    const row = await this.db
      .selectFrom('mirror_jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && jobFromRow(row);
  }

  /** Up to `limit` jobs of the namespace, newest first, older than the job `before`. */
  async list(namespace: string, limit: number, before: string | null): Promise<MirrorJob[]> {
    const rows = await this.db
      .selectFrom('mirror_jobs')
      .selectAll()
      .where('namespace', '=', namespace)
      .$if(before !== null, (q) => q.where('id', '<', before as string))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(jobFromRow);
  }

  async started(id: string): Promise<void> {
    await this.db
      .updateTable('mirror_jobs')
      .set({ state: 'RUNNING', started_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async progress(id: string, counts: MirrorCounts, digest: string | null): Promise<void> {
    await this.db
      .updateTable('mirror_jobs')
      .set({ ...countColumns(counts), digest })
      .where('id', '=', id)
      .execute();
  }

  async finished(
    id: string,
    state: 'SUCCEEDED' | 'FAILED',
    counts: MirrorCounts,
    digest: string | null,
    message: string | null,
  ): Promise<MirrorJob | undefined> {
    const row = await this.db
      .updateTable('mirror_jobs')
      .set({
        ...countColumns(counts),
        state,
        digest,
        message,
        finished_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && jobFromRow(row);
  }

  /** Fails every job still queued or running (after a stop), returning them. */
  async failUnfinished(message: string): Promise<MirrorJob[]> {
    const rows = await this.db
      .updateTable('mirror_jobs')
      .set({ state: 'FAILED', message, finished_at: new Date().toISOString() })
      .where('state', 'in', unfinished)
      .returningAll()
      .execute();
    return rows.map(jobFromRow);
  }
}
