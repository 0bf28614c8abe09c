import { z } from 'zod';
import { isSchema1MediaType, manifestMediaTypes } from '../../src/oci/media-types';
import { SENDER_ID_WINDOW_SECONDS, type ExternalPush } from '../webhook-parsing/external-push';
import {
  digest,
  entries,
  parseShape,
  repositoryName,
  rfc3339,
  senderId,
  tagName,
} from '../webhook-parsing/payload-shape';
import { imageOf } from '../webhook-parsing/pushed-image';

const envelopeSchema = z.object({ events: entries(z.looseObject({ action: z.string() })) });

const pushSchema = z.object({
  id: senderId,
  timestamp: rfc3339.optional(),
  target: z.object({
    mediaType: z.string().optional(),
    digest: digest.optional(),
    repository: repositoryName,
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    tag: tagName.optional(),
  }),
  request: z.object({ host: z.string().max(255).optional() }).optional(),
});
type PushEvent = z.output<typeof pushSchema>;

const manifestTypes: ReadonlySet<string> = new Set(manifestMediaTypes);

const isManifest = ({ mediaType, tag }: PushEvent['target']): boolean =>
  !!tag ||
  (mediaType !== undefined && (manifestTypes.has(mediaType) || isSchema1MediaType(mediaType)));

const registryHost = (event: PushEvent): string | null =>
  event.request?.host || (event.target.url === undefined ? null : new URL(event.target.url).host);

/** CNCF distribution notifications: only manifest pushes; not pulls, mounts, deletes or blobs. */
export function distributionPushes(body: unknown): ExternalPush[] {
  return parseShape(envelopeSchema, body).events.flatMap((raw, index) => {
    if (raw.action !== 'push') return [];
    const where = `events[${index}]`;
    const event = parseShape(pushSchema, raw, where);
    if (!isManifest(event.target)) return [];
    const image = imageOf(`${where}.target`, registryHost(event), {
      repository: event.target.repository,
      tag: event.target.tag || null,
      digest: event.target.digest ?? null,
    });
    return [
      {
        ...image,
        occurredAt: event.timestamp ?? null,
        dedupeKey: `distribution:${event.id}`,
        dedupeWindowSeconds: SENDER_ID_WINDOW_SECONDS,
      },
    ];
  });
}
