import type Keyv from 'keyv';
import type {
  AdapterPage,
  PageRequest,
  RegistryAdapter,
  RepositoryInfo,
  TagInfo,
} from '../../plugins/plugin';
import { namespaceOf, pullerOf, type Puller, type PullAccess } from '../auth/pull-access';
import type { Identity } from '../auth/roles';
import type { Vault } from '../auth/vault';
import { invalidInput } from '../core/errors';
import type { RegistryCredential } from '../oci/client/credential';
import { parseReference, ReferenceError } from '../oci/reference';
import { INTEGRATED_KIND } from '../../plugins/integrated';
import type { HostOptions, RegistryCatalog, RegistryEntry } from './catalog';
import type { ImageReader } from './image-reader';
import type { ImageSummary } from './image-summary';

/**
 * On whose behalf a registry is read: `credentials` names the namespace whose stored
 * credentials are used (null: the shared namespace's), `puller` whose pull rights decide what of
 * the integrated registry may be read.
 */
export interface Reader {
  credentials: string | null;
  puller: Puller;
}

/** A namespace reading for its image streams: its own credentials and pull rights. */
export const forNamespace = (namespace: string): Reader => ({
  credentials: namespace,
  puller: namespace,
});

/** A caller browsing: the shared credentials, the caller's pull rights. */
export const forCaller = (identity: Identity | null): Reader => ({
  credentials: null,
  puller: pullerOf(identity),
});

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
    private readonly pulls: PullAccess,
  ) {}

  adapter(registry: RegistryEntry): RegistryAdapter {
    return this.catalog.adapter(registry);
  }

  /**
   * The credential to read `repository` with. Every read of a repository asks for it first, so
   * this is where the integrated registry's pull rule is applied, whatever path the read took.
   */
  async credential(
    reader: Reader,
    registry: RegistryEntry,
    repository: string,
  ): Promise<RegistryCredential | null> {
    if (registry.kind === INTEGRATED_KIND) {
      await this.pulls.require(reader.puller, namespaceOf(repository));
      return null;
    }
    return this.vault.lookup(reader.credentials, registry.hosts[0], repository);
  }

  /** The shared credential for requests about the whole registry (health, listings). */
  registryCredential(registry: RegistryEntry): Promise<RegistryCredential | null> {
    return this.vault.lookup(null, registry.hosts[0], '');
  }

  /**
   * A page of repositories; of the integrated registry only those in namespaces the reader may
   * pull from, filtered in the listing itself so that no cursor carries another name.
   */
  async repositories(
    reader: Reader,
    registry: RegistryEntry,
    page: PageRequest & { query: string | null },
  ): Promise<AdapterPage<RepositoryInfo>> {
    const namespaces =
      registry.kind === INTEGRATED_KIND ? await this.pulls.readable(reader.puller) : null;
    return this.adapter(registry).repositories(
      { ...page, namespaces },
      await this.registryCredential(registry),
    );
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

  async digest(reader: Reader, located: Located): Promise<string> {
    const credential = await this.credential(reader, located.registry, located.repository);
    return this.reader.digest(
      this.adapter(located.registry),
      located.repository,
      located.reference,
      credential,
    );
  }

  /** A page of tags, kept for the tag TTL so that a warm listing costs no upstream request. */
  async tags(
    reader: Reader,
    registry: RegistryEntry,
    repository: string,
    page: PageRequest,
  ): Promise<AdapterPage<TagInfo>> {
    const credential = await this.credential(reader, registry, repository);
    const key = `tags:${registry.name}/${repository}:${page.first}:${page.after ?? ''}:${credential?.id ?? 'anonymous'}`;
    const cached = await this.cache.get<AdapterPage<TagInfo>>(key);
    if (cached) return cached;
    const result = await this.adapter(registry).tags(repository, page, credential);
    await this.cache.set(key, result, this.tagTtlMs);
    return result;
  }
}
