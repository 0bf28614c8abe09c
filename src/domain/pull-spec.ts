import type { ImageStream, SpecTag, TagEvent } from '../store/image-stream-records';

/**
 * Where clients pull a stream tag's image: the source registry (SOURCE), regql's integrated
 * registry (LOCAL), or for a reference tag its `from` itself; null while the tag has no image.
 */
export function pullSpecOf(
  stream: Pick<ImageStream, 'namespace' | 'name'>,
  tag: SpecTag,
  current: TagEvent | null,
  publicHost: string,
): string | null {
  if (tag.reference && tag.from?.kind === 'DOCKER_IMAGE') return tag.from.name;
  if (!current) return null;
  return tag.referencePolicy === 'LOCAL'
    ? `${publicHost}/${stream.namespace}/${stream.name}@${current.image}`
    : current.dockerImageReference;
}
