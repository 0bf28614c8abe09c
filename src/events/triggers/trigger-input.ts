import { randomBytes } from 'node:crypto';
import { invalidInput } from '../../core/errors';
import { EgressDeniedError } from '../../egress/egress-denied';
import type { EgressPolicy } from '../../egress/egress-policy';
import { assertDnsLabel, assertTag } from '../../domain/names';
import type { EventType } from '../registry-event';

export interface TriggerInput {
  namespace: string;
  url: string;
  stream?: string | null;
  tag?: string | null;
  types?: readonly EventType[] | null;
  secret?: string | null;
}

export interface NewTrigger {
  namespace: string;
  url: string;
  stream: string | null;
  tag: string | null;
  /** null: every type. */
  types: EventType[] | null;
  secret: string;
}

const MAX_URL_LENGTH = 2048;
const MIN_SECRET_LENGTH = 16;
const MAX_SECRET_LENGTH = 256;

function checkTriggerUrl(value: string, egress: EgressPolicy): string {
  if (value.length > MAX_URL_LENGTH)
    throw invalidInput(`url is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput('url is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidInput('url must be http or https');
  if (!url.hostname) throw invalidInput('url must name a host');
  if (url.username || url.password)
    throw invalidInput('url must not carry credentials: receivers check the signature instead');
  try {
    egress.checkUrl(url, 'public');
  } catch (err) {
    if (err instanceof EgressDeniedError) throw invalidInput(`url: ${err.message}`);
    throw err;
  }
  if (url.href.length > MAX_URL_LENGTH)
    throw invalidInput(`url is longer than ${MAX_URL_LENGTH} characters`);
  return url.href;
}

function checkSecret(secret: string | null | undefined): string {
  if (secret === null || secret === undefined) return randomBytes(32).toString('base64url');
  if (secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH)
    throw invalidInput(
      `secret must be ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH} characters long`,
    );
  return secret;
}

/** A trigger as the API asked for it, checked; the secret is generated unless the user chose one. */
export function newTrigger(input: TriggerInput, egress: EgressPolicy): NewTrigger {
  const stream = input.stream ?? null;
  const tag = input.tag ?? null;
  assertDnsLabel('namespace', input.namespace);
  if (stream !== null) assertDnsLabel('stream', stream);
  if (tag !== null) assertTag(tag);
  return {
    namespace: input.namespace,
    url: checkTriggerUrl(input.url, egress),
    stream,
    tag,
    types: input.types && input.types.length > 0 ? [...new Set(input.types)] : null,
    secret: checkSecret(input.secret),
  };
}
