import { invalidInput } from '../core/errors';

/** How much one image stream may hold. */
export interface StreamLimits {
  /** History entries kept per tag. */
  maxRevisions: number;
  /** Tags per stream. */
  maxTags: number;
}

/** Refuses a change that would leave a stream with more than `max` tags. */
export function assertTagRoom(stream: string, held: number, adding: number, max: number): void {
  if (adding > 0 && held + adding > max)
    throw invalidInput(
      `image stream ${stream} would hold ${held + adding} tags; a stream holds at most ${max} (imports.maxTagsPerStream)`,
    );
}
