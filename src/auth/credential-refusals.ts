import type { IncomingMessage } from 'node:http';

/**
 * Requests whose credentials (a token, a password, a webhook secret) are being watched: the
 * handler that checks them marks a refusal, and the router's callback counts it for the client
 * at that moment, not when the response ends. A valid token lacking a scope (a normal step of the
 * registry protocol) is never marked.
 */
const watchers = new WeakMap<IncomingMessage, () => void>();

export const watchRefusal = (req: IncomingMessage, onRefused: () => void): void =>
  void watchers.set(req, onRefused);

export function markCredentialsRefused(req: IncomingMessage): void {
  const onRefused = watchers.get(req);
  watchers.delete(req);
  onRefused?.();
}
