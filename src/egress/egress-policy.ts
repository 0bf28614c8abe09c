import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { defaultPort, type ConnectGuard } from '../oci/client/connect-guard';
import { bareHost, classify, type AddressClass } from './address-ranges';
import { parseCidr } from './cidr';
import { EgressDeniedError } from './egress-denied';

/**
 * How far a destination may reach. `public`: public addresses, plus `upstream.privateNetworks`
 * (pull specs no registry claims, vendor presets, triggers). `admin`: also loopback and private
 * addresses (registries a cluster admin added). `any`: no check (registries of the configuration
 * file, which the operator vouches for).
 */
export type Reach = 'public' | 'admin' | 'any';

/** `true`: every loopback and private address; a list: these CIDRs, whatever their class. */
export type PrivateNetworks = true | readonly string[];

const described: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'loopback addresses',
  private: 'private addresses',
  'link-local': 'link-local addresses',
  metadata: 'cloud metadata addresses',
  unspecified: 'unspecified (this-host) addresses',
  reserved: 'reserved addresses',
};

/** Reached with `privateNetworks: true` or by admin-added registries; the others need a CIDR entry. */
const widenable = new Set<AddressClass>(['loopback', 'private']);

const isLocalhostName = (hostname: string) => /(^|\.)localhost\.?$/i.test(hostname);

/** The one rule for which addresses regql may connect to. */
export class EgressPolicy {
  private readonly listed = new BlockList();
  private readonly allPrivate: boolean;

  /** `allPrivate` widens as `true` does, keeping the list's other entries (triggers' old switch). */
  constructor(privateNetworks: PrivateNetworks, options: { allPrivate?: boolean } = {}) {
    this.allPrivate = privateNetworks === true || options.allPrivate === true;
    if (privateNetworks === true) return;
    for (const entry of privateNetworks) {
      const cidr = parseCidr(entry);
      if (!cidr) throw new Error(`"${entry}" is not an address or CIDR`);
      this.listed.addSubnet(cidr.network, cidr.prefix, cidr.family);
    }
  }

  /** Why `address` is outside the policy for `reach`, or null when it is inside. */
  refusal(address: string, reach: Reach): string | null {
    if (reach === 'any') return null;
    const kind = classify(address);
    if (kind === 'public') return null;
    if (isIP(address) !== 0 && this.listed.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6'))
      return null;
    if (widenable.has(kind) && (this.allPrivate || reach === 'admin')) return null;
    return `${described[kind]} are outside the egress policy (upstream.privateNetworks)`;
  }

  /**
   * The check of a URL before anything is sent: an address literal is decided here, `localhost`
   * names count as loopback; other names are decided when they resolve (`guard`).
   */
  checkUrl(url: URL, reach: Reach): void {
    const host = bareHost(url.hostname);
    const address = isIP(host) !== 0 ? host : isLocalhostName(host) ? '127.0.0.1' : null;
    if (address === null) return;
    const reason = this.refusal(address, reach);
    if (reason)
      throw new EgressDeniedError(
        `${url.hostname}:${url.port || defaultPort(url.protocol)}`,
        reason,
      );
  }

  /** What a transport checks at connect time; none for `any`. */
  guard(reach: Reach): ConnectGuard | undefined {
    if (reach === 'any') return undefined;
    return {
      checkHost: (hostname, port) => {
        const host = bareHost(hostname);
        if (isIP(host) === 0) return;
        const reason = this.refusal(host, reach);
        const shown = host.includes(':') ? `[${host}]` : host;
        if (reason) throw new EgressDeniedError(`${shown}:${port}`, reason);
      },
      lookup: this.lookup(reach),
    };
  }

  /** `dns.lookup` that fails when any address of the name is outside the policy. */
  private lookup(reach: Reach): LookupFunction {
    return (hostname, options, callback) => {
      lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, []);
        for (const { address } of addresses) {
          const reason = this.refusal(address, reach);
          // The address itself stays out of the message: callers must not learn inside names.
          if (reason) return callback(new EgressDeniedError(hostname, reason), []);
        }
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      });
    };
  }
}
