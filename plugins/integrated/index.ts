import { parseManifest } from '../../src/oci/manifest';
import { upstreamError } from '../../src/oci/upstream-error';
import { registryPlugin } from '../plugin';

/** The kind of regql's own registry, which no configuration names. */
export const INTEGRATED_KIND = 'INTEGRATED' as const;

/** regql's own registry, read straight from its store: no HTTP to itself, no credentials. */
export const integratedPlugin = registryPlugin({
  kind: INTEGRATED_KIND,
  registry: {
    hosts: [],
    credentialKinds: [],
    capabilities: [],
    builtIn: true,
    create: (settings, { integrated }) => {
      if (!integrated)
        throw new Error('the integrated plugin reads the integrated store: pass deps.integrated');
      const { content, blobs } = integrated;
      const manifestOf = async (repository: string, reference: string) => {
        const row = await content.resolve(repository, reference);
        if (!row)
          throw upstreamError(
            'UPSTREAM_NOT_FOUND',
            `manifest ${repository}:${reference} does not exist`,
            404,
          );
        return row;
      };
      const blobSizeOf = async (repository: string, digest: string) => {
        const size = await content.blobSize(repository, digest);
        if (size === null)
          throw upstreamError(
            'UPSTREAM_NOT_FOUND',
            `blob ${repository}@${digest} does not exist`,
            404,
          );
        return size;
      };
      return {
        settings,
        ping: async () => ({ ok: true, latencyMs: 0, authScheme: 'Bearer', message: null }),
        verify: async () => {},
        repositories: async ({ first, after, query, namespaces }) => {
          const { items, next } = await content.repositories(first, after, namespaces ?? null);
          return {
            items: items
              .filter((name) => !query || name.includes(query))
              .map((name) => ({ name, lastModified: null })),
            next,
          };
        },
        tags: async (repository, { first, after }) => {
          const { items, next } = await content.tags(repository, first, after);
          return {
            items: items.map((row) => ({
              name: row.tag,
              digest: row.digest,
              lastModified: row.updatedAt,
            })),
            next,
          };
        },
        getManifest: async (repository, reference) => {
          const row = await manifestOf(repository, reference);
          const bytes = await blobs.readAll(row.digest);
          return {
            digest: row.digest,
            mediaType: row.media_type,
            size: bytes.length,
            bytes,
            manifest: parseManifest(bytes, row.media_type),
          };
        },
        headManifest: async (repository, reference) => {
          const row = await manifestOf(repository, reference);
          return { digest: row.digest, mediaType: row.media_type, size: row.size };
        },
        getBlob: async (repository, digest, maxBytes) => {
          const size = await blobSizeOf(repository, digest);
          if (size > maxBytes)
            throw upstreamError(
              'UPSTREAM_INVALID',
              `blob ${digest} of ${size} bytes is over the ${maxBytes}-byte limit`,
            );
          return blobs.readAll(digest);
        },
        openBlob: async (repository, digest) => ({
          size: await blobSizeOf(repository, digest),
          body: blobs.open(digest),
        }),
        referrers: async (repository, digest) =>
          (await content.referrers(repository, digest)).map((row) => ({
            mediaType: row.media_type,
            digest: row.digest,
            size: row.size,
            ...(row.artifact_type && { artifactType: row.artifact_type }),
          })),
        close: async () => {},
      };
    },
  },
});
