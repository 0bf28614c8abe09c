import { RegqlError } from '../core/errors';
import { sha256Digest } from '../oci/digest';
import { parseManifest } from '../oci/manifest';
import { manifestMediaTypes } from '../oci/media-types';
import type { RegistryContentStore } from '../store/registry-content-store';
import type { BlobStore } from './blob-store';
import { OciError } from './errors';
import { manifestRecord } from './manifest-record';
import type { NamespaceQuota } from './namespace-quota';
import type { PushProvisioning } from './push-provisioning';

export interface ManifestWriters {
  content: RegistryContentStore;
  blobs: BlobStore;
  quota: NamespaceQuota;
  pushes: PushProvisioning;
}

/**
 * Stores a pushed manifest in repository `name` under `reference` (a tag or its digest), by the
 * rules of a /v2 PUT: it must parse, hash to a digest reference, name only content the repository
 * holds and fit the namespace's quota; a tag moves the image stream tag of the same name.
 * Refusals are OciErrors. Returns the digest and the subject it names, if any.
 */
export async function storeManifest(
  writers: ManifestWriters,
  name: string,
  reference: string,
  bytes: Buffer,
  contentType: string,
): Promise<{ digest: string; subject: string | null }> {
  let manifest;
  try {
    manifest = parseManifest(bytes, contentType || undefined);
  } catch (err) {
    if (err instanceof RegqlError)
      throw new OciError(
        400,
        err.code === 'UPSTREAM_UNSUPPORTED' ? 'UNSUPPORTED' : 'MANIFEST_INVALID',
        err.message.replace(/^invalid manifest: /, ''),
      );
    throw err;
  }
  const mediaType = (manifestMediaTypes as readonly string[]).includes(contentType)
    ? contentType
    : manifest.mediaType;
  const digest = sha256Digest(bytes);
  if (reference.includes(':') && reference !== digest)
    throw new OciError(400, 'DIGEST_INVALID', `the manifest hashes to ${digest}, not ${reference}`);
  const { row, references } = manifestRecord(name, digest, bytes, manifest, mediaType);
  const present = await writers.content.present(name, [...references, digest]);
  const missing = references.filter((d) => !present.has(d));
  if (missing.length > 0)
    throw new OciError(
      400,
      'MANIFEST_BLOB_UNKNOWN',
      `the manifest names what ${name} does not hold: ${missing.slice(0, 5).join(', ')}`,
    );
  if (!present.has(digest)) await writers.quota.check(name, bytes.length);
  await writers.blobs.putBytes(digest, bytes);
  await writers.content.putManifest(row, references);
  if (!reference.includes(':')) {
    try {
      await writers.pushes.tagPushed({ repository: name, tag: reference, digest });
    } catch (err) {
      // A refused tag (the stream's tag limit) keeps the manifest, untagged, as a push by digest.
      if (err instanceof RegqlError && err.code === 'BAD_USER_INPUT')
        throw new OciError(403, 'DENIED', err.message);
      throw err;
    }
  }
  return { digest, subject: manifest.subject?.digest ?? null };
}
