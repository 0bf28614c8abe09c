import type { IncomingMessage } from 'node:http';

/**
 * Requests whose credentials (a token, a password, a webhook secret) were checked and refused.
 * The handler that checks them marks the request; the router counts the marks per client, so
 * a valid token lacking a scope (a normal step of the registry protocol) is never a failure.
 */
const refused = new WeakSet<IncomingMessage>();

export const markCredentialsRefused = (req: IncomingMessage): void => void refused.add(req);

export const credentialsRefused = (req: IncomingMessage): boolean => refused.has(req);
