import { randomBytes } from 'node:crypto';
import { sha256Digest } from '../../src/oci/digest';
import { OCI_MANIFEST } from '../../src/oci/media-types';
import type { Descriptor } from './images';

export interface SyntheticImage {
  digest: string;
  manifest: Buffer;
  config: Buffer;
  layer: Descriptor;
  /** When the manifest PUT was sent and when its 201 arrived (epoch ms, sub-ms precision). */
  manifestPut: { sentAt: number; acknowledgedAt: number };
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
export const epochNow = () => performance.timeOrigin + performance.now();

/** Pushes bytes as a blob over the Distribution API (monolithic upload); returns its digest. */
export async function pushBlob(
  baseUrl: string,
  repository: string,
  data: Buffer,
  headers: Record<string, string> = {},
): Promise<string> {
  const digest = sha256Digest(data);
  const start = await fetch(`${baseUrl}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers,
  });
  if (start.status !== 202) throw new Error(`upload start: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, baseUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    body: data,
  });
  if (put.status !== 201) throw new Error(`upload put: ${put.status} ${await put.text()}`);
  return digest;
}

/**
 * Pushes a small single-layer image straight over the Distribution API (monolithic uploads):
 * thousands of distinct images in seconds, for benchmarks and vendor stand-ins.
 */
export async function pushSyntheticImage(
  baseUrl: string,
  repository: string,
  tag: string,
  options: {
    authorization?: string;
    architecture?: string;
    labels?: Record<string, string>;
    created?: string;
    /** The layer's bytes (default: 64 random ones). */
    layer?: Buffer;
  } = {},
): Promise<SyntheticImage> {
  const headers: Record<string, string> = options.authorization
    ? { authorization: options.authorization }
    : {};
  const upload = (data: Buffer) => pushBlob(baseUrl, repository, data, headers);
  const layerBytes = options.layer ?? randomBytes(64);
  const config = Buffer.from(
    JSON.stringify({
      created: options.created ?? new Date().toISOString(),
      architecture: options.architecture ?? 'amd64',
      os: 'linux',
      config: { Labels: options.labels ?? {} },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(layerBytes)] },
    }),
  );
  const layer: Descriptor = {
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: await upload(layerBytes),
    size: layerBytes.length,
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: await upload(config),
        size: config.length,
      },
      layers: [layer],
    }),
  );
  const sentAt = epochNow();
  const put = await fetch(`${baseUrl}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': OCI_MANIFEST },
    body: manifest,
  });
  const acknowledgedAt = epochNow();
  if (put.status !== 201) throw new Error(`manifest put: ${put.status} ${await put.text()}`);
  await put.arrayBuffer();
  return {
    digest: sha256Digest(manifest),
    manifest,
    config,
    layer,
    manifestPut: { sentAt, acknowledgedAt },
  };
}
