import { distributionPushes } from './distribution';
import { dockerHubPushes } from './docker-hub';
import { WebhookPayloadError, type ExternalPush, type WebhookKind } from './external-push';
import { harborPushes } from './harbor';
import { quayPushes } from './quay';

const json = 'application/json';

const mediaTypes: Record<WebhookKind, readonly string[]> = {
  DISTRIBUTION: [
    'application/vnd.docker.distribution.events.v1+json',
    'application/vnd.docker.distribution.events.v2+json',
    json,
  ],
  QUAY: [json],
  DOCKER_HUB: [json],
  HARBOR: [json],
};

const parsers: Record<WebhookKind, (body: unknown) => ExternalPush[]> = {
  DISTRIBUTION: distributionPushes,
  QUAY: quayPushes,
  DOCKER_HUB: dockerHubPushes,
  HARBOR: harborPushes,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function checkContentType(kind: WebhookKind, contentType: string | undefined): void {
  const accepted = mediaTypes[kind];
  const expected = `${kind} webhooks are sent as ${accepted.join(' or ')}`;
  if (contentType === undefined)
    throw new WebhookPayloadError(`Content-Type is missing; ${expected}`);
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  if (!accepted.includes(mediaType)) {
    throw new WebhookPayloadError(
      `Content-Type "${mediaType.slice(0, 100)}" is not accepted; ${expected}`,
    );
  }
}

function decodeJson(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new WebhookPayloadError('body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WebhookPayloadError(`body is not valid JSON: ${(err as Error).message}`);
  }
}

/** The pushes an inbound webhook reports; throws WebhookPayloadError for anything malformed. */
export function parseWebhook(
  kind: WebhookKind,
  contentType: string | undefined,
  body: Buffer,
): ExternalPush[] {
  checkContentType(kind, contentType);
  return parsers[kind](decodeJson(body));
}
