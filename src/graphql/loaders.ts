import DataLoader from 'dataloader';
import type { SpecTag } from '../domain/image-stream';
import type { Located } from '../registries/browser';
import type { ImageSummary } from '../registries/image-summary';
import type { Services } from './context';

export interface ImageKey extends Located {
  /** Whose credentials read it; null browses with the shared namespace's. */
  namespace: string | null;
}

/**
 * Per-request batching and de-duplication: one store read for the spec tags of every stream on a
 * page, one upstream read per distinct image however many fields ask for it.
 */
export function createLoaders(services: Pick<Services, 'imageStreams' | 'browser'>) {
  return {
    specTags: new DataLoader<string, SpecTag[]>(async (streamIds) => {
      const byStream = await services.imageStreams.specTags(streamIds);
      return streamIds.map((id) => byStream.get(id) ?? []);
    }),
    images: new DataLoader<ImageKey, ImageSummary, string>(
      (keys) =>
        Promise.all(
          keys.map((key) => services.browser.image(key.namespace, key).catch((err: Error) => err)),
        ),
      {
        cacheKeyFn: (k) =>
          JSON.stringify([k.registry.name, k.repository, k.reference, k.namespace]),
      },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
