import { BlockList, isIP } from 'node:net';

/** What kind of address an IP is, as far as the egress policy cares. */
export type AddressClass =
  'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'reserved';

type Range = readonly [network: string, prefix: number];

function rangesOf(v4: readonly Range[], v6: readonly Range[]): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/**
 * Checked in this order, so the narrower class wins: fd00:ec2::254 is metadata before it is
 * private, 169.254.169.254 before it is link-local. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d)
 * match the IPv4 ranges (BlockList does that).
 */
const classes: readonly [AddressClass, BlockList][] = [
  [
    'metadata',
    rangesOf(
      [
        ['169.254.169.254', 32],
        ['100.100.100.200', 32],
      ],
      [['fd00:ec2::254', 128]],
    ),
  ],
  ['link-local', rangesOf([['169.254.0.0', 16]], [['fe80::', 10]])],
  ['loopback', rangesOf([['127.0.0.0', 8]], [['::1', 128]])],
  // Connecting to 0.0.0.0 (or ::) reaches this host on Linux.
  ['unspecified', rangesOf([['0.0.0.0', 8]], [['::', 128]])],
  [
    'private',
    rangesOf(
      [
        ['10.0.0.0', 8],
        ['100.64.0.0', 10],
        ['172.16.0.0', 12],
        ['192.168.0.0', 16],
      ],
      [['fc00::', 7]],
    ),
  ],
  [
    'reserved',
    rangesOf(
      [
        ['192.0.0.0', 24],
        ['192.0.2.0', 24],
        ['198.18.0.0', 15],
        ['198.51.100.0', 24],
        ['203.0.113.0', 24],
        ['224.0.0.0', 4],
        ['240.0.0.0', 4],
      ],
      [
        ['::', 96],
        ['64:ff9b::', 96],
        ['100::', 64],
        ['2001:db8::', 32],
        ['ff00::', 8],
      ],
    ),
  ],
];

/** The class of an IP address; anything that is not an IP address is `reserved`. */
export function classify(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return classes.find(([, ranges]) => ranges.check(address, type))?.[0] ?? 'public';
}

/** `[::1]` (a URL's hostname) as `::1`; anything else unchanged. */
export const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1');
