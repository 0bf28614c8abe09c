import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { RegistryGcStore } from '../store/registry-gc-store';
import type { RegistryUploadStore } from '../store/registry-upload-store';
import type { BlobStore } from './blob-store';
import { reapAbandonedUploads, type ReapResult } from './upload-reaper';

export interface GcResult extends ReapResult {
  removedBlobs: number;
  freedBytes: number;
  keptBlobs: number;
}

/**
 * Removes blobs no manifest references, and upload sessions abandoned for `uploadMaxAgeMs`.
 * Safe while pushes continue: a blob linked to a repository (uploaded) or written within
 * `graceMs` is kept, since a manifest naming it may be on its way, and each candidate is checked
 * again right before it goes.
 */
export async function collectGarbage(
  blobs: BlobStore,
  stores: { gc: RegistryGcStore; uploads: RegistryUploadStore },
  ages: { graceMs: number; uploadMaxAgeMs: number },
  log: Logger,
  now = Date.now(),
): Promise<GcResult> {
  const result: GcResult = {
    removedBlobs: 0,
    freedBytes: 0,
    keptBlobs: 0,
    ...(await reapAbandonedUploads(blobs, stores.uploads, ages.uploadMaxAgeMs, now)),
  };
  const cutoff = now - ages.graceMs;
  for await (const digest of blobs.digests()) {
    const link = await stores.gc.newestLink(digest);
    const file = await stat(blobs.blobPath(digest));
    const young = file.mtimeMs > cutoff || (link !== null && Date.parse(link) > cutoff);
    if (young || (await stores.gc.referenced(digest))) {
      result.keptBlobs += 1;
      continue;
    }
    await stores.gc.unlinkEverywhere(digest);
    await blobs.deleteBlob(digest);
    result.removedBlobs += 1;
    result.freedBytes += file.size;
  }
  log.info(result, 'garbage collection');
  return result;
}
