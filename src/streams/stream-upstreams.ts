import { INTEGRATED_KIND } from '../../plugins/integrated';
import type { RegistryAdapter } from '../../plugins/plugin';
import { notFound, RegqlError } from '../core/errors';
import { forNamespace, type RegistryBrowser } from '../federation/browser';
import type { RegistryCredential } from '../oci/client/credential';
import type { FetchedManifest, OpenedBlob } from '../oci/client/registry-client';
import { parseReference } from '../oci/reference';
import { upstreamError } from '../oci/upstream-error';
import type { Db } from '../store/database';
import { ImageStreamStore } from '../store/image-stream-store';
import { StreamStatusStore } from '../store/stream-status-store';

/** How many repositories of a stream's history a pull-through tries before it gives up. */
const MAX_SOURCES = 10;

type Read<T> = (
  adapter: RegistryAdapter,
  repository: string,
  credential: RegistryCredential | null,
) => Promise<T>;

/**
 * Where an image stream's images live when the integrated registry lacks them: the repositories
 * its tag history names, read as the stream's namespace reads (its credentials, its pull rights,
 * the egress policy), as OpenShift's registry pulls through.
 */
export class StreamUpstreams {
  constructor(
    private readonly db: Db,
    private readonly browser: RegistryBrowser,
  ) {}

  /** Whether any tag of the stream `repository` (`<namespace>/<stream>`) names `digest`. */
  async names(repository: string, digest: string): Promise<boolean> {
    const stream = await this.stream(repository);
    return (
      stream !== undefined &&
      (await new StreamStatusStore(this.db).withImage(stream.id, digest)) !== undefined
    );
  }

  /** The manifest `digest`, checked against it, from the first source that has it. */
  manifest(repository: string, digest: string): Promise<FetchedManifest> {
    return this.fromSources(repository, digest, (adapter, upstream, credential) =>
      adapter.getManifest(upstream, digest, credential),
    );
  }

  /** The blob `digest` as it streams from the first source that has it; the caller checks it. */
  blob(repository: string, digest: string): Promise<OpenedBlob> {
    return this.fromSources(repository, digest, (adapter, upstream, credential) =>
      adapter.openBlob(upstream, digest, credential),
    );
  }

  private stream(repository: string) {
    const [namespace, name] = repository.split('/');
    return new ImageStreamStore(this.db).get(namespace, name);
  }

  /** Tries the repositories of the stream's history in turn, those naming `digest` first. */
  private async fromSources<T>(repository: string, digest: string, read: Read<T>): Promise<T> {
    const stream = await this.stream(repository);
    if (!stream) throw notFound(`no image stream ${repository}`);
    const references = await new StreamStatusStore(this.db).references(
      stream.id,
      digest,
      MAX_SOURCES * 4,
    );
    const specs = await new ImageStreamStore(this.db).specTags([stream.id]);
    const insecure = new Set(
      (specs.get(stream.id) ?? []).filter((s) => s.insecure).map((s) => s.name),
    );
    const sources = new Map<string, boolean>();
    for (const { reference, tag } of references) {
      const ref = parseReference(reference);
      const source = `${ref.registry}/${ref.repository}`;
      sources.set(source, (sources.get(source) ?? false) || insecure.has(tag));
    }
    let failure: RegqlError | null = null;
    for (const [source, sourceInsecure] of [...sources].slice(0, MAX_SOURCES)) {
      try {
        const located = await this.browser.locate(`${source}@${digest}`, {
          insecure: sourceInsecure,
        });
        if (located.registry.kind === INTEGRATED_KIND && located.repository === repository)
          continue;
        const credential = await this.browser.credential(
          forNamespace(stream.namespace),
          located.registry,
          located.repository,
        );
        return await read(this.browser.adapter(located.registry), located.repository, credential);
      } catch (err) {
        if (!(err instanceof RegqlError)) throw err;
        // A registry that failed says more than one that lacks the content.
        if (!failure || failure.code === 'UPSTREAM_NOT_FOUND') failure = err;
      }
    }
    throw (
      failure ??
      upstreamError('UPSTREAM_NOT_FOUND', `no registry in ${repository}'s history has ${digest}`)
    );
  }
}
