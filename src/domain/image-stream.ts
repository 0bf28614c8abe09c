export type TagSourceKind = 'DOCKER_IMAGE' | 'IMAGE_STREAM_TAG' | 'IMAGE_STREAM_IMAGE';
export type ImportMode = 'LEGACY' | 'PRESERVE_ORIGINAL';
export type ReferencePolicyType = 'SOURCE' | 'LOCAL';

export interface TagSource {
  kind: TagSourceKind;
  /** A normalized pull spec, `ns/stream:tag` or `ns/stream@digest`. */
  name: string;
}

export interface SpecTag {
  name: string;
  from: TagSource | null;
  reference: boolean;
  scheduled: boolean;
  insecure: boolean;
  importMode: ImportMode;
  referencePolicy: ReferencePolicyType;
  generation: number;
}

export interface ImageStream {
  id: string;
  namespace: string;
  name: string;
  generation: number;
  createdAt: string;
}
