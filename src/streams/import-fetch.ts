import { RegqlError } from '../core/errors';
import { formatPlatform, parsePlatform, pickPlatform, type Platform } from '../domain/platform';
import { forNamespace, type Located, type RegistryBrowser } from '../federation/browser';
import type { ImageSummary } from '../federation/image-summary';
import type { ImportTarget } from './import-targets';

/** What the registry holds for a target, read before anything is written. */
export interface Fetched {
  target: ImportTarget;
  located: Located | null;
  /** Digest of what the tag names upstream (an index's own digest). */
  upstreamDigest: string | null;
  /** The image the tag will point at (for LEGACY, the platform's manifest); null after an unchanged HEAD. */
  image: ImageSummary | null;
  error: RegqlError | null;
}

/**
 * Reads one target. With `knownDigest`, asks with HEAD first and stops there when the tag still
 * names it. Manifest lists: LEGACY resolves the platform's manifest, PRESERVE_ORIGINAL checks all.
 */
export async function fetchImport(
  browser: RegistryBrowser,
  defaultPlatform: string,
  namespace: string,
  target: ImportTarget,
  streamPlatform: string | null,
  knownDigest?: string | null,
): Promise<Fetched> {
  try {
    const located = await browser.locate(target.pullSpec, { insecure: target.spec.insecure });
    const credential = await browser.credential(
      forNamespace(namespace),
      located.registry,
      located.repository,
    );
    if (knownDigest) {
      const head = await browser
        .adapter(located.registry)
        .headManifest(located.repository, located.reference, credential);
      if (head.digest === knownDigest)
        return { target, located, upstreamDigest: head.digest, image: null, error: null };
    }
    const top = await browser.imageWith(credential, located, true);
    if (!top.manifests)
      return { target, located, upstreamDigest: top.digest, image: top, error: null };
    const children = (manifest: { digest: string }) =>
      browser.imageWith(credential, { ...located, reference: manifest.digest });
    if (target.spec.importMode === 'PRESERVE_ORIGINAL') {
      await Promise.all(top.manifests.map(children));
      return { target, located, upstreamDigest: top.digest, image: top, error: null };
    }
    const platform: Platform = parsePlatform(streamPlatform ?? defaultPlatform);
    const offered = top.manifests.map((m) => ({
      ...m,
      platform: {
        os: m.os ?? '',
        architecture: m.architecture ?? '',
        ...(m.variant && { variant: m.variant }),
      },
    }));
    const chosen = pickPlatform(offered, platform);
    if (!chosen) {
      throw new RegqlError(
        'PLATFORM_NOT_FOUND',
        `the manifest list has no ${formatPlatform(platform)} image (it has ${offered.map((m) => formatPlatform(m.platform)).join(', ')}); import with importMode PRESERVE_ORIGINAL or set the stream's platform`,
      );
    }
    return {
      target,
      located,
      upstreamDigest: top.digest,
      image: await children(chosen),
      error: null,
    };
  } catch (err) {
    if (!(err instanceof RegqlError)) throw err;
    return { target, located: null, upstreamDigest: null, image: null, error: err };
  }
}
