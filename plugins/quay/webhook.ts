import { z } from 'zod';
import { sha256Digest } from '../../src/oci/digest';
import { CONTENT_HASH_WINDOW_SECONDS, type ExternalPush } from '../webhook-parsing/external-push';
import { entries, parseShape, repositoryName, tagName } from '../webhook-parsing/payload-shape';
import { imageOf } from '../webhook-parsing/pushed-image';

const repoPushSchema = z.object({
  repository: repositoryName,
  docker_url: z.string().min(1).max(2048).optional(),
  updated_tags: entries(tagName),
});

/** Quay `repo_push`: one push per updated tag; with no id from Quay, the key hashes the push. */
export function quayPushes(body: unknown): ExternalPush[] {
  const payload = parseShape(repoPushSchema, body);
  const host = payload.docker_url?.split('/', 1)[0] ?? null;
  return payload.updated_tags.map((tag, index) => {
    const image = imageOf(`updated_tags[${index}]`, host, {
      repository: payload.repository,
      tag,
      digest: null,
    });
    const content = JSON.stringify([image.registryHost, image.repository, image.tag]);
    return {
      ...image,
      occurredAt: null,
      dedupeKey: `quay:${sha256Digest(content)}`,
      dedupeWindowSeconds: CONTENT_HASH_WINDOW_SECONDS,
    };
  });
}
