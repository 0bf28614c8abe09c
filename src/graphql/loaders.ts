import DataLoader from 'dataloader';
import type { SpecTag } from '../domain/image-stream';
import type { Services } from './context';

/** Per-request batching: one store read for the spec tags of every stream on a page. */
export function createLoaders(services: Pick<Services, 'imageStreams'>) {
  return {
    specTags: new DataLoader<string, SpecTag[]>(async (streamIds) => {
      const byStream = await services.imageStreams.specTags(streamIds);
      return streamIds.map((id) => byStream.get(id) ?? []);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
