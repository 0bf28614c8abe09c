import { builtInPluginRegistry, type PluginRegistry, type WebhookKind } from '../../../plugins';
import {
  WebhookPayloadError,
  type ExternalPush,
} from '../../../plugins/webhook-parsing/external-push';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function checkContentType(
  kind: string,
  accepted: readonly string[],
  contentType: string | undefined,
): void {
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

/**
 * The pushes an inbound webhook reports, as the plugin of its kind reads them; throws
 * WebhookPayloadError for anything malformed.
 */
export function parseWebhook(
  kind: WebhookKind,
  contentType: string | undefined,
  body: Buffer,
  plugins: PluginRegistry = builtInPluginRegistry,
): ExternalPush[] {
  const { webhook } = plugins.webhook(kind);
  checkContentType(kind, webhook.mediaTypes, contentType);
  return webhook.parse(decodeJson(body));
}
