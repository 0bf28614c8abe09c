import type { LookupFunction } from 'node:net';
import { buildConnector } from 'undici';

/**
 * Where a connection may go, decided before it is opened. `checkHost` throws for an address
 * literal the caller may not reach (a literal skips DNS, so `lookup` never sees it); `lookup`
 * resolves a name and fails when it points at such an address. Errors thrown are RegqlErrors,
 * which the transport reports as they are.
 */
export interface ConnectGuard {
  checkHost(hostname: string, port: number): void;
  lookup: LookupFunction;
}

export const defaultPort = (protocol: string): number => (protocol === 'https:' ? 443 : 80);

/** undici's connector, with the guard's checks in front of every new connection. */
export function guardedConnector(
  options: buildConnector.BuildOptions,
  guard: ConnectGuard | undefined,
): buildConnector.connector {
  if (!guard) return buildConnector(options);
  const connect = buildConnector({ ...options, lookup: guard.lookup });
  return (target, callback) => {
    try {
      guard.checkHost(target.hostname, Number(target.port) || defaultPort(target.protocol));
    } catch (err) {
      callback(err as Error, null);
      return;
    }
    connect(target, callback);
  };
}
