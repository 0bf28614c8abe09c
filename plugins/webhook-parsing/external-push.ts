/** One tag (or digest) a registry says was pushed, as a webhook delivered it. */
export interface ExternalPush {
  /** `host[:port]`, lower case, Docker Hub aliases as `docker.io`; null if the payload has none. */
  registryHost: string | null;
  /** `library/<name>` for Docker Hub official images. */
  repository: string;
  tag: string | null;
  digest: string | null;
  /** ISO 8601, when the payload carries a time. */
  occurredAt: string | null;
  /** The sender's id for this delivery where it has one, else a hash of the push. */
  dedupeKey: string;
  /** How long a repeat of `dedupeKey` is a redelivery rather than a new push. */
  dedupeWindowSeconds: number;
}

/** The body is not what this kind of sender delivers; the message says why, fit for a 400. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}

/** Sender ids are unique per delivery: any repeat within a week is a retry. */
export const SENDER_ID_WINDOW_SECONDS = 7 * 24 * 60 * 60;
/** The same content hash also comes from a real re-push, so only quick repeats count as retries. */
export const CONTENT_HASH_WINDOW_SECONDS = 300;
