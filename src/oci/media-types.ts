export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

export const manifestMediaTypes = [
  OCI_MANIFEST,
  OCI_INDEX,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
] as const;
export type ManifestMediaType = (typeof manifestMediaTypes)[number];

/** All four, always: a narrower Accept makes some registries convert the manifest and change its digest. */
export const manifestAccept = manifestMediaTypes.join(', ');

export const isIndexMediaType = (mediaType: string): boolean =>
  mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;

export const isSchema1MediaType = (mediaType: string): boolean =>
  mediaType === DOCKER_SCHEMA1 || mediaType === DOCKER_SCHEMA1_SIGNED;
