import type { Readable } from 'node:stream';
import type { RegistryPush } from '../../plugins/plugin';
import { upstreamError } from '../oci/upstream-error';
import { UploadError } from './blob-store';
import { OciError } from './errors';
import { storeManifest, type ManifestWriters } from './store-manifest';

/**
 * Writing into the integrated registry in-process, as a mirror does: the same blob store,
 * quota, manifest rules and image-stream provisioning as a /v2 push, without HTTP to itself.
 * The credential is unused: who may write where was decided before.
 */
export class IntegratedPush implements RegistryPush {
  readonly hashesInProcess = true;

  constructor(private readonly writers: ManifestWriters) {}

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    return (await this.writers.content.blobSize(repository, digest)) !== null;
  }

  async hasManifest(repository: string, digest: string): Promise<boolean> {
    return (await this.writers.content.present(repository, [digest])).has(digest);
  }

  /** A blob another repository holds is linked, as a /v2 mount does. */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const size = await this.writers.content.blobSize(from, digest);
    if (size === null) return false;
    await refused(() => this.writers.quota.check(repository, size));
    await this.writers.content.linkBlob(repository, digest, size);
    return true;
  }

  /**
   * Streams the bytes into an upload, claimed so the reaper leaves it alone, and moves it into
   * place only when they hash to `digest`; otherwise the upload is removed.
   */
  async pushBlob(repository: string, digest: string, size: number, body: Readable): Promise<void> {
    const { blobs, content, quota } = this.writers;
    await refused(() => quota.check(repository, size));
    const id = await blobs.startUpload(repository);
    const release = blobs.claim(id);
    try {
      const written = await blobs.append(id, 0, body, size);
      await blobs.finish(id, digest, written);
      await content.linkBlob(repository, digest, size);
    } catch (err) {
      body.destroy();
      await blobs.cancel(id);
      if (err instanceof UploadError)
        throw upstreamError('UPSTREAM_INVALID', `blob ${digest}: ${err.message}`);
      throw err;
    } finally {
      release?.();
    }
  }

  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer,
  ): Promise<void> {
    await refused(() => storeManifest(this.writers, repository, reference, bytes, mediaType));
  }
}

/** A /v2 refusal (quota, a manifest naming what is missing) as the upstream error a mirror reports. */
async function refused<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof OciError)
      throw upstreamError('UPSTREAM_REJECTED', `${err.code}: ${err.message}`, err.status);
    throw err;
  }
}
