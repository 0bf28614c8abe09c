import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startService, waitUntil } from './processes';

export interface DockerRegistry {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT, as pull specs name it */
  host: string;
  auth?: { username: string; password: string };
  stop(): Promise<void>;
}

export interface DockerRegistryOptions {
  /** htpasswd (bcrypt) authentication with this one user. */
  auth?: { username: string; password: string };
  /** Push notifications to this URL (CNCF distribution notification endpoint). */
  notify?: { url: string; headers?: Record<string, string[]> };
}

/** The real CNCF distribution registry (Debian `docker-registry`) on a loopback port. */
export async function startDockerRegistry(
  options: DockerRegistryOptions = {},
): Promise<DockerRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'regql-docker-registry-'));
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log: {level: warn}',
    `storage: {filesystem: {rootdirectory: ${join(dir, 'data')}}, delete: {enabled: true}}`,
    `http: {addr: 127.0.0.1:${port}, secret: regql-test-secret}`,
  ];
  if (options.auth) {
    const htpasswd = join(dir, 'htpasswd');
    writeFileSync(
      htpasswd,
      execFileSync('htpasswd', ['-Bbn', options.auth.username, options.auth.password]),
    );
    lines.push(`auth: {htpasswd: {realm: regql-test, path: ${htpasswd}}}`);
  }
  if (options.notify) {
    lines.push(
      `notifications: {endpoints: [{name: regql, url: "${options.notify.url}", headers: ${JSON.stringify(
        options.notify.headers ?? {},
      )}, timeout: 2s, threshold: 5, backoff: 1s}]}`,
    );
  }
  const config = join(dir, 'config.yml');
  writeFileSync(config, lines.join('\n') + '\n');
  const service = startService('docker-registry', ['serve', config]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      async () => [200, 401].includes((await fetch(`${url}/v2/`)).status),
      'docker-registry',
    );
  } catch (err) {
    await service.stop();
    throw new Error(`${(err as Error).message}\n${service.output()}`, { cause: err });
  }
  return {
    url,
    host: `127.0.0.1:${port}`,
    ...(options.auth && { auth: options.auth }),
    stop: async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
