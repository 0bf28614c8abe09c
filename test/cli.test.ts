import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { CLI_TEST_TIMEOUT_MS, runCli } from './helpers/cli';

// Runs the built command: the helper's waits for its output are bounded (OUTPUT_TIMEOUT_MS),
// so the test's own timeout is longer and a stuck process fails with its output.
jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const freshDir = () => mkdtempSync(join(tmpdir(), 'regql-cli-'));

async function viewer(url: string, token: string): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { namespace role } }' }),
  });
  return res.json();
}

describe('the regql command', () => {
  it('serves, writes the first admin token to a 0600 file, and drains on SIGTERM', async () => {
    const dataDir = freshDir();
    const serve = runCli(['serve'], { REGQL_PORT: '0', REGQL_DATA_DIR: dataDir });
    try {
      const listening = JSON.parse(await serve.waitForOutput(/regql listening/)) as { url: string };
      const where = await serve.waitForOutput(/admin token is in/);
      const tokenFile = join(dataDir, 'admin-token');
      expect(JSON.parse(where).tokenFile).toBe(tokenFile);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(serve.stdout()).not.toContain(token);
      expect(await viewer(listening.url, token)).toEqual({
        data: { viewer: { namespace: '*', role: 'ADMIN' } },
      });

      const client = createClient({
        url: listening.url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      const closed = new Promise<number>((resolve) =>
        client.on('closed', (e) => resolve((e as { code: number }).code)),
      );
      const subscribed = new Promise<void>((resolve) => client.on('connected', () => resolve()));
      client.subscribe(
        { query: 'subscription { registryEvents { id } }' },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
      await subscribed;

      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      expect(await closed).toBe(1001);
      expect(serve.stdout()).toMatch(/shutting down/);
      expect(serve.stdout()).toMatch(/"msg":"stopped"/);
      await client.dispose();
    } finally {
      serve.child.kill('SIGKILL');
    }
  });

  it('creates tokens from the command line that the server accepts', async () => {
    const dataDir = freshDir();
    const create = runCli(['token', 'create', '--namespace', 'team-a', '--role', 'editor'], {
      REGQL_DATA_DIR: dataDir,
    });
    expect(await create.exited).toBe(0);
    const token = create.stdout().trim();
    expect(create.stderr()).toMatch(/EDITOR in namespace team-a/);
    const serve = runCli(['serve'], {
      REGQL_PORT: '0',
      REGQL_DATA_DIR: dataDir,
      REGQL_ADMIN_TOKEN: 'a-configured-admin-token-0123',
    });
    try {
      const listening = JSON.parse(await serve.waitForOutput(/regql listening/)) as { url: string };
      expect(await viewer(listening.url, token)).toEqual({
        data: { viewer: { namespace: 'team-a', role: 'EDITOR' } },
      });
      expect(await viewer(listening.url, 'a-configured-admin-token-0123')).toEqual({
        data: { viewer: { namespace: '*', role: 'ADMIN' } },
      });
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  it.each([
    [['serve'], { REGQL_PORT: 'x' }, /invalid configuration: port \(REGQL_PORT\)/],
    [
      ['serve', '--config', '/nonexistent.yaml'],
      {},
      /cannot read configuration file \/nonexistent.yaml/,
    ],
    [
      ['token', 'create', '--namespace', 'Bad', '--role', 'viewer'],
      {},
      /namespace "Bad" is not a valid DNS label/,
    ],
    [
      ['token', 'create', '--namespace', 'a', '--role', 'owner'],
      {},
      /needs --namespace and --role/,
    ],
    [['frobnicate'], {}, /unknown command "frobnicate"/],
  ])('exits 2 with a clear message: %j', async (args, env, message) => {
    const run = runCli(args, { REGQL_DATA_DIR: freshDir(), ...env });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).not.toMatch(/\n\s+at /);
  });
});
