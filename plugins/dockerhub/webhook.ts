import { z } from 'zod';
import { DOCKER_HUB } from '../../src/oci/reference';
import { SENDER_ID_WINDOW_SECONDS, type ExternalPush } from '../webhook-parsing/external-push';
import {
  epochSeconds,
  isoFromEpochSeconds,
  parseShape,
  repositoryName,
  tagName,
} from '../webhook-parsing/payload-shape';
import { imageOf } from '../webhook-parsing/pushed-image';

const webhookSchema = z.object({
  callback_url: z.url({ protocol: /^https?$/ }).max(2048),
  push_data: z.object({ tag: tagName, pushed_at: epochSeconds.optional() }),
  repository: z.object({ repo_name: repositoryName }),
});

/** Docker Hub repository webhook: one tag pushed; `callback_url` identifies the delivery. */
export function dockerHubPushes(body: unknown): ExternalPush[] {
  const payload = parseShape(webhookSchema, body);
  const image = imageOf('repository.repo_name, push_data.tag', DOCKER_HUB, {
    repository: payload.repository.repo_name,
    tag: payload.push_data.tag,
    digest: null,
  });
  const pushedAt = payload.push_data.pushed_at;
  return [
    {
      ...image,
      occurredAt: pushedAt === undefined ? null : isoFromEpochSeconds(pushedAt),
      dedupeKey: `docker-hub:${payload.callback_url}`,
      dedupeWindowSeconds: SENDER_ID_WINDOW_SECONDS,
    },
  ];
}
