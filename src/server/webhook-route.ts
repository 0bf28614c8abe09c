import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { markCredentialsRefused } from '../auth/credential-refusals';
import { hashToken, tokenFromAuthorization } from '../auth/token-secret';
import { builtInPluginRegistry } from '../../plugins';
import { WebhookPayloadError } from '../../plugins/webhook-parsing/external-push';
import { parseWebhook } from '../events/webhooks/parse-webhook';
import type { ReceiverStore } from '../events/webhooks/receiver-store';
import type { WebhookIntake } from '../events/webhooks/webhook-intake';
import { BodyTooLargeError, readBodyBytes } from '../core/read-body';
import { sendJsonError, type Handler } from './handler';

const MAX_BODY_BYTES = 1024 * 1024;

const pathPattern =
  /^\/webhooks\/([a-z-]+)\/([A-Za-z0-9_-]{1,64})(?:\/([A-Za-z0-9_-]{1,128}))?\/?$/;

/** The path with its secret segment masked, for the access log. */
export const maskWebhookSecret = (path: string): string =>
  path.replace(/^(\/webhooks\/[^/]+\/[^/]+\/)[^/]+/, '$1***');

function secretFrom(req: IncomingMessage, inPath: string | undefined): string | null {
  if (inPath) return inPath;
  const header = req.headers['x-regql-webhook-secret'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  return tokenFromAuthorization(req.headers.authorization);
}

const sameHash = (secret: string, stored: string) =>
  timingSafeEqual(Buffer.from(hashToken(secret), 'hex'), Buffer.from(stored, 'hex'));

/**
 * `POST /webhooks/<kind>/<receiver id>[/<secret>]`: the secret in the path, or in an
 * `X-Regql-Webhook-Secret` or `Authorization` header for senders configured with headers.
 */
export function webhookRoute(
  receivers: ReceiverStore,
  intake: WebhookIntake,
  count: (kind: string, status: number) => void,
): Handler {
  return async (req, res, url, log) => {
    const match = pathPattern.exec(url.pathname);
    const plugin = match && builtInPluginRegistry.webhookBySlug(match[1]);
    res.once('finish', () => count(plugin ? plugin.webhook.slug : 'unknown', res.statusCode));
    if (!match || !plugin)
      return sendJsonError(res, 404, 'NOT_FOUND', 'no webhook route; see createWebhookReceiver');
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJsonError(res, 405, 'METHOD_NOT_ALLOWED', 'webhooks are delivered with POST');
    }
    const secret = secretFrom(req, match[3]);
    const receiver = await receivers.withSecretHash(match[2]);
    if (
      !receiver ||
      receiver.kind !== plugin.kind ||
      !secret ||
      !sameHash(secret, receiver.secretHash)
    ) {
      if (secret) markCredentialsRefused(req);
      req.resume();
      return sendJsonError(res, 401, 'UNAUTHENTICATED', 'unknown webhook receiver or wrong secret');
    }
    let pushes;
    try {
      pushes = parseWebhook(
        receiver.kind,
        req.headers['content-type'],
        await readBodyBytes(req, MAX_BODY_BYTES),
      );
    } catch (err) {
      if (err instanceof BodyTooLargeError)
        return sendJsonError(res, 413, 'PAYLOAD_TOO_LARGE', err.message);
      if (err instanceof WebhookPayloadError)
        return sendJsonError(res, 400, 'BAD_REQUEST', err.message);
      throw err;
    }
    const intook = await intake.accept(receiver, pushes);
    log.info({ receiver: receiver.id, kind: receiver.kind, ...intook }, 'webhook');
    res.writeHead(202, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(intook));
  };
}
