import type Keyv from 'keyv';
import type { RegistryAdapter } from '../../plugins/plugin';
import type { RegistryCredential } from '../oci/client/credential';
import { upstreamError } from '../oci/upstream-error';
import { summarize, type ImageSummary } from './image-summary';

const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const isDigest = (reference: string) => reference.includes(':');

/**
 * Reads images through a registry adapter. What a digest names never changes, so summaries are
 * cached by digest for good; what a tag names is cached for `tagTtlMs` only.
 */
export class ImageReader {
  constructor(
    private readonly cache: Keyv,
    private readonly tagTtlMs: number,
  ) {}

  /** `fresh` skips the cached tag answer: an import must see what the tag names now. */
  async read(
    adapter: RegistryAdapter,
    repository: string,
    reference: string,
    credential: RegistryCredential | null,
    fresh = false,
  ): Promise<ImageSummary> {
    const registry = adapter.settings.name;
    const digest = isDigest(reference)
      ? reference
      : fresh
        ? undefined
        : await this.cache.get<string>(this.tagKey(registry, repository, reference, credential));
    if (digest) {
      const cached = await this.cache.get<ImageSummary>(
        this.imageKey(registry, repository, digest),
      );
      if (cached) return cached;
    }
    const fetched = await adapter.getManifest(repository, digest ?? reference, credential);
    let config: object | null = null;
    if (fetched.manifest.kind === 'image') {
      const bytes = await adapter.getBlob(
        repository,
        fetched.manifest.config.digest,
        MAX_CONFIG_BYTES,
        credential,
      );
      try {
        config = JSON.parse(bytes.toString('utf8')) as object;
      } catch {
        throw upstreamError(
          'UPSTREAM_INVALID',
          `config of ${repository}@${fetched.digest} is not JSON`,
        );
      }
    }
    const summary = summarize(fetched, config);
    await this.cache.set(this.imageKey(registry, repository, summary.digest), summary);
    if (!isDigest(reference))
      await this.cache.set(
        this.tagKey(registry, repository, reference, credential),
        summary.digest,
        this.tagTtlMs,
      );
    return summary;
  }

  /** The digest a tag names now, by HEAD: Docker Hub does not count a HEAD as a pull. */
  async digest(
    adapter: RegistryAdapter,
    repository: string,
    tag: string,
    credential: RegistryCredential | null,
  ): Promise<string> {
    const key = this.tagKey(adapter.settings.name, repository, tag, credential);
    const cached = await this.cache.get<string>(key);
    if (cached) return cached;
    const { digest } = await adapter.headManifest(repository, tag, credential);
    await this.cache.set(key, digest, this.tagTtlMs);
    return digest;
  }

  private imageKey(registry: string, repository: string, digest: string): string {
    return `image:${registry}/${repository}@${digest}`;
  }

  /** Per credential: what one namespace may see of a tag says nothing about another's. */
  private tagKey(
    registry: string,
    repository: string,
    tag: string,
    credential: RegistryCredential | null,
  ): string {
    return `tag:${registry}/${repository}:${tag}:${credential?.id ?? 'anonymous'}`;
  }
}
