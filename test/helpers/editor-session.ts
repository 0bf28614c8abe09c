import { CreateTokenDocument } from '../generated/graphql';
import { skopeo } from './images';
import { startTestServer, type TestServer } from './server';

/** A test server, an EDITOR token of `namespace`, and skopeo on its /v2 with that token. */
export interface EditorSession {
  server: TestServer;
  host: string;
  editor: { username: string; password: string };
  /** skopeo `args` on `docker://<host>/<reference>` with the editor's credentials. */
  skopeoAt(args: string[], reference: string): Promise<string>;
  tagsOf(repository: string): Promise<string[]>;
  digestOf(reference: string): Promise<string>;
}

export async function startEditorSession(namespace = 'team-a'): Promise<EditorSession> {
  const server = await startTestServer();
  const host = new URL(server.url).host;
  const created = await server.gql(CreateTokenDocument, { input: { namespace, role: 'EDITOR' } });
  const editor = { username: 'ci', password: created.data!.createToken.token };
  const skopeoAt = (args: string[], reference: string) =>
    skopeo([
      ...args,
      '--tls-verify=false',
      `--creds=${editor.username}:${editor.password}`,
      `docker://${host}/${reference}`,
    ]);
  return {
    server,
    host,
    editor,
    skopeoAt,
    tagsOf: async (repository) =>
      (JSON.parse(await skopeoAt(['list-tags'], repository)) as { Tags: string[] }).Tags,
    digestOf: async (reference) =>
      (JSON.parse(await skopeoAt(['inspect'], reference)) as { Digest: string }).Digest,
  };
}
