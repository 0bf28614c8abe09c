import type { Reader } from '../federation/browser';
import type { ImageSummary } from '../federation/image-summary';
import type { ImageKey } from './loaders';
import { RegqlError } from '../core/errors';
import type { Image, ImageSource } from './types/image.type';
import type { Repository } from './types/repository.type';

export const toImage = (summary: ImageSummary, source: ImageSource): Image => ({
  ...summary,
  created: summary.created ? new Date(summary.created) : null,
  source,
});

/** A tag or digest of a browsed repository, as the image loader takes it. */
export const locatedIn = (repository: Repository, reference: string, reader: Reader): ImageKey => ({
  registry: repository.entry,
  host: repository.entry.hosts[0],
  repository: repository.name,
  reference,
  reader,
});

/** A registry's "no such thing" becomes null, for fields that are nullable for exactly that. */
export function nullIfNotFound<T>(promise: Promise<T>): Promise<T | null> {
  return promise.catch((err: unknown) => {
    if (err instanceof RegqlError && err.code === 'UPSTREAM_NOT_FOUND') return null;
    throw err;
  });
}
