import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { parseCidr } from '../egress/cidr';

const unmapped = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** An IPv6 client is its /64: one host usually owns the whole network, so it is one client. */
function ipv6Network(address: string): string {
  const [head, tail = ''] = address.split('%')[0].split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const width = (part: string[]) => part.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const before = groups(head);
  const after = groups(tail);
  const zeros = Array<string>(8 - width(before) - width(after)).fill('0');
  const prefix = [...before, ...zeros, ...after].slice(0, 4);
  return `${prefix.map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

const clientKey = (address: string) => (isIP(address) === 6 ? ipv6Network(address) : address);

/**
 * Who is asking, as a key for per-client limits: the socket's peer, or, when the peer is one of
 * `trustedProxies`, the right-most X-Forwarded-For address that is not itself a trusted proxy.
 * Entries left of the first untrusted one are the client's own word, and are never read.
 */
export function clientAddressResolver(
  trustedProxies: readonly string[],
): (req: IncomingMessage) => string {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const cidr = parseCidr(entry);
    if (cidr) trusted.addSubnet(cidr.network, cidr.prefix, cidr.family);
  }
  const isTrusted = (address: string) => {
    const version = isIP(address);
    return version !== 0 && trusted.check(address, version === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    let client = unmapped(req.socket.remoteAddress ?? 'unknown');
    if (trustedProxies.length === 0 || !isTrusted(client)) return clientKey(client);
    const header = req.headers['x-forwarded-for'];
    const hops = [header ?? []]
      .flat()
      .join(',')
      .split(',')
      .map((hop) => unmapped(hop.trim()));
    for (const hop of hops.reverse()) {
      if (isIP(hop) === 0) break;
      client = hop;
      if (!isTrusted(hop)) break;
    }
    return clientKey(client);
  };
}
