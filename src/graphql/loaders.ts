import DataLoader from 'dataloader';
import type { SpecTag, TagEvent, TagStatus } from '../domain/image-stream';
import type { DeliveryView } from '../events/triggers/trigger-store';
import { statusKey, type HistoryKey } from '../store/stream-status-store';
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
export interface HistoryPageKey extends HistoryKey {
  first: number;
  beforeSeq: number | null;
}

interface DeliveriesKey {
  triggerId: string;
  first: number;
}

export function createLoaders(
  services: Pick<Services, 'imageStreams' | 'streamStatus' | 'browser' | 'triggers'>,
) {
  return {
    deliveries: new DataLoader<DeliveriesKey, DeliveryView[], string>(
      async (keys) => {
        const pages = new Map<number, Promise<Map<string, DeliveryView[]>>>();
        for (const { first } of keys) {
          if (!pages.has(first))
            pages.set(
              first,
              services.triggers.recentDeliveries(
                keys.filter((k) => k.first === first).map((k) => k.triggerId),
                first,
              ),
            );
        }
        return Promise.all(
          keys.map(async (k) => (await pages.get(k.first)!).get(k.triggerId) ?? []),
        );
      },
      { cacheKeyFn: (k) => `${k.first}:${k.triggerId}` },
    ),
    statuses: new DataLoader<string, Map<string, TagStatus>>(async (streamIds) => {
      const byStream = await services.streamStatus.current(streamIds);
      return streamIds.map((id) => byStream.get(id) ?? new Map());
    }),
    history: new DataLoader<HistoryPageKey, TagEvent[], string>(
      async (keys) => {
        const pages = new Map<string, Promise<Map<string, TagEvent[]>>>();
        return Promise.all(
          keys.map(async (key) => {
            const page = `${key.first}:${key.beforeSeq}`;
            if (!pages.has(page))
              pages.set(
                page,
                services.streamStatus.history(
                  keys.filter((k) => `${k.first}:${k.beforeSeq}` === page),
                  key.first,
                  key.beforeSeq,
                ),
              );
            return (await pages.get(page)!).get(statusKey(key)) ?? [];
          }),
        );
      },
      { cacheKeyFn: (k) => JSON.stringify([k.streamId, k.tag, k.first, k.beforeSeq]) },
    ),
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
