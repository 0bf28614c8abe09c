import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_TEST_TIMEOUT_MS, OUTPUT_TIMEOUT_MS, runCli } from '../helpers/cli';
import { registriesConfigFile } from '../helpers/config-file';
import { startDockerRegistry, type DockerRegistry } from '../helpers/docker-registry';
import { upstreamRequests } from '../helpers/metrics';
import { waitUntil } from '../helpers/processes';
import { ADMIN_TOKEN, startTestServer } from '../helpers/server';
import { pushSyntheticImage } from '../helpers/synthetic-images';

// Runs the built command: the helper's waits for its output are bounded (OUTPUT_TIMEOUT_MS),
// so the test's own timeout is longer and a stuck process fails with its output.
jest.setTimeout(CLI_TEST_TIMEOUT_MS);

describe('a crash in the middle of an import', () => {
  let registry: DockerRegistry;
  beforeAll(async () => {
    registry = await startDockerRegistry();
    for (let i = 0; i < 80; i++)
      await pushSyntheticImage(registry.url, 'team/many', `t${String(i).padStart(2, '0')}`);
  }, 60000);
  afterAll(() => registry?.stop());

  it('leaves the stream as it was, and the import can be run again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'regql-crash-'));
    const configFile = registriesConfigFile(
      [{ name: 'upstream', kind: 'DISTRIBUTION', url: registry.url }],
      dataDir,
    );
    const env = {
      REGQL_PORT: '0',
      REGQL_DATA_DIR: dataDir,
      REGQL_ADMIN_TOKEN: ADMIN_TOKEN,
      REGQL_UPSTREAM_MAX_CONNECTIONS: '1',
    };
    const serve = runCli(['serve', '--config', configFile], env);
    const { url } = JSON.parse(await serve.waitForOutput(/regql listening/)) as { url: string };
    const query = `mutation { importImage(input: { namespace: "ns", stream: "many", from: "${registry.host}/team/many", all: true, limit: 80, confirm: true }) { images { status } } }`;
    const pending = fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query }),
    }).catch((err: unknown) => err);
    // Killed once the import is under way (20 upstream requests of its 160 and more).
    await waitUntil(
      async () => (await upstreamRequests(url, 'upstream')) >= 20,
      'the import to be under way',
      OUTPUT_TIMEOUT_MS,
      10,
    );
    serve.child.kill('SIGKILL');
    await serve.exited;
    expect(String(await pending)).toMatch(/fetch failed|terminated|closed/);

    const server = await startTestServer({ configFile, dataDir });
    try {
      const after = await server.raw(
        '{ imageStream(namespace: "ns", name: "many") { tags { name } } }',
      );
      expect(after.data).toEqual({ imageStream: null });
      const again = await server.raw(query);
      expect(
        (again.data as { importImage: { images: { status: string }[] } }).importImage.images.filter(
          (i) => i.status === 'SUCCESS',
        ),
      ).toHaveLength(80);
    } finally {
      await server.close();
    }
  });
});
