import type { Logger } from 'pino';
import type { RegistryUploadStore } from '../store/registry-upload-store';
import type { BlobStore } from './blob-store';
import { PeriodicTask } from '../core/periodic-task';

export interface ReapResult {
  removedUploads: number;
  freedUploadBytes: number;
}

/**
 * Removes upload sessions nobody has written to for `maxAgeMs`. A session a request of this
 * process is writing right now is claimed and always stays, however long its client pauses.
 */
export async function reapAbandonedUploads(
  blobs: BlobStore,
  store: RegistryUploadStore,
  maxAgeMs: number,
  now = Date.now(),
): Promise<ReapResult> {
  const result: ReapResult = { removedUploads: 0, freedUploadBytes: 0 };
  const cutoff = now - maxAgeMs;
  for (const id of await blobs.uploadIds()) {
    const seen = await blobs.written(id);
    if (!seen || seen.lastWriteMs > cutoff) continue;
    const release = blobs.claim(id);
    if (!release) continue;
    try {
      // Looked at again under the claim: a chunk may have landed since.
      const written = await blobs.written(id);
      if (!written || written.lastWriteMs > cutoff) continue;
      await blobs.cancel(id);
      await store.close(id);
      result.removedUploads += 1;
      result.freedUploadBytes += written.size;
    } finally {
      release();
    }
  }
  for (const id of await store.staleIds(new Date(cutoff).toISOString())) {
    if (!(await blobs.written(id))) await store.close(id);
  }
  return result;
}

const EVERY_MS = 300_000;

/** Reaps abandoned uploads in the background: every five minutes, or twice per maximum age. */
export class UploadReaper {
  private readonly task: PeriodicTask;

  constructor(
    private readonly blobs: BlobStore,
    private readonly store: RegistryUploadStore,
    private readonly maxAgeMs: number,
    private readonly log: Logger,
  ) {
    this.task = new PeriodicTask(() => this.sweep(), Math.min(EVERY_MS, maxAgeMs / 2));
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  private async sweep(): Promise<void> {
    try {
      const result = await reapAbandonedUploads(this.blobs, this.store, this.maxAgeMs);
      if (result.removedUploads > 0) this.log.info(result, 'removed abandoned uploads');
    } catch (err) {
      this.log.error({ err }, 'removing abandoned uploads failed');
    }
  }
}
