import {
  isPublicAddress,
  PrivateAddressError,
  publicOnlyLookup,
} from '../../src/events/triggers/public-address';
import { AddTriggerDocument } from '../generated/graphql';
import { errorCodes, startTestServer } from '../helpers/server';

describe('triggers call public addresses only, unless told otherwise', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['not an address', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it('refuses a name that resolves to loopback when connecting', async () => {
    const error = await new Promise((resolve) =>
      publicOnlyLookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error).toBeInstanceOf(PrivateAddressError);
  });

  it('refuses inside addresses when a trigger is added with the default configuration', async () => {
    const server = await startTestServer();
    try {
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://[::1]/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://localhost/hook',
      ]) {
        const res = await server.gql(AddTriggerDocument, { input: { namespace: 'a', url } });
        expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toMatch(/triggerPrivateNetworks/);
      }
      const outside = await server.gql(AddTriggerDocument, {
        input: { namespace: 'a', url: 'https://ci.example.com/hooks/regql' },
      });
      expect(outside.errors).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
