import { addAbortSignal, pipeline } from 'node:stream';
import type { RegistryPush } from '../../plugins/plugin';
import { mapLimited } from '../core/map-limited';
import type { RegistryCredential } from '../oci/client/credential';
import type { FetchedManifest } from '../oci/client/registry-client';
import type { Descriptor } from '../oci/manifest';
import { VerifyingStream } from '../oci/verifying-stream';
import type { MirrorPlan, MirrorSource } from './mirror-plan';
import type { MirrorProgress } from './mirror-progress';

export interface MirrorTarget {
  push: RegistryPush;
  repository: string;
  credential: RegistryCredential | null;
  /** Source and destination are one registry: blobs are mounted, not copied. */
  sameRegistry: boolean;
}

export interface CopyOptions {
  /** Blobs copied at once. */
  blobConcurrency: number;
  signal: AbortSignal;
}

/**
 * Writes a plan to the destination: the blobs (skipped when there, mounted within one registry,
 * else streamed through a digest check), then the manifests, each after what it names, and last
 * the top one under `reference`.
 */
export async function copyImage(
  source: MirrorSource,
  target: MirrorTarget,
  plan: MirrorPlan,
  reference: string,
  progress: MirrorProgress,
  options: CopyOptions,
): Promise<void> {
  progress.total(plan.blobs.reduce((sum, blob) => sum + blob.size, 0));
  await mapLimited(plan.blobs, options.blobConcurrency, async (blob) => {
    options.signal.throwIfAborted();
    progress.settled(await copyBlob(source, target, blob, progress, options.signal), blob.size);
  });
  for (const manifest of plan.manifests) {
    options.signal.throwIfAborted();
    if (!(await target.push.hasManifest(target.repository, manifest.digest, target.credential)))
      await putManifest(target, manifest, manifest.digest);
  }
  options.signal.throwIfAborted();
  await putManifest(target, plan.top, reference);
}

async function copyBlob(
  source: MirrorSource,
  target: MirrorTarget,
  blob: Descriptor,
  progress: MirrorProgress,
  signal: AbortSignal,
): Promise<'copied' | 'mounted' | 'skipped'> {
  const { push, repository, credential } = target;
  if (await push.hasBlob(repository, blob.digest, credential)) return 'skipped';
  if (
    target.sameRegistry &&
    (await push.mountBlob(repository, blob.digest, source.repository, credential))
  )
    return 'mounted';
  const opened = await source.adapter.openBlob(source.repository, blob.digest, source.credential);
  const verifying = new VerifyingStream(
    blob.digest,
    blob.size,
    (bytes) => progress.bytes(bytes),
    !push.hashesInProcess,
  );
  const body = pipeline(addAbortSignal(signal, opened.body), verifying, () => undefined);
  try {
    await push.pushBlob(repository, blob.digest, blob.size, body, credential);
  } catch (err) {
    opened.body.destroy();
    // The destination saw its body fail; the digest check says why.
    throw verifying.failure ?? err;
  }
  return 'copied';
}

const putManifest = (target: MirrorTarget, manifest: FetchedManifest, reference: string) =>
  target.push.putManifest(
    target.repository,
    reference,
    manifest.mediaType,
    manifest.bytes,
    target.credential,
  );
