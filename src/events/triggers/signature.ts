import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_HEADER = 'X-Regql-Signature-256';
const EVENT_HEADER = 'X-Regql-Event';
const DELIVERY_HEADER = 'X-Regql-Delivery';

const PREFIX = 'sha256=';

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the trigger's secret. */
export function sign(secret: string, body: string | Uint8Array): string {
  return PREFIX + createHmac('sha256', secret).update(body).digest('hex');
}

/** What a receiver runs over the raw body it read, before parsing it; constant-time. */
export function verifySignature(
  secret: string,
  body: string | Uint8Array,
  header: string | null | undefined,
): boolean {
  if (!header?.startsWith(PREFIX)) return false;
  const expected = Buffer.from(sign(secret, body), 'utf8');
  const given = Buffer.from(header, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function deliveryHeaders(
  secret: string,
  body: string,
  eventType: string,
  deliveryId: string,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'regql',
    [SIGNATURE_HEADER]: sign(secret, body),
    [EVENT_HEADER]: eventType,
    [DELIVERY_HEADER]: deliveryId,
  };
}
