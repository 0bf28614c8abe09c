import { pullSpecOf } from '../domain/pull-spec';
import type {
  ImageStream as StoredStream,
  SpecTag,
  TagCondition as StoredCondition,
  TagEvent as StoredEvent,
  TagStatus,
} from '../store/image-stream-records';
import type { ImageStream, ImageStreamTag } from './types/image-stream.type';
import type { TagCondition, TagEvent } from './types/tag-event.type';

export const toImageStream = (stream: StoredStream): ImageStream => ({
  ...stream,
  createdAt: new Date(stream.createdAt),
});

export const toTagEvent = (event: StoredEvent): TagEvent => ({
  created: new Date(event.created),
  dockerImageReference: event.dockerImageReference,
  image: event.image,
  generation: event.generation,
});

const toCondition = (condition: StoredCondition): TagCondition => ({
  ...condition,
  lastTransitionTime: new Date(condition.lastTransitionTime),
});

export function toImageStreamTag(
  stream: Pick<StoredStream, 'id' | 'namespace' | 'name'>,
  tag: SpecTag,
  status: TagStatus | undefined,
  publicHost: string,
): ImageStreamTag {
  const current = status?.current ?? null;
  return {
    streamId: stream.id,
    namespace: stream.namespace,
    stream: stream.name,
    currentReference: current?.dockerImageReference ?? null,
    name: tag.name,
    from: tag.from,
    reference: tag.reference,
    importPolicy: {
      scheduled: tag.scheduled,
      insecure: tag.insecure,
      importMode: tag.importMode,
    },
    referencePolicy: tag.referencePolicy,
    generation: tag.generation,
    current: current && toTagEvent(current),
    conditions: status?.condition ? [toCondition(status.condition)] : [],
    pullSpec: pullSpecOf(stream, tag, current, publicHost),
  };
}
