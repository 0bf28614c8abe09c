import DataLoader from 'dataloader';
import type { SpecTag, TagEvent, TagStatus } from '../store/image-stream-records';
import type { DeliveryView } from '../events/triggers/trigger-store';
import type { RegistryCredential } from '../oci/client/credential';
import { statusKey, type HistoryKey } from '../store/stream-status-store';
import type { Located, Reader } from '../federation/browser';
import type { ImageSummary } from '../federation/image-summary';
import type { Services } from './services';

export interface ImageKey extends Located {
  /** On whose behalf it is read. */
  reader: Reader;
}

export interface HistoryPageKey extends HistoryKey {
  first: number;
  beforeSeq: number | null;
}

interface DeliveriesKey {
  triggerId: string;
  first: number;
}

/**
 * A batch function for paged keys: one store read per distinct page (`first`, cursor) for all the
 * items asking for it, each item's list found in the read's map by `itemOf`.
 */
function byPage<K, V>(
  pageOf: (key: K) => string,
  itemOf: (key: K) => string,
  read: (keys: K[]) => Promise<Map<string, V[]>>,
) {
  return (keys: readonly K[]): Promise<V[][]> => {
    const pages = new Map<string, Promise<Map<string, V[]>>>();
    return Promise.all(
      keys.map(async (key) => {
        const page = pageOf(key);
        if (!pages.has(page)) pages.set(page, read(keys.filter((k) => pageOf(k) === page)));
        return (await pages.get(page)!).get(itemOf(key)) ?? [];
      }),
    );
  };
}

/**
 * Per-request batching and de-duplication: one store read for the spec tags of every stream on a
 * page, one upstream read per distinct image however many fields ask for it.
 */
export function createLoaders(
  services: Pick<Services, 'imageStreams' | 'streamStatus' | 'browser' | 'triggers'>,
) {
  return {
    deliveries: new DataLoader<DeliveriesKey, DeliveryView[], string>(
      byPage(
        (k) => String(k.first),
        (k) => k.triggerId,
        (keys) =>
          services.triggers.recentDeliveries(
            keys.map((k) => k.triggerId),
            keys[0].first,
          ),
      ),
      { cacheKeyFn: (k) => `${k.first}:${k.triggerId}` },
    ),
    statuses: new DataLoader<string, Map<string, TagStatus>>(async (streamIds) => {
      const byStream = await services.streamStatus.current(streamIds);
      return streamIds.map((id) => byStream.get(id) ?? new Map());
    }),
    history: new DataLoader<HistoryPageKey, TagEvent[], string>(
      byPage<HistoryPageKey, TagEvent>(
        (k) => `${k.first}:${k.beforeSeq}`,
        statusKey,
        (keys) => services.streamStatus.history(keys, keys[0].first, keys[0].beforeSeq),
      ),
      { cacheKeyFn: (k) => JSON.stringify([k.streamId, k.tag, k.first, k.beforeSeq]) },
    ),
    specTags: new DataLoader<string, SpecTag[]>(async (streamIds) => {
      const byStream = await services.imageStreams.specTags(streamIds);
      return streamIds.map((id) => byStream.get(id) ?? []);
    }),
    images: new DataLoader<ImageKey, ImageSummary, string>(
      (keys) => {
        // One credential lookup per repository, however many of its images the batch holds.
        const credentials = new Map<string, Promise<RegistryCredential | null>>();
        return Promise.all(
          keys.map((key) => {
            const repository = JSON.stringify([key.reader, key.registry.name, key.repository]);
            if (!credentials.has(repository))
              credentials.set(
                repository,
                services.browser.credential(key.reader, key.registry, key.repository),
              );
            return credentials
              .get(repository)!
              .then((credential) => services.browser.imageWith(credential, key))
              .catch((err: Error) => err);
          }),
        );
      },
      {
        cacheKeyFn: (k) => JSON.stringify([k.registry.name, k.repository, k.reference, k.reader]),
      },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
