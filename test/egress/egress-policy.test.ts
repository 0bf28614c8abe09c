import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { classify } from '../../src/egress/address-ranges';
import { parseCidr } from '../../src/egress/cidr';
import { EgressDeniedError } from '../../src/egress/egress-denied';
import { EgressPolicy, type Reach } from '../../src/egress/egress-policy';
import { loadConfig } from '../../src/config';
import type { buildConnector } from 'undici';
import { guardedConnector } from '../../src/oci/client/connect-guard';
import { transportDefaults, Transport } from '../../src/oci/client/transport';

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd00::1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'reserved'],
    ['64:ff9b::7f00:1', 'reserved'],
    ['not an address', 'reserved'],
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(classify(address)).toBe(expected);
  });
});

describe('the egress policy', () => {
  const strict = new EgressPolicy([]);
  const allowed = (policy: EgressPolicy, address: string, reach: Reach) =>
    policy.refusal(address, reach) === null;

  it('lets anything reach public addresses and configured registries reach anything', () => {
    for (const reach of ['public', 'admin', 'any'] as const)
      expect(allowed(strict, '8.8.8.8', reach)).toBe(true);
    for (const address of ['127.0.0.1', '169.254.169.254', '10.0.0.1'])
      expect(allowed(strict, address, 'any')).toBe(true);
  });

  it('keeps the default to public addresses, naming the rule that refused', () => {
    expect(strict.refusal('127.0.0.1', 'public')).toBe(
      'loopback addresses are outside the egress policy (upstream.privateNetworks)',
    );
    expect(strict.refusal('10.0.0.1', 'public')).toMatch(/^private addresses/);
    expect(strict.refusal('0.0.0.0', 'public')).toMatch(/^unspecified/);
  });

  it('lets registries a cluster admin added reach loopback and private, not link-local or metadata', () => {
    expect(allowed(strict, '127.0.0.1', 'admin')).toBe(true);
    expect(allowed(strict, '192.168.1.1', 'admin')).toBe(true);
    expect(strict.refusal('169.254.169.254', 'admin')).toMatch(/^cloud metadata addresses/);
    expect(strict.refusal('fd00:ec2::254', 'admin')).toMatch(/^cloud metadata addresses/);
    expect(strict.refusal('169.254.10.1', 'admin')).toMatch(/^link-local addresses/);
    expect(strict.refusal('0.0.0.0', 'admin')).toMatch(/^unspecified/);
  });

  it('widens with privateNetworks: true for loopback and private only', () => {
    const wide = new EgressPolicy(true);
    expect(allowed(wide, '127.0.0.1', 'public')).toBe(true);
    expect(allowed(wide, 'fd12::1', 'public')).toBe(true);
    expect(allowed(wide, '169.254.169.254', 'public')).toBe(false);
    expect(allowed(wide, 'fe80::1', 'admin')).toBe(false);
    const alias = new EgressPolicy(['169.254.169.254'], { allPrivate: true });
    expect(allowed(alias, '10.0.0.1', 'public')).toBe(true);
    expect(allowed(alias, '169.254.169.254', 'public')).toBe(true);
  });

  it('widens with CIDRs to exactly those addresses, link-local too when listed', () => {
    const listed = new EgressPolicy(['127.0.0.0/8', '::1/128', '169.254.169.254/32']);
    expect(allowed(listed, '127.0.0.5', 'public')).toBe(true);
    expect(allowed(listed, '::1', 'public')).toBe(true);
    expect(allowed(listed, '::ffff:127.0.0.1', 'public')).toBe(true);
    expect(allowed(listed, '169.254.169.254', 'public')).toBe(true);
    expect(allowed(listed, '169.254.169.253', 'public')).toBe(false);
    expect(allowed(listed, '10.0.0.1', 'public')).toBe(false);
  });

  it('checks URLs: literals and localhost names at once, other names when they resolve', () => {
    const refusal = (url: string, reach: Reach = 'public') => {
      try {
        strict.checkUrl(new URL(url), reach);
        return null;
      } catch (err) {
        expect(err).toBeInstanceOf(EgressDeniedError);
        return (err as EgressDeniedError).message;
      }
    };
    expect(refusal('http://127.0.0.1:5000/v2/')).toBe(
      'regql may not connect to 127.0.0.1:5000: loopback addresses are outside the egress policy (upstream.privateNetworks)',
    );
    expect(refusal('https://[::ffff:127.0.0.1]/')).toMatch(/\[::ffff:7f00:1\]:443: loopback/);
    expect(refusal('http://2130706433/')).toMatch(/127\.0\.0\.1:80: loopback/);
    expect(refusal('http://app.localhost./')).toMatch(/loopback/);
    expect(refusal('http://169.254.169.254/', 'admin')).toMatch(/cloud metadata/);
    expect(refusal('https://registry.example.com/')).toBeNull();
  });

  it('refuses a name that resolves to an address outside the policy, at lookup', async () => {
    const guard = strict.guard('public')!;
    const error = await new Promise((resolve) =>
      guard.lookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error).toBeInstanceOf(EgressDeniedError);
    expect((error as Error).message).toMatch(/^regql may not connect to localhost: loopback/);
    expect(strict.guard('any')).toBeUndefined();
  });
});

describe('a transport with the guard', () => {
  let listener: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => listener.close(resolve)));

  it('refuses before connecting, for a literal and for a name, and does not retry', async () => {
    const transport = new Transport({
      ...transportDefaults,
      retryBaseMs: 1,
      guard: new EgressPolicy([]).guard('public'),
    });
    try {
      for (const url of [`http://127.0.0.1:${port}/v2/`, `http://localhost:${port}/v2/`]) {
        const error = await transport.send(new URL(url)).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(EgressDeniedError);
        expect((error as EgressDeniedError).code).toBe('EGRESS_DENIED');
      }
      expect(connections).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it('refuses an address literal in the connector itself, which no lookup would see', async () => {
    const connect = guardedConnector({}, new EgressPolicy([]).guard('public'));
    const target = {
      hostname: '127.0.0.1',
      host: `127.0.0.1:${port}`,
      protocol: 'http:',
      port: String(port),
    } as buildConnector.Options;
    const error = await new Promise((resolve) => connect(target, (...args) => resolve(args[0])));
    expect(error).toBeInstanceOf(EgressDeniedError);
    expect((error as Error).message).toBe(
      `regql may not connect to 127.0.0.1:${port}: loopback addresses are outside the egress policy (upstream.privateNetworks)`,
    );
    expect(connections).toBe(0);
  });
});

describe('upstream.privateNetworks in the configuration', () => {
  const load = (value: string) =>
    loadConfig({ env: { REGQL_UPSTREAM_PRIVATE_NETWORKS: value } }).upstream.privateNetworks;

  it('takes true, false or CIDRs, and names a bad entry', () => {
    expect(loadConfig({ env: {} }).upstream.privateNetworks).toEqual([]);
    expect(load('true')).toBe(true);
    expect(load('false')).toEqual([]);
    expect(load('127.0.0.0/8, ::1/128,169.254.169.254')).toEqual([
      '127.0.0.0/8',
      '::1/128',
      '169.254.169.254',
    ]);
    expect(() => load('127.0.0.0/33')).toThrow(
      /upstream\.privateNetworks \(REGQL_UPSTREAM_PRIVATE_NETWORKS\): "127\.0\.0\.0\/33" is not an address or CIDR/,
    );
    expect(parseCidr('fd00::/8')).toEqual({ network: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('example.com/8')).toBeNull();
  });
});
