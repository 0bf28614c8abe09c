import { z } from 'zod';
import {
  SENDER_ID_WINDOW_SECONDS,
  WebhookPayloadError,
  type ExternalPush,
} from '../webhook-parsing/external-push';
import {
  digest,
  entries,
  epochSeconds,
  isoFromEpochSeconds,
  parseShape,
  repositoryName,
} from '../webhook-parsing/payload-shape';
import { imageAt, imageOf, type PushedImage } from '../webhook-parsing/pushed-image';

const typeSchema = z.object({ type: z.string() });

const resourceSchema = z.object({
  digest: digest.optional(),
  tag: z.string().max(256).optional(),
  resource_url: z.string().min(1).max(2048).optional(),
});
type Resource = z.output<typeof resourceSchema>;

const pushArtifactSchema = z.object({
  occur_at: epochSeconds,
  event_data: z.object({
    resources: entries(resourceSchema),
    repository: z.object({ repo_full_name: repositoryName }).optional(),
  }),
});

function resourceImage(where: string, resource: Resource, repoFullName?: string): PushedImage {
  const digest = resource.digest ?? null;
  const url = resource.resource_url;
  if (url !== undefined) {
    const slash = url.indexOf('/');
    if (slash < 0) {
      throw new WebhookPayloadError(`${where}.resource_url: must be host/project/repository:tag`);
    }
    const image = imageAt(`${where}.resource_url`, url.slice(0, slash), url.slice(slash + 1));
    return { ...image, digest: digest ?? image.digest };
  }
  if (repoFullName === undefined) {
    throw new WebhookPayloadError(
      `${where}: needs resource_url, or event_data.repository.repo_full_name`,
    );
  }
  const tag = resource.tag && resource.tag !== digest ? resource.tag : null;
  return imageOf(where, null, { repository: repoFullName, tag, digest });
}

/** Harbor `PUSH_ARTIFACT` (other event types are not pushes): one push per resource. */
export function harborPushes(body: unknown): ExternalPush[] {
  if (parseShape(typeSchema, body).type !== 'PUSH_ARTIFACT') return [];
  const { occur_at, event_data } = parseShape(pushArtifactSchema, body);
  return event_data.resources.map((resource, index) => {
    const image = resourceImage(
      `event_data.resources[${index}]`,
      resource,
      event_data.repository?.repo_full_name,
    );
    const locator = resource.resource_url ?? `${image.repository}:${image.tag ?? ''}`;
    return {
      ...image,
      occurredAt: isoFromEpochSeconds(occur_at),
      dedupeKey: `harbor:${occur_at}|${image.digest ?? ''}|${locator}`,
      dedupeWindowSeconds: SENDER_ID_WINDOW_SECONDS,
    };
  });
}
