import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GraphqlErrorCode } from '../core/error-codes';

/** One route's answer to a request, with the request's logger. */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  log: Logger,
) => Promise<void>;

/** An error in the GraphQL over HTTP shape, for answers given before GraphQL runs. */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  code: GraphqlErrorCode,
  message: string,
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
