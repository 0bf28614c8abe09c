import {
  CreateImageStreamDocument,
  DeleteImageStreamDocument,
  ImageStreamDocument,
  ImageStreamsDocument,
  type ImageStreamsQuery,
} from '../generated/graphql';
import {
  errorCodes,
  startTestServer,
  type GraphQLResponse,
  type TestServer,
} from '../helpers/server';

describe('image streams', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('creates a stream with spec tags and reads it back with empty status', async () => {
    const created = await server.gql(CreateImageStreamDocument, {
      input: {
        namespace: 'team-a',
        name: 'web',
        tags: [
          {
            name: 'latest',
            from: 'quay.io/acme/web:1.2',
            importPolicy: { scheduled: true, importMode: 'PRESERVE_ORIGINAL' },
          },
          { name: 'stable', from: 'web:latest' },
          { name: 'pinned', from: `web@sha256:${'a'.repeat(64)}` },
          {
            name: 'hub',
            from: 'nginx',
            fromKind: 'DOCKER_IMAGE',
            reference: true,
            referencePolicy: 'LOCAL',
          },
        ],
      },
    });
    expect(created.errors).toBeUndefined();
    const stream = created.data!.createImageStream;
    expect(stream).toMatchObject({ namespace: 'team-a', name: 'web', generation: 1 });
    expect(stream.dockerImageRepository).toBe(
      `${new URL(server.app.services.publicUrl).host}/team-a/web`,
    );
    expect(stream.tags.map((t) => [t.name, t.from])).toEqual([
      ['hub', { kind: 'DOCKER_IMAGE', name: 'docker.io/library/nginx' }],
      ['latest', { kind: 'DOCKER_IMAGE', name: 'quay.io/acme/web:1.2' }],
      ['pinned', { kind: 'IMAGE_STREAM_IMAGE', name: `team-a/web@sha256:${'a'.repeat(64)}` }],
      ['stable', { kind: 'IMAGE_STREAM_TAG', name: 'team-a/web:latest' }],
    ]);
    const latest = stream.tags.find((t) => t.name === 'latest')!;
    expect(latest.importPolicy).toEqual({
      scheduled: true,
      insecure: false,
      importMode: 'PRESERVE_ORIGINAL',
    });
    expect(latest).toMatchObject({
      current: null,
      conditions: [],
      items: { edges: [], pageInfo: { hasNextPage: false } },
    });
    expect(stream.tags.find((t) => t.name === 'hub')).toMatchObject({
      reference: true,
      referencePolicy: 'LOCAL',
      pullSpec: 'docker.io/library/nginx',
    });

    const read = await server.gql(ImageStreamDocument, {
      namespace: 'team-a',
      name: 'web',
      tag: 'stable',
    });
    expect(read.data!.imageStream!.tags.map((t) => t.name)).toEqual([
      'hub',
      'latest',
      'pinned',
      'stable',
    ]);
    expect(read.data!.imageStream!.tag!.from).toEqual({
      kind: 'IMAGE_STREAM_TAG',
      name: 'team-a/web:latest',
    });
  });

  it('pages through streams as a Relay connection', async () => {
    for (const name of ['s1', 's2', 's3', 's4', 's5']) {
      const res = await server.gql(CreateImageStreamDocument, {
        input: { namespace: 'paging', name },
      });
      expect(res.errors).toBeUndefined();
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: GraphQLResponse<ImageStreamsQuery> = await server.gql(ImageStreamsDocument, {
        namespace: 'paging',
        first: 2,
        after,
      });
      const connection = res.data!.imageStreams;
      seen.push(...connection.edges.map((e) => e.node.name));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor!;
    }
    expect(seen).toEqual(['s1', 's2', 's3', 's4', 's5']);
    const bad = await server.gql(ImageStreamsDocument, {
      namespace: 'paging',
      first: 2,
      after: 'not a cursor',
    });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const tooMany = await server.gql(ImageStreamsDocument, { namespace: 'paging', first: 101 });
    expect(errorCodes(tooMany)).toEqual(['BAD_USER_INPUT']);
  });

  it('deletes a stream and says NOT_FOUND for one that is gone', async () => {
    await server.gql(CreateImageStreamDocument, {
      input: { namespace: 'team-a', name: 'doomed', tags: [{ name: 'x' }] },
    });
    const deleted = await server.gql(DeleteImageStreamDocument, {
      namespace: 'team-a',
      name: 'doomed',
    });
    expect(deleted.data!.deleteImageStream).toBe(true);
    const again = await server.gql(DeleteImageStreamDocument, {
      namespace: 'team-a',
      name: 'doomed',
    });
    expect(errorCodes(again)).toEqual(['NOT_FOUND']);
    const read = await server.gql(ImageStreamDocument, {
      namespace: 'team-a',
      name: 'doomed',
      tag: 'x',
    });
    expect(read.data!.imageStream).toBeNull();
  });

  describe('bad input is refused with the rule that failed, and nothing is written', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'upper-case namespace',
        { namespace: 'Team', name: 'x' },
        /namespace "Team" .* must be lower case/,
      ],
      [
        'namespace with a dot',
        { namespace: 'a.b', name: 'x' },
        /may contain only a-z, 0-9 and "-"/,
      ],
      [
        'namespace starting with a dash',
        { namespace: '-a', name: 'x' },
        /must start with a letter or digit/,
      ],
      [
        'name ending with a dash',
        { namespace: 'ok', name: 'x-' },
        /name "x-" .* must end with a letter or digit/,
      ],
      ['name too long', { namespace: 'ok', name: 'x'.repeat(64) }, /at most 63 characters/],
      ['empty name', { namespace: 'ok', name: '' }, /must not be empty/],
      [
        'bad tag name',
        { namespace: 'ok', name: 'x', tags: [{ name: '-bad' }] },
        /tag "-bad" is not valid/,
      ],
      [
        'duplicate tag',
        { namespace: 'ok', name: 'x', tags: [{ name: 'a' }, { name: 'a' }] },
        /given twice/,
      ],
      [
        'bad pull spec',
        { namespace: 'ok', name: 'x', tags: [{ name: 'a', from: 'quay.io/UP/x:1' }] },
        /repository component "UP"/,
      ],
      [
        'bad digest',
        { namespace: 'ok', name: 'x', tags: [{ name: 'a', from: 'web@sha256:abc' }] },
        /64 lower-case hex/,
      ],
      [
        'reference without from',
        { namespace: 'ok', name: 'x', tags: [{ name: 'a', reference: true }] },
        /need a from/,
      ],
    ];
    it.each(cases)('%s', async (_label, input, message) => {
      const res = await server.gql(CreateImageStreamDocument, { input: input as never });
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].message).toMatch(message);
      const list = await server.gql(ImageStreamsDocument, { namespace: 'ok' });
      expect(list.data?.imageStreams.edges ?? []).toEqual([]);
    });

    it('a second stream of the same name', async () => {
      const input = { namespace: 'dupes', name: 'one', tags: [{ name: 'first' }] };
      expect((await server.gql(CreateImageStreamDocument, { input })).errors).toBeUndefined();
      const res = await server.gql(CreateImageStreamDocument, {
        input: { ...input, tags: [{ name: 'second' }] },
      });
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      const read = await server.gql(ImageStreamDocument, {
        namespace: 'dupes',
        name: 'one',
        tag: 'first',
      });
      expect(read.data!.imageStream!.tags.map((t) => t.name)).toEqual(['first']);
    });
  });
});

describe('image streams, counting store statements', () => {
  let server: TestServer;
  // Paused, nothing in the background (the scheduler's tick, the feed's poll) issues statements,
  // so the store's count moves only with the request.
  beforeAll(async () => {
    server = await startTestServer({ backgroundPaused: true });
  });
  afterAll(() => server.close());

  it('reads the same number of store rows whatever the page size (no N+1)', async () => {
    for (let i = 0; i < 30; i++) {
      await server.gql(CreateImageStreamDocument, {
        input: {
          namespace: 'many',
          name: `app-${String(i).padStart(2, '0')}`,
          tags: [{ name: 'a' }, { name: 'b' }],
        },
      });
    }
    const reads = async (first: number) => {
      const before = server.app.store.queryCount();
      const res = await server.gql(ImageStreamsDocument, { namespace: 'many', first });
      expect(res.data!.imageStreams.edges).toHaveLength(first);
      expect(res.data!.imageStreams.edges[0].node.tags).toHaveLength(2);
      return server.app.store.queryCount() - before;
    };
    await server.gql(ImageStreamsDocument, { namespace: 'many', first: 1 }); // warms the token cache
    // The page, spec tags, newest history entries, conditions. No tag here was ever imported, so
    // there is no history page to read (an imported tag's would be one more read for all tags).
    expect(await reads(2)).toBe(4);
    expect(await reads(30)).toBe(4);
  });
});
