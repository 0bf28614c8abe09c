import type { Manifest } from '../oci/manifest';
import type { StoredManifest } from '../store/registry-content-store';

/** The content-store row of a manifest and the digests it names (config and layers, or children). */
export function manifestRecord(
  repository: string,
  digest: string,
  bytes: Buffer,
  manifest: Manifest,
  mediaType: string,
): { row: StoredManifest; references: string[] } {
  return {
    row: {
      repository,
      digest,
      media_type: mediaType,
      size: bytes.length,
      artifact_type:
        manifest.artifactType ?? (manifest.kind === 'image' ? manifest.config.mediaType : null),
      subject: manifest.subject?.digest ?? null,
      annotations: manifest.annotations ? JSON.stringify(manifest.annotations) : null,
      created_at: new Date().toISOString(),
    },
    references:
      manifest.kind === 'image'
        ? [manifest.config.digest, ...manifest.layers.map((l) => l.digest)]
        : manifest.manifests.map((m) => m.digest),
  };
}
