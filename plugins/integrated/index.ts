import { parseManifest } from '../../src/oci/manifest';
import { upstreamError } from '../../src/oci/upstream-error';
import type { AdapterPage, IntegratedContent, RegistryPlugin } from '../plugin';

/** Cuts a one-extra-row read into a page and its continuation (the last name). */
function page<T>(rows: T[], first: number, nameOf: (row: T) => string): AdapterPage<T> {
  const items = rows.slice(0, first);
  return { items, next: rows.length > first ? nameOf(items[items.length - 1]) : null };
}

/** regql's own registry, read straight from its store: no HTTP to itself, no credentials. */
export const integratedPlugin: RegistryPlugin = {
  kind: 'INTEGRATED',
  matches: () => false,
  create: (settings, deps) => {
    const integrated: IntegratedContent | undefined = deps.integrated;
    if (!integrated)
      throw new Error('the integrated plugin reads the integrated store: pass deps.integrated');
    const { content, blobs } = integrated;
    const digestOf = async (repository: string, reference: string) => {
      const row = await content.resolve(repository, reference);
      if (!row)
        throw upstreamError(
          'UPSTREAM_NOT_FOUND',
          `manifest ${repository}:${reference} does not exist`,
          404,
        );
      return row;
    };
    return {
      settings,
      ping: async () => ({ ok: true, latencyMs: 0, authScheme: 'Bearer', message: null }),
      verify: async () => {},
      repositories: async ({ first, after, query }) => {
        const rows = await content.repositories(first, after, null);
        const result = page(rows, first, (name) => name);
        return {
          items: result.items
            .filter((name) => !query || name.includes(query))
            .map((name) => ({ name, lastModified: null })),
          next: result.next,
        };
      },
      tags: async (repository, { first, after }) => {
        const result = page(
          await content.taggedDigests(repository, first, after),
          first,
          (row) => row.tag,
        );
        return {
          items: result.items.map((row) => ({
            name: row.tag,
            digest: row.digest,
            lastModified: row.updatedAt,
          })),
          next: result.next,
        };
      },
      getManifest: async (repository, reference) => {
        const row = await digestOf(repository, reference);
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
        const row = await digestOf(repository, reference);
        return { digest: row.digest, mediaType: row.media_type, size: row.size };
      },
      getBlob: async (repository, digest, maxBytes) => {
        const size = await content.blobSize(repository, digest);
        if (size === null)
          throw upstreamError(
            'UPSTREAM_NOT_FOUND',
            `blob ${repository}@${digest} does not exist`,
            404,
          );
        if (size > maxBytes)
          throw upstreamError(
            'UPSTREAM_INVALID',
            `blob ${digest} of ${size} bytes is over the ${maxBytes}-byte limit`,
          );
        return blobs.readAll(digest);
      },
      close: async () => {},
    };
  },
};
