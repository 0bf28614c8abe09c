import type Keyv from 'keyv';
import type { AdapterPage, PageRequest, RegistryAdapter, TagInfo } from '../../plugins/plugin';
import type { Vault } from '../auth/vault';
import { invalidInput } from '../domain/errors';
import type { RegistryCredential } from '../oci/client/credential';
import { parseReference, ReferenceError } from '../oci/reference';
import type { HostOptions, RegistryCatalog, RegistryEntry } from './catalog';
import type { ImageReader } from './image-reader';
import type { ImageSummary } from './image-summary';

export interface Located {
  registry: RegistryEntry;
  /** The host as the pull spec names it (Docker Hub's is docker.io). */
  host: string;
  repository: string;
  reference: string;
}

/**
 * Reads registries on behalf of a namespace (or, with none, of the shared namespace), with the
 * credentials the vault has for each host and repository.
 */
export class RegistryBrowser {
  constructor(
    private readonly catalog: RegistryCatalog,
    private readonly vault: Vault,
    private readonly reader: ImageReader,
    private readonly cache: Keyv,
    private readonly tagTtlMs: number,
  ) {}

  adapter(registry: RegistryEntry): RegistryAdapter {
    return this.catalog.adapter(registry);
  }

  credential(
    namespace: string | null,
    registry: RegistryEntry,
    repository: string,
  ): Promise<RegistryCredential | null> {
    return this.vault.lookup(namespace, registry.hosts[0], repository);
  }

  /** A pull spec, resolved to its registry; a tag defaults to `latest`. */
  async locate(pullSpec: string, options: HostOptions = {}): Promise<Located> {
    let ref;
    try {
      ref = parseReference(pullSpec);
    } catch (err) {
      if (err instanceof ReferenceError) throw invalidInput(err.message);
      throw err;
    }
    const registry = await this.catalog.forHost(ref.registry, options);
    return {
      registry,
      host: ref.registry,
      repository: ref.repository,
      reference: ref.digest ?? ref.tag ?? 'latest',
    };
  }

  /**
   * For callers that look the credential up once for many images of a repository; `fresh`
   * ignores the cached tag answer, as imports must.
   */
  imageWith(
    credential: RegistryCredential | null,
    located: Located,
    fresh = false,
  ): Promise<ImageSummary> {
    return this.reader.read(
      this.adapter(located.registry),
      located.repository,
      located.reference,
      credential,
      fresh,
    );
  }

  async digest(namespace: string | null, located: Located): Promise<string> {
    const credential = await this.credential(namespace, located.registry, located.repository);
    return this.reader.digest(
      this.adapter(located.registry),
      located.repository,
      located.reference,
      credential,
    );
  }

  /** A page of tags, kept for the tag TTL so that a warm listing costs no upstream request. */
  async tags(
    namespace: string | null,
    registry: RegistryEntry,
    repository: string,
    page: PageRequest,
  ): Promise<AdapterPage<TagInfo>> {
    const credential = await this.credential(namespace, registry, repository);
    const key = `tags:${registry.name}/${repository}:${page.first}:${page.after ?? ''}:${credential?.id ?? 'anonymous'}`;
    const cached = await this.cache.get<AdapterPage<TagInfo>>(key);
    if (cached) return cached;
    const result = await this.adapter(registry).tags(repository, page, credential);
    await this.cache.set(key, result, this.tagTtlMs);
    return result;
  }
}
