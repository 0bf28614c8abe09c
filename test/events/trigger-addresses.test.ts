import { AddTriggerDocument } from '../generated/graphql';
import { errorCodes, startTestServer } from '../helpers/server';

describe('triggers call public addresses only, unless the egress policy says otherwise', () => {
  it('refuses inside addresses when a trigger is added with the default configuration', async () => {
    const server = await startTestServer({ loopbackEgress: false });
    try {
      for (const [url, rule] of [
        ['http://127.0.0.1:8080/hook', /127\.0\.0\.1:8080: loopback addresses/],
        ['http://[::1]/hook', /\[::1\]:80: loopback addresses/],
        ['http://169.254.169.254/latest/meta-data', /cloud metadata addresses/],
        ['http://[fe80::1]/hook', /link-local addresses/],
        ['http://localhost/hook', /localhost:80: loopback addresses/],
      ] as const) {
        const res = await server.gql(AddTriggerDocument, { input: { namespace: 'a', url } });
        expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0].message).toMatch(rule);
        expect(res.errors![0].message).toMatch(
          /outside the egress policy \(upstream\.privateNetworks\)/,
        );
      }
      const outside = await server.gql(AddTriggerDocument, {
        input: { namespace: 'a', url: 'https://ci.example.com/hooks/regql' },
      });
      expect(outside.errors).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('keeps events.triggerPrivateNetworks: loopback and private, but not link-local', async () => {
    const server = await startTestServer({
      loopbackEgress: false,
      env: { REGQL_TRIGGER_PRIVATE_NETWORKS: 'true' },
    });
    try {
      const loopback = await server.gql(AddTriggerDocument, {
        input: { namespace: 'a', url: 'http://127.0.0.1:8080/hook' },
      });
      expect(loopback.errors).toBeUndefined();
      const metadata = await server.gql(AddTriggerDocument, {
        input: { namespace: 'a', url: 'http://169.254.169.254/latest/meta-data' },
      });
      expect(errorCodes(metadata)).toEqual(['BAD_USER_INPUT']);
      expect(metadata.errors![0].message).toMatch(/cloud metadata addresses/);
    } finally {
      await server.close();
    }
  });
});
