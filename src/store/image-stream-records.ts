/** Where a spec tag's image comes from (`oc tag` source kinds); stored as these strings. */
export const tagSourceKinds = ['DOCKER_IMAGE', 'IMAGE_STREAM_TAG', 'IMAGE_STREAM_IMAGE'] as const;
export type TagSourceKind = (typeof tagSourceKinds)[number];
export const importModes = ['LEGACY', 'PRESERVE_ORIGINAL'] as const;
export type ImportMode = (typeof importModes)[number];
export const referencePolicyTypes = ['SOURCE', 'LOCAL'] as const;
export type ReferencePolicyType = (typeof referencePolicyTypes)[number];

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
  /** Digest the last import found upstream; a rollback holds until upstream moves past it. */
  lastImportedDigest: string | null;
}

export interface ImageStream {
  id: string;
  namespace: string;
  name: string;
  generation: number;
  createdAt: string;
  /** Platform LEGACY imports take from a manifest list, `os/architecture[/variant]`. */
  platform: string | null;
}

export interface TagEvent {
  seq: number;
  created: string;
  dockerImageReference: string;
  image: string;
  generation: number;
}

export interface TagCondition {
  type: 'ImportSuccess';
  status: 'True' | 'False';
  reason: string | null;
  message: string | null;
  lastTransitionTime: string;
  generation: number;
}

/** The status side of a tag: newest history entry and the import condition. */
export interface TagStatus {
  current: TagEvent | null;
  condition: TagCondition | null;
}
