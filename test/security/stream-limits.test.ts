import { OCI_MANIFEST } from '../../src/oci/media-types';
import { basicAuth } from '../helpers/basic-auth';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

const names = (count: number, prefix = 't') =>
  Array.from({ length: count }, (_, i) => ({ name: `${prefix}${String(i).padStart(4, '0')}` }));

const createStream =
  'mutation($i: CreateImageStreamInput!) { createImageStream(input: $i) { name } }';

describe('caps on what one stream holds and one query returns', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { REGQL_MAX_ITEMS: '100' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses a stream of more than 1,000 tags, with the limit in the message', async () => {
    const answer = await server.raw(createStream, {
      i: { namespace: 'a', name: 'huge', tags: names(3000) },
    });
    expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.errors![0].message).toMatch(/at most 1000 .*imports\.maxTagsPerStream/);
  });

  it('keeps a full stream at its limit: tagging, importing and pushing a new tag are refused', async () => {
    const full = await server.raw(createStream, {
      i: { namespace: 'a', name: 'full', tags: names(1000) },
    });
    expect(errorCodes(full)).toEqual([]);
    const authorization = basicAuth('admin', ADMIN_TOKEN);
    const image = await pushSyntheticImage(server.url, 'a/full', 't0000', { authorization });

    const tagged = await server.raw(
      'mutation { tagImage(input: { source: "a/full:t0000", destination: "a/full:extra" }) { name } }',
    );
    expect(errorCodes(tagged)).toEqual(['BAD_USER_INPUT']);
    const host = new URL(server.url).host;
    const imported = await server.raw(
      'mutation($i: ImportImageInput!) { importImage(input: $i) { images { tag } } }',
      { i: { namespace: 'a', stream: 'full', from: `${host}/a/full:t0000`, tag: 'extra' } },
    );
    expect(errorCodes(imported)).toEqual(['BAD_USER_INPUT']);
    const pushed = await fetch(`${server.url}/v2/a/full/manifests/extra`, {
      method: 'PUT',
      headers: { authorization, 'content-type': OCI_MANIFEST },
      body: image.manifest,
    });
    expect(pushed.status).toBe(403);
    expect(await pushed.json()).toEqual({
      errors: [
        expect.objectContaining({ code: 'DENIED', message: expect.stringMatching(/at most 1000/) }),
      ],
    });
    const retagged = await fetch(`${server.url}/v2/a/full/manifests/t0001`, {
      method: 'PUT',
      headers: { authorization, 'content-type': OCI_MANIFEST },
      body: image.manifest,
    });
    expect(retagged.status).toBe(201);
  });

  it('counts the tags and history entries a query returns against graphql.maxItems', async () => {
    for (const name of ['one', 'two'])
      await server.raw(createStream, { i: { namespace: 'b', name, tags: names(60) } });
    const single = await server.raw(
      '{ imageStream(namespace: "b", name: "one") { tags { name } } }',
    );
    expect(errorCodes(single)).toEqual([]);
    const both = await server.raw(
      '{ imageStreams(namespace: "b", first: 10) { edges { node { name tags { name } } } } }',
    );
    expect(errorCodes(both)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(both.errors![0].message).toMatch(/more than 100 items/);
    expect(JSON.stringify(both.data ?? null).match(/t00/g)?.length ?? 0).toBeLessThanOrEqual(100);
  });
});
