import type { RegistryAdapter } from '../../plugins/plugin';
import { RegqlError } from '../core/errors';
import { formatPlatform, parsePlatform, pickPlatform } from '../domain/platform';
import type { RegistryCredential } from '../oci/client/credential';
import type { FetchedManifest } from '../oci/client/registry-client';
import type { Descriptor } from '../oci/manifest';
import { upstreamError } from '../oci/upstream-error';

/**
 * The most manifests one mirror reads (an index, its images, their referrers): a source that
 * names more, or nests indexes without end, fails the job instead of growing it without bound.
 */
export const MAX_PLAN_MANIFESTS = 500;

export interface MirrorSource {
  adapter: RegistryAdapter;
  repository: string;
  credential: RegistryCredential | null;
}

/** What a mirror copies, all read from the source before anything is written. */
export interface MirrorPlan {
  /** What the destination reference will name: the index, or the one platform's image. */
  top: FetchedManifest;
  /** Every other manifest, each after those it names, so that each PUT finds its content. */
  manifests: FetchedManifest[];
  /** Every blob the manifests name, once. */
  blobs: Descriptor[];
}

export interface PlanOptions {
  allPlatforms: boolean;
  /** os/architecture[/variant], as imports choose from an index. */
  platform: string;
  includeReferrers: boolean;
}

/**
 * Reads the manifests under `reference`: the whole index with every platform, or the one image
 * the platform picks out of it; with `includeReferrers`, also the referrers (signatures, SBOMs)
 * of each copied image, with their own content.
 */
export async function planMirror(
  source: MirrorSource,
  reference: string,
  options: PlanOptions,
): Promise<MirrorPlan> {
  const read = (ref: string) =>
    source.adapter.getManifest(source.repository, ref, source.credential);
  let top = await read(reference);
  if (top.manifest.kind === 'index' && !options.allPlatforms) {
    const wanted = parsePlatform(options.platform);
    const chosen = pickPlatform(top.manifest.manifests, wanted);
    if (!chosen)
      throw new RegqlError(
        'PLATFORM_NOT_FOUND',
        `the manifest list has no ${formatPlatform(wanted)} image; mirror with allPlatforms: true`,
      );
    top = await read(chosen.digest);
  }
  const ordered: FetchedManifest[] = [];
  const seen = new Set<string>();
  const collect = async (manifest: FetchedManifest): Promise<void> => {
    if (seen.has(manifest.digest)) return;
    if (seen.size >= MAX_PLAN_MANIFESTS)
      throw upstreamError(
        'UPSTREAM_INVALID',
        `the source names more than ${MAX_PLAN_MANIFESTS} manifests (children and referrers); regql mirrors at most that many at once`,
      );
    seen.add(manifest.digest);
    if (manifest.manifest.kind === 'index')
      for (const child of manifest.manifest.manifests) await collect(await read(child.digest));
    ordered.push(manifest);
  };
  await collect(top);
  if (options.includeReferrers && source.adapter.referrers) {
    for (const image of [...ordered]) {
      const referrers = await source.adapter.referrers(
        source.repository,
        image.digest,
        source.credential,
      );
      for (const referrer of referrers) await collect(await read(referrer.digest));
    }
  }
  const blobs = new Map<string, Descriptor>();
  for (const { manifest } of ordered)
    if (manifest.kind === 'image')
      for (const blob of [manifest.config, ...manifest.layers]) blobs.set(blob.digest, blob);
  return {
    top,
    manifests: ordered.filter((m) => m.digest !== top.digest),
    blobs: [...blobs.values()],
  };
}
