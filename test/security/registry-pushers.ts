import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { CreateTokenDocument } from '../generated/graphql';
import { RegistryClient, uploadDataFile } from '../integrated-registry/distribution-client';
import type { TestServer } from '../helpers/server';

/** An EDITOR of `namespace` speaking the /v2 API, and a bearer token for raw requests to `repositories`. */
export async function editorOf(
  server: TestServer,
  namespace: string,
  repositories: string[],
): Promise<{ client: RegistryClient; bearer: string; token: string }> {
  const token = (await server.gql(CreateTokenDocument, { input: { namespace, role: 'EDITOR' } }))
    .data!.createToken.token;
  const client = new RegistryClient(() => server.url, token);
  const granted = await client.authorize(repositories.map((r) => `repository:${r}:pull,push`));
  return { client, bearer: `Bearer ${granted.json<{ token: string }>().token}`, token };
}

/** Starts an upload session and returns its location. */
export async function startSession(client: RegistryClient, repository: string): Promise<string> {
  const started = await client.request('POST', `/v2/${repository}/blobs/uploads/`);
  if (started.status !== 202) throw new Error(`upload start: ${started.status}`);
  return String(started.headers.location);
}

export const uploadIds = (dataDir: string): string[] =>
  readdirSync(join(dataDir, 'registry', 'uploads')).filter((n) => !n.endsWith('.tmp'));

export const uploadExists = (dataDir: string, location: string): boolean =>
  existsSync(join(uploadDataFile(dataDir, location), '..'));

export const uploadBytes = (dataDir: string, location: string): number =>
  statSync(uploadDataFile(dataDir, location)).size;

/** Makes an upload look untouched for `days`: its data file's times are set that far back. */
export function backdate(dataDir: string, location: string, days: number): void {
  const then = Date.now() / 1000 - days * 86_400;
  utimesSync(uploadDataFile(dataDir, location), then, then);
}

/** A PATCH whose body goes out in `pieces` with chunked transfer encoding: no Content-Length. */
export function chunkedPatch(
  base: string,
  location: string,
  authorization: string,
  range: string | undefined,
  pieces: Buffer[],
): Promise<{ status: number | undefined; headers: IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method: 'PATCH',
        path: location,
        agent: false,
        headers: { authorization, ...(range && { 'content-range': range }) },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      },
    );
    // The server may answer (a refusal) and close before the whole body went out.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    let answered = false;
    req.on('response', () => (answered = true));
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}
