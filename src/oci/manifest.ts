import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  isIndexMediaType,
  isSchema1MediaType,
  OCI_INDEX,
  OCI_MANIFEST,
  type ManifestMediaType,
} from './media-types';
import { digestProblem } from './reference';
import { upstreamError } from './upstream-error';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface ImageManifest {
  kind: 'image';
  mediaType: ManifestMediaType;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  kind: 'index';
  mediaType: ManifestMediaType;
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | ImageIndex;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(message: string): never {
  throw upstreamError('UPSTREAM_INVALID', `invalid manifest: ${message}`);
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) invalid(`${where} is not an object`);
  const { mediaType, digest, size, platform, annotations, artifactType } = value;
  if (typeof mediaType !== 'string' || mediaType.length === 0)
    invalid(`${where}.mediaType is missing`);
  if (typeof digest !== 'string' || digestProblem(digest))
    invalid(`${where}.digest is not a digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    invalid(`${where}.size is not a size`);
  const result: Descriptor = { mediaType, digest, size };
  if (
    isObject(platform) &&
    typeof platform.os === 'string' &&
    typeof platform.architecture === 'string'
  ) {
    result.platform = { os: platform.os, architecture: platform.architecture };
    if (typeof platform.variant === 'string') result.platform.variant = platform.variant;
  }
  if (isObject(annotations)) result.annotations = stringMap(annotations);
  if (typeof artifactType === 'string') result.artifactType = artifactType;
  return result;
}

function stringMap(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/**
 * Parses and validates an OCI image manifest or index, or a Docker v2 schema 2 manifest or list.
 * `mediaType` is the Content-Type the registry sent; the document's own field wins when present.
 */
export function parseManifest(bytes: Buffer, contentType?: string): Manifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    invalid(`${bytes.length} bytes is over the ${MAX_MANIFEST_BYTES}-byte limit`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    invalid('not JSON');
  }
  if (!isObject(doc)) invalid('not a JSON object');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const type = declared ?? contentType?.split(';')[0].trim();
  if ((type && isSchema1MediaType(type)) || doc.schemaVersion === 1) {
    throw upstreamError(
      'UPSTREAM_UNSUPPORTED',
      'Docker schema 1 manifests are not supported; push the image again with a current client',
    );
  }
  if (doc.schemaVersion !== 2) invalid('schemaVersion must be 2');
  const common = {
    ...(doc.subject !== undefined && { subject: descriptor(doc.subject, 'subject') }),
    ...(typeof doc.artifactType === 'string' && { artifactType: doc.artifactType }),
    ...(isObject(doc.annotations) && { annotations: stringMap(doc.annotations) }),
  };
  if (Array.isArray(doc.manifests) && (type === undefined || isIndexMediaType(type))) {
    const mediaType = type === DOCKER_MANIFEST_LIST ? DOCKER_MANIFEST_LIST : OCI_INDEX;
    return {
      kind: 'index',
      mediaType,
      manifests: doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`)),
      ...common,
    };
  }
  if (type !== undefined && type !== OCI_MANIFEST && type !== DOCKER_MANIFEST)
    invalid(`unknown media type ${type}`);
  if (!Array.isArray(doc.layers)) invalid('layers is missing');
  return {
    kind: 'image',
    mediaType: type === DOCKER_MANIFEST ? DOCKER_MANIFEST : OCI_MANIFEST,
    config: descriptor(doc.config, 'config'),
    layers: doc.layers.map((l, i) => descriptor(l, `layers[${i}]`)),
    ...common,
  };
}
