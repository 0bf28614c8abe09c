import { parseTagFilter } from '../../src/domain/tag-selection';
import { OCI_MANIFEST } from '../../src/oci/media-types';
import { basicAuth } from '../helpers/basic-auth';
import { ADMIN_TOKEN, errorCodes, startTestServer, type TestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

/** 128-character tags that make a backtracking engine try every way to split the run of `a`s. */
const hostileTags = Array.from(
  { length: 40 },
  (_, i) => `${'a'.repeat(125)}-${String(i).padStart(2, '0')}`,
);

describe('tag filters cannot backtrack', () => {
  let server: TestServer;
  let host: string;

  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.url).host;
    const authorization = basicAuth('admin', ADMIN_TOKEN);
    const image = await pushSyntheticImage(server.url, 'a/many', 'seed', { authorization });
    for (const tag of hostileTags) {
      const put = await fetch(`${server.url}/v2/a/many/manifests/${tag}`, {
        method: 'PUT',
        headers: { authorization, 'content-type': OCI_MANIFEST },
        body: image.manifest,
      });
      expect(put.status).toBe(201);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses what only a backtracking engine can run: backreferences and lookarounds', () => {
    for (const filter of ['(a)\\1', 'a(?=b)', '(?<!x)a'])
      expect(() => parseTagFilter(filter)).toThrow(/without backreferences or lookarounds/);
  });

  it('answers a dry-run import with a nested-quantifier filter over 128-character tags, and /healthz meanwhile', async () => {
    const importing = server.raw(
      'mutation($i: ImportImageInput!) { importImage(input: $i) { additionalTags images { tag } } }',
      {
        i: {
          namespace: 'a',
          stream: 'filtered',
          from: `${host}/a/many`,
          all: true,
          limit: 100,
          tagFilter: '(a+)+-0.',
          dryRun: true,
          confirm: true,
        },
      },
    );
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const answer = await importing;
    expect(errorCodes(answer)).toEqual([]);
    const images = (answer.data as { importImage: { images: { tag: string }[] } }).importImage
      .images;
    expect(images.map((i) => i.tag).sort()).toEqual(hostileTags.slice(0, 10));
  });
});
