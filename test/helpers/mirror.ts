import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server } from 'node:net';
import { MirrorJobsDocument, type MirrorJobsQuery } from '../generated/graphql';
import { sha256Digest } from '../../src/oci/digest';
import { waitUntil } from './processes';
import { pushBlob } from './synthetic-images';
import type { TestServer } from './server';

export type JobNode = MirrorJobsQuery['mirrorJobs']['edges'][number]['node'];

/** The job `id` of `namespace` once it has ended (or `until` holds), polled through mirrorJobs. */
export async function waitForJob(
  server: TestServer,
  namespace: string,
  id: string,
  until: (job: JobNode) => boolean = (job) => job.state === 'SUCCEEDED' || job.state === 'FAILED',
  timeoutMs = 60_000,
): Promise<JobNode> {
  let found: JobNode | undefined;
  await waitUntil(
    async () => {
      const res = await server.gql(MirrorJobsDocument, { namespace, first: 100 });
      found = res.data?.mirrorJobs.edges.map((e) => e.node).find((job) => job.id === id);
      return found !== undefined && until(found);
    },
    `mirror job ${id}`,
    timeoutMs,
    100,
  );
  return found!;
}

export async function putManifest(
  baseUrl: string,
  repository: string,
  reference: string,
  mediaType: string,
  manifest: unknown,
  headers: Record<string, string> = {},
): Promise<{ digest: string; size: number }> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const res = await fetch(`${baseUrl}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': mediaType },
    body: bytes,
  });
  if (res.status !== 201) throw new Error(`manifest put: ${res.status} ${await res.text()}`);
  return { digest: sha256Digest(bytes), size: bytes.length };
}

/**
 * A one-layer image of `layerBytes` random bytes, pushed by tag; returns its manifest digest and
 * the layer's.
 */
export async function pushRandomImage(
  baseUrl: string,
  repository: string,
  tag: string,
  layerBytes: number,
): Promise<{ digest: string; layer: string }> {
  const layer = await pushBlob(baseUrl, repository, randomBytes(layerBytes));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: {} }));
  const configDigest = await pushBlob(baseUrl, repository, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: configDigest,
      size: config.length,
    },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: layerBytes },
    ],
  };
  const { digest } = await putManifest(baseUrl, repository, tag, manifest.mediaType, manifest);
  return { digest, layer };
}

/**
 * A TCP proxy to `target` that hands the client at most `bytesPerSecond`: a slow upstream for
 * jobs that must still be running when a test acts.
 */
export async function startThrottlingProxy(
  target: { host: string; port: number },
  bytesPerSecond: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      upstream.pause();
      client.write(chunk);
      setTimeout(() => upstream.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
    upstream.on('end', () => client.end());
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
