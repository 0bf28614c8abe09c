import type { ImageSummary } from '../registries/image-summary';
import type { Image, ImageSource } from './types/image.type';

export const toImage = (summary: ImageSummary, source: ImageSource): Image => ({
  ...summary,
  created: summary.created ? new Date(summary.created) : null,
  source,
});
