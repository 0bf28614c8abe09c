import { hashToken } from '../../src/auth/token-secret';
import {
  CreateImageStreamDocument,
  CreateTokenDocument,
  DeleteImageStreamDocument,
  ImageStreamDocument,
  ImageStreamsDocument,
  ImportImageDocument,
  RevokeTokenDocument,
  ViewerDocument,
} from '../generated/graphql';
import { storeContents } from '../helpers/postgres';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';

describe('identities and namespace roles', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  async function token(
    namespace: string,
    role: 'VIEWER' | 'EDITOR' | 'ADMIN',
    as = ADMIN_TOKEN,
  ): Promise<string> {
    const res = await server.gql(CreateTokenDocument, { input: { namespace, role } }, as);
    expect(res.errors).toBeUndefined();
    return res.data!.createToken.token;
  }

  beforeAll(async () => {
    server = await startTestServer();
    tokens.viewer = await token('team-a', 'VIEWER');
    tokens.editor = await token('team-a', 'EDITOR');
    tokens.admin = await token('team-a', 'ADMIN');
    tokens.other = await token('team-b', 'ADMIN');
    await server.gql(CreateImageStreamDocument, {
      input: { namespace: 'team-a', name: 'secret-app', tags: [{ name: 'v1' }] },
    });
  });
  afterAll(() => server.close());

  it('answers viewer with the role of the token', async () => {
    const res = await server.gql(ViewerDocument, {}, tokens.editor);
    expect(res.data!.viewer).toMatchObject({
      namespace: 'team-a',
      role: 'EDITOR',
      clusterAdmin: false,
    });
    const admin = await server.gql(ViewerDocument, {});
    expect(admin.data!.viewer).toMatchObject({ namespace: '*', role: 'ADMIN', clusterAdmin: true });
  });

  it('refuses a request without a token with UNAUTHENTICATED', async () => {
    const res = await server.gql(ImageStreamsDocument, { namespace: 'team-a' }, null);
    expect(res.status).toBe(401);
    expect(errorCodes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.data).toBeUndefined();
  });

  it('refuses an unknown or malformed token with 401 UNAUTHENTICATED', async () => {
    for (const bad of ['rgq_not-a-real-token', 'two words']) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bad}` },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets a viewer read but not write', async () => {
    const read = await server.gql(
      ImageStreamDocument,
      { namespace: 'team-a', name: 'secret-app', tag: 'v1' },
      tokens.viewer,
    );
    expect(read.data!.imageStream!.name).toBe('secret-app');
    const write = await server.gql(
      CreateImageStreamDocument,
      { input: { namespace: 'team-a', name: 'nope' } },
      tokens.viewer,
    );
    expect(errorCodes(write)).toEqual(['FORBIDDEN']);
    const del = await server.gql(
      DeleteImageStreamDocument,
      { namespace: 'team-a', name: 'secret-app' },
      tokens.viewer,
    );
    expect(errorCodes(del)).toEqual(['FORBIDDEN']);
    const imp = await server.gql(
      ImportImageDocument,
      { input: { namespace: 'team-a', stream: 'x' } },
      tokens.viewer,
    );
    expect(errorCodes(imp)).toEqual(['FORBIDDEN']);
  });

  it('lets an editor create and delete streams in its namespace only', async () => {
    const created = await server.gql(
      CreateImageStreamDocument,
      { input: { namespace: 'team-a', name: 'mine' } },
      tokens.editor,
    );
    expect(created.errors).toBeUndefined();
    const elsewhere = await server.gql(
      CreateImageStreamDocument,
      { input: { namespace: 'team-b', name: 'mine' } },
      tokens.editor,
    );
    expect(errorCodes(elsewhere)).toEqual(['FORBIDDEN']);
    const deleted = await server.gql(
      DeleteImageStreamDocument,
      { namespace: 'team-a', name: 'mine' },
      tokens.editor,
    );
    expect(deleted.data!.deleteImageStream).toBe(true);
  });

  it('leaks nothing about another namespace, not even whether a stream exists', async () => {
    const existing = await server.gql(
      ImageStreamDocument,
      { namespace: 'team-a', name: 'secret-app', tag: 'v1' },
      tokens.other,
    );
    const missing = await server.gql(
      ImageStreamDocument,
      { namespace: 'team-a', name: 'no-such', tag: 'v1' },
      tokens.other,
    );
    expect(errorCodes(existing)).toEqual(['FORBIDDEN']);
    expect(existing.errors![0].message).toBe(missing.errors![0].message);
    expect(existing.data).toEqual(missing.data);
    const delExisting = await server.gql(
      DeleteImageStreamDocument,
      { namespace: 'team-a', name: 'secret-app' },
      tokens.other,
    );
    const delMissing = await server.gql(
      DeleteImageStreamDocument,
      { namespace: 'team-a', name: 'no-such' },
      tokens.other,
    );
    expect(delExisting.errors![0]).toEqual(delMissing.errors![0]);
    const list = await server.gql(ImageStreamsDocument, { namespace: 'team-a' }, tokens.other);
    expect(errorCodes(list)).toEqual(['FORBIDDEN']);
  });

  it('lets a namespace admin create tokens up to its own role, in its namespace only', async () => {
    const viewer = await token('team-a', 'VIEWER', tokens.admin);
    const who = await server.gql(ViewerDocument, {}, viewer);
    expect(who.data!.viewer).toMatchObject({ namespace: 'team-a', role: 'VIEWER' });
    const otherNs = await server.gql(
      CreateTokenDocument,
      { input: { namespace: 'team-b', role: 'VIEWER' } },
      tokens.admin,
    );
    expect(errorCodes(otherNs)).toEqual(['FORBIDDEN']);
    const everywhere = await server.gql(
      CreateTokenDocument,
      { input: { namespace: '*', role: 'VIEWER' } },
      tokens.admin,
    );
    expect(errorCodes(everywhere)).toEqual(['FORBIDDEN']);
    const byEditor = await server.gql(
      CreateTokenDocument,
      { input: { namespace: 'team-a', role: 'VIEWER' } },
      tokens.editor,
    );
    expect(errorCodes(byEditor)).toEqual(['FORBIDDEN']);
  });

  it('revokes a token at once, and only where the caller is admin', async () => {
    const created = await server.gql(
      CreateTokenDocument,
      { input: { namespace: 'team-a', role: 'EDITOR' } },
      tokens.admin,
    );
    const { id, token: revocable } = created.data!.createToken;
    expect((await server.gql(ViewerDocument, {}, revocable)).data!.viewer.id).toBe(id);
    const notTheirs = await server.gql(RevokeTokenDocument, { id }, tokens.other);
    expect(errorCodes(notTheirs)).toEqual(['NOT_FOUND']);
    const unknown = await server.gql(RevokeTokenDocument, { id: 'tok_unknown' }, tokens.admin);
    expect(notTheirs.errors![0].message.replace(id, 'ID')).toBe(
      unknown.errors![0].message.replace('tok_unknown', 'ID'),
    );
    const revoked = await server.gql(RevokeTokenDocument, { id }, tokens.admin);
    expect(revoked.data!.revokeToken).toBe(true);
    const after = await server.gql(ViewerDocument, {}, revocable);
    expect(after.status).toBe(401);
  });

  it('stores tokens only as hashes', () => {
    const stored = storeContents(server.dataDir);
    expect(stored.includes(hashToken(ADMIN_TOKEN))).toBe(true);
    for (const secret of [ADMIN_TOKEN, ...Object.values(tokens)])
      expect(stored.includes(secret)).toBe(false);
  });

  it('never writes a token to the log', () => {
    expect(server.logs.length).toBeGreaterThan(10);
    const joined = server.logs.join('\n');
    for (const secret of [ADMIN_TOKEN, ...Object.values(tokens)])
      expect(joined.includes(secret)).toBe(false);
  });
});
