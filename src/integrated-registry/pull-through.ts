import { rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { RegqlError } from '../core/errors';
import { parseManifest } from '../oci/manifest';
import type { RegistryContentStore, StoredManifest } from '../store/registry-content-store';
import type { StreamUpstreams } from '../streams/stream-upstreams';
import { BlobFetch } from './blob-fetch';
import type { BlobStore } from './blob-store';
import { OciError } from './errors';
import { manifestRecord } from './manifest-record';

export interface PullThroughDeps {
  content: RegistryContentStore;
  blobs: BlobStore;
  upstreams: StreamUpstreams;
  /** Whether blobs pulled through for `namespace` are kept to be served locally afterwards. */
  keepsCopies(namespace: string): boolean;
}

/** A blob the repository lacks but one of its manifests names. */
export interface NamedBlob {
  size: number;
  /**
   * Sends its bytes to `out` from the one upstream read of it, calling `start` first once the
   * upstream answered; throws OciError when it did not. A failure later cuts `out` off.
   */
  send(out: Writable, start: () => void): Promise<void>;
}

/** The manifests of a repository that name a blob, and that are read to learn its size. */
const MAX_NAMING_MANIFESTS = 5;

/** How an upstream failure reaches a client of /v2. */
function toOciError(err: unknown, what: string): OciError {
  if (!(err instanceof RegqlError)) throw err;
  const lacking = ['UPSTREAM_NOT_FOUND', 'UPSTREAM_UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'];
  return lacking.includes(err.code)
    ? new OciError(404, what === 'manifest' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', err.message)
    : new OciError(503, 'UNAVAILABLE', err.message);
}

/**
 * Pull-through, as OpenShift's registry does it: a repository serves every image its image
 * stream names, also those that live elsewhere (imported, or tagged from another stream). A
 * missing manifest is fetched from the registries the stream's history names and kept; a
 * missing blob that a kept manifest names is streamed to the client while it is written to the
 * blob store, once however many clients ask, and served locally afterwards.
 */
export class PullThrough {
  private readonly manifests = new Map<string, Promise<StoredManifest>>();
  private readonly fetches = new Map<string, BlobFetch>();

  constructor(private readonly deps: PullThroughDeps) {}

  /**
   * The manifest `reference` names in `repository`: a tag's current image, or a digest the
   * repository holds, its stream names, or one of its indexes names.
   */
  async manifest(repository: string, reference: string): Promise<StoredManifest | undefined> {
    const { content, upstreams } = this.deps;
    const digest = reference.includes(':')
      ? reference
      : await content.currentImage(repository, reference);
    if (digest === undefined) return undefined;
    const local = await content.manifest(repository, digest);
    if (local) return local;
    const known =
      (await upstreams.names(repository, digest)) ||
      (await content.referencing(repository, digest, 1)).length > 0;
    if (!known) return undefined;
    const key = `${repository}\u0000${digest}`;
    let fetch = this.manifests.get(key);
    if (!fetch) {
      fetch = this.fetchManifest(repository, digest).finally(() => this.manifests.delete(key));
      this.manifests.set(key, fetch);
    }
    return fetch;
  }

  /** The blob `digest` when a manifest of `repository` names it; null when none does. */
  async blob(repository: string, digest: string): Promise<NamedBlob | null> {
    const size = await this.namedSize(repository, digest);
    if (size === null) return null;
    return { size, send: (out, start) => this.send(repository, digest, size, out, start) };
  }

  private async fetchManifest(repository: string, digest: string): Promise<StoredManifest> {
    let fetched;
    try {
      fetched = await this.deps.upstreams.manifest(repository, digest);
    } catch (err) {
      throw toOciError(err, 'manifest');
    }
    const { row, references } = manifestRecord(
      repository,
      digest,
      fetched.bytes,
      fetched.manifest,
      fetched.mediaType,
    );
    await this.deps.blobs.putBytes(digest, fetched.bytes);
    await this.deps.content.putManifest(row, references);
    return row;
  }

  /** The size the repository's manifests give the blob, which its bytes must match. */
  private async namedSize(repository: string, digest: string): Promise<number | null> {
    const { content, blobs } = this.deps;
    for (const naming of await content.referencing(repository, digest, MAX_NAMING_MANIFESTS)) {
      const row = await content.manifest(repository, naming);
      if (!row) continue;
      const manifest = parseManifest(await blobs.readAll(naming), row.media_type);
      const descriptors =
        manifest.kind === 'image' ? [manifest.config, ...manifest.layers] : manifest.manifests;
      const named = descriptors.find((d) => d.digest === digest);
      if (named) return named.size;
    }
    return null;
  }

  private async send(
    repository: string,
    digest: string,
    size: number,
    out: Writable,
    start: () => void,
  ): Promise<void> {
    const key = `${repository}\u0000${digest}`;
    const running = this.fetches.get(key);
    const fetch = running?.running ? running : this.startFetch(key, repository, digest, size);
    let started = false;
    try {
      await fetch.sendTo(out, () => {
        started = true;
        start();
      });
    } catch (err) {
      if (!started) throw toOciError(err, 'blob');
      out.destroy(err as Error);
    }
  }

  private startFetch(key: string, repository: string, digest: string, size: number): BlobFetch {
    const { blobs, content, upstreams } = this.deps;
    const keep = this.deps.keepsCopies(repository.split('/')[0]);
    const fetch = new BlobFetch(
      {
        digest,
        size,
        file: blobs.tempFile(),
        keep: async (file) => {
          if (!keep) return rm(file, { force: true });
          await blobs.adopt(file, digest);
          await content.linkBlob(repository, digest, size);
        },
      },
      () => upstreams.blob(repository, digest),
    );
    this.fetches.set(key, fetch);
    void fetch.ended.finally(() => {
      if (this.fetches.get(key) === fetch) this.fetches.delete(key);
    });
    return fetch;
  }
}
