/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
  /** The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
  /** The `SafeInt` scalar type represents non-fractional signed whole numeric values that are considered safe as defined by the ECMAScript specification. */
  SafeInt: { input: number; output: number; }
};

export type AddCredentialInput = {
  kind?: CredentialKind;
  namespace: Scalars['String']['input'];
  /** Password or token; write-only */
  password: Scalars['String']['input'];
  /** host[/path] the credential applies to */
  registryHost: Scalars['String']['input'];
  username?: InputMaybe<Scalars['String']['input']>;
};

export type AddRegistryInput = {
  /** Accept plain HTTP and unverified TLS */
  insecure?: Scalars['Boolean']['input'];
  kind: RegistryKind;
  /** A DNS label, unique among registries */
  name: Scalars['String']['input'];
  /** Base URL, e.g. https://ghcr.io */
  url: Scalars['String']['input'];
};

export type AddTriggerInput = {
  namespace: Scalars['String']['input'];
  stream?: InputMaybe<Scalars['String']['input']>;
  tag?: InputMaybe<Scalars['String']['input']>;
  types?: InputMaybe<Array<EventType>>;
  url: Scalars['String']['input'];
};

export type CreateImageStreamInput = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  tags?: Array<TagSpecInput>;
};

export type CreateTokenInput = {
  description?: Scalars['String']['input'];
  /** A namespace, or "*" for every namespace (cluster admins only) */
  namespace: Scalars['String']['input'];
  role: Role;
};

export type CreateWebhookReceiverInput = {
  kind: WebhookKind;
  namespace: Scalars['String']['input'];
};

/** A new token; the token itself is shown only here, once */
export type CreatedToken = {
  __typename?: 'CreatedToken';
  id: Scalars['ID']['output'];
  token: Scalars['String']['output'];
};

/** A stored registry credential; the secret is never returned */
export type Credential = {
  __typename?: 'Credential';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: CredentialKind;
  namespace: Scalars['String']['output'];
  registryHost: Scalars['String']['output'];
  username?: Maybe<Scalars['String']['output']>;
};

export type CredentialKind =
  | 'BASIC'
  | 'DOCKER_HUB_TOKEN'
  | 'QUAY_ROBOT'
  | 'REDHAT_SERVICE_ACCOUNT'
  | 'TOKEN';

export type CredentialVerification = {
  __typename?: 'CredentialVerification';
  message?: Maybe<Scalars['String']['output']>;
  ok: Scalars['Boolean']['output'];
};

export type EventFilter = {
  /** Replay events after this id first */
  after?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  stream?: InputMaybe<Scalars['String']['input']>;
  tag?: InputMaybe<Scalars['String']['input']>;
  types?: InputMaybe<Array<EventType>>;
};

export type EventType =
  | 'EXTERNAL_PUSH'
  | 'IMAGE_IMPORTED'
  | 'IMAGE_PUSHED'
  | 'IMPORT_FAILED'
  | 'TAG_UPDATED';

/** Who is calling: a token with one role in one namespace ("*" for all) */
export type Identity = {
  __typename?: 'Identity';
  clusterAdmin: Scalars['Boolean']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  namespace: Scalars['String']['output'];
  role: Role;
};

/** An image manifest or index, named by its digest */
export type Image = {
  __typename?: 'Image';
  architecture?: Maybe<Scalars['String']['output']>;
  created?: Maybe<Scalars['DateTime']['output']>;
  digest: Scalars['String']['output'];
  labels: Scalars['JSONObject']['output'];
  layers: Array<Layer>;
  /** Set for an index: one entry per platform */
  manifests?: Maybe<Array<PlatformManifest>>;
  mediaType: Scalars['String']['output'];
  os?: Maybe<Scalars['String']['output']>;
  /** Bytes of the manifest, its config and its layers */
  size: Scalars['SafeInt']['output'];
  variant?: Maybe<Scalars['String']['output']>;
  vulnerabilities?: Maybe<VulnerabilityReport>;
};

/** Tags that track images, with history, like an OpenShift image stream */
export type ImageStream = {
  __typename?: 'ImageStream';
  createdAt: Scalars['DateTime']['output'];
  /** Where to pull it from the integrated registry */
  dockerImageRepository: Scalars['String']['output'];
  generation: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  tag?: Maybe<ImageStreamTag>;
  tags: Array<ImageStreamTag>;
};


/** Tags that track images, with history, like an OpenShift image stream */
export type ImageStreamTagArgs = {
  name: Scalars['String']['input'];
};

export type ImageStreamConnection = {
  __typename?: 'ImageStreamConnection';
  edges: Array<ImageStreamEdge>;
  pageInfo: PageInfo;
};

export type ImageStreamEdge = {
  __typename?: 'ImageStreamEdge';
  cursor: Scalars['String']['output'];
  node: ImageStream;
};

/** A tag of an image stream: what was asked for (spec) and what is (history) */
export type ImageStreamTag = {
  __typename?: 'ImageStreamTag';
  conditions: Array<TagCondition>;
  /** The newest history entry */
  current?: Maybe<TagEvent>;
  from?: Maybe<TagSource>;
  generation: Scalars['Int']['output'];
  image?: Maybe<Image>;
  importPolicy: TagImportPolicy;
  /** History, newest first */
  items: TagEventConnection;
  name: Scalars['String']['output'];
  /** Where clients pull the current image from */
  pullSpec?: Maybe<Scalars['String']['output']>;
  /** Point at the source without importing it */
  reference: Scalars['Boolean']['output'];
  referencePolicy: ReferencePolicyType;
};


/** A tag of an image stream: what was asked for (spec) and what is (history) */
export type ImageStreamTagItemsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ImportImageInput = {
  all?: Scalars['Boolean']['input'];
  confirm?: Scalars['Boolean']['input'];
  dryRun?: Scalars['Boolean']['input'];
  /** Pull spec to import from */
  from?: InputMaybe<Scalars['String']['input']>;
  importMode?: InputMaybe<ImportMode>;
  insecure?: InputMaybe<Scalars['Boolean']['input']>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  namespace: Scalars['String']['input'];
  referencePolicy?: InputMaybe<ReferencePolicyType>;
  scheduled?: InputMaybe<Scalars['Boolean']['input']>;
  stream: Scalars['String']['input'];
  tag?: InputMaybe<Scalars['String']['input']>;
  /** A regular expression or a semver range */
  tagFilter?: InputMaybe<Scalars['String']['input']>;
};

export type ImportMode =
  | 'LEGACY'
  | 'PRESERVE_ORIGINAL';

export type ImportResult = {
  __typename?: 'ImportResult';
  /** Tags found upstream but not imported (limit or filter) */
  additionalTags: Array<Scalars['String']['output']>;
  dryRun: Scalars['Boolean']['output'];
  images: Array<ImportTagResult>;
  stream?: Maybe<ImageStream>;
};

export type ImportStatus =
  | 'FAILED'
  | 'SUCCESS'
  | 'UNCHANGED';

export type ImportTagResult = {
  __typename?: 'ImportTagResult';
  image?: Maybe<Image>;
  message?: Maybe<Scalars['String']['output']>;
  reason?: Maybe<Scalars['String']['output']>;
  status: ImportStatus;
  tag: Scalars['String']['output'];
};

/** A layer of an image manifest */
export type Layer = {
  __typename?: 'Layer';
  digest: Scalars['String']['output'];
  mediaType: Scalars['String']['output'];
  size: Scalars['SafeInt']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  addCredential: Credential;
  addRegistry: Registry;
  addTrigger: Trigger;
  createImageStream: ImageStream;
  /** A new token with one role in one namespace; shown once */
  createToken: CreatedToken;
  createWebhookReceiver: WebhookReceiver;
  deleteCredential: Scalars['Boolean']['output'];
  deleteImageStream: Scalars['Boolean']['output'];
  importDockerConfig: Array<Credential>;
  /** Like oc import-image */
  importImage: ImportResult;
  removeRegistry: Scalars['Boolean']['output'];
  removeTrigger: Scalars['Boolean']['output'];
  revokeToken: Scalars['Boolean']['output'];
  rollbackTag: ImageStreamTag;
  /** Like oc tag: snapshot, alias, digest pin or delete */
  tagImage?: Maybe<ImageStreamTag>;
  verifyCredential: CredentialVerification;
};


export type MutationAddCredentialArgs = {
  input: AddCredentialInput;
};


export type MutationAddRegistryArgs = {
  input: AddRegistryInput;
};


export type MutationAddTriggerArgs = {
  input: AddTriggerInput;
};


export type MutationCreateImageStreamArgs = {
  input: CreateImageStreamInput;
};


export type MutationCreateTokenArgs = {
  input: CreateTokenInput;
};


export type MutationCreateWebhookReceiverArgs = {
  input: CreateWebhookReceiverInput;
};


export type MutationDeleteCredentialArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteImageStreamArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type MutationImportDockerConfigArgs = {
  config: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type MutationImportImageArgs = {
  input: ImportImageInput;
};


export type MutationRemoveRegistryArgs = {
  name: Scalars['String']['input'];
};


export type MutationRemoveTriggerArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRevokeTokenArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRollbackTagArgs = {
  input: RollbackTagInput;
};


export type MutationTagImageArgs = {
  input: TagImageInput;
};


export type MutationVerifyCredentialArgs = {
  id: Scalars['ID']['input'];
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** One platform of an image index or manifest list */
export type PlatformManifest = {
  __typename?: 'PlatformManifest';
  architecture?: Maybe<Scalars['String']['output']>;
  digest: Scalars['String']['output'];
  mediaType: Scalars['String']['output'];
  os?: Maybe<Scalars['String']['output']>;
  size: Scalars['SafeInt']['output'];
  variant?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  credentials: Array<Credential>;
  events: RegistryEventConnection;
  /** Any pull spec, resolved through its registry */
  image?: Maybe<Image>;
  imageStream?: Maybe<ImageStream>;
  imageStreams: ImageStreamConnection;
  registries: Array<Registry>;
  registry?: Maybe<Registry>;
  /** Outbound triggers with their delivery log */
  triggers: Array<Trigger>;
  viewer: Identity;
};


export type QueryCredentialsArgs = {
  namespace: Scalars['String']['input'];
};


export type QueryEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
};


export type QueryImageArgs = {
  pullSpec: Scalars['String']['input'];
};


export type QueryImageStreamArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
};


export type QueryImageStreamsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  namespace: Scalars['String']['input'];
};


export type QueryRegistryArgs = {
  name: Scalars['String']['input'];
};


export type QueryTriggersArgs = {
  namespace: Scalars['String']['input'];
};

export type RateLimit = {
  __typename?: 'RateLimit';
  limit: Scalars['Int']['output'];
  observedAt: Scalars['DateTime']['output'];
  remaining: Scalars['Int']['output'];
  source?: Maybe<Scalars['String']['output']>;
  windowSeconds: Scalars['Int']['output'];
};

export type ReferencePolicyType =
  | 'LOCAL'
  | 'SOURCE';

/** A registry regql federates */
export type Registry = {
  __typename?: 'Registry';
  /** Configured in the configuration file rather than added through the API */
  configured: Scalars['Boolean']['output'];
  health: RegistryHealth;
  /** Host names pull specs use for this registry */
  hosts: Array<Scalars['String']['output']>;
  insecure: Scalars['Boolean']['output'];
  kind: RegistryKind;
  name: Scalars['String']['output'];
  rateLimit?: Maybe<RateLimit>;
  repositories: RepositoryConnection;
  repository?: Maybe<Repository>;
  url: Scalars['String']['output'];
};


/** A registry regql federates */
export type RegistryRepositoriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  query?: InputMaybe<Scalars['String']['input']>;
};


/** A registry regql federates */
export type RegistryRepositoryArgs = {
  name: Scalars['String']['input'];
};

export type RegistryEvent = {
  __typename?: 'RegistryEvent';
  digest?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  message?: Maybe<Scalars['String']['output']>;
  namespace?: Maybe<Scalars['String']['output']>;
  occurredAt: Scalars['DateTime']['output'];
  previousDigest?: Maybe<Scalars['String']['output']>;
  registry?: Maybe<Scalars['String']['output']>;
  repository?: Maybe<Scalars['String']['output']>;
  stream?: Maybe<Scalars['String']['output']>;
  tag?: Maybe<Scalars['String']['output']>;
  type: EventType;
};

export type RegistryEventConnection = {
  __typename?: 'RegistryEventConnection';
  edges: Array<RegistryEventEdge>;
  pageInfo: PageInfo;
};

export type RegistryEventEdge = {
  __typename?: 'RegistryEventEdge';
  cursor: Scalars['String']['output'];
  node: RegistryEvent;
};

export type RegistryHealth = {
  __typename?: 'RegistryHealth';
  /** Bearer, Basic or none */
  authScheme?: Maybe<Scalars['String']['output']>;
  latencyMs?: Maybe<Scalars['Int']['output']>;
  message?: Maybe<Scalars['String']['output']>;
  ok: Scalars['Boolean']['output'];
};

export type RegistryKind =
  | 'DISTRIBUTION'
  | 'DOCKER_HUB'
  | 'INTEGRATED'
  | 'QUAY'
  | 'REDHAT';

/** A tag as the registry reports it */
export type RemoteTag = {
  __typename?: 'RemoteTag';
  digest?: Maybe<Scalars['String']['output']>;
  image?: Maybe<Image>;
  name: Scalars['String']['output'];
};

export type RemoteTagConnection = {
  __typename?: 'RemoteTagConnection';
  edges: Array<RemoteTagEdge>;
  pageInfo: PageInfo;
};

export type RemoteTagEdge = {
  __typename?: 'RemoteTagEdge';
  cursor: Scalars['String']['output'];
  node: RemoteTag;
};

/** A repository of a registry */
export type Repository = {
  __typename?: 'Repository';
  name: Scalars['String']['output'];
  /** Name of the registry */
  registry: Scalars['String']['output'];
  tag?: Maybe<RemoteTag>;
  tags: RemoteTagConnection;
};


/** A repository of a registry */
export type RepositoryTagArgs = {
  name: Scalars['String']['input'];
};


/** A repository of a registry */
export type RepositoryTagsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type RepositoryConnection = {
  __typename?: 'RepositoryConnection';
  edges: Array<RepositoryEdge>;
  pageInfo: PageInfo;
};

export type RepositoryEdge = {
  __typename?: 'RepositoryEdge';
  cursor: Scalars['String']['output'];
  node: Repository;
};

/** viewer reads and pulls; editor also imports, tags, pushes; admin also manages credentials and tokens */
export type Role =
  | 'ADMIN'
  | 'EDITOR'
  | 'VIEWER';

export type RollbackTagInput = {
  digest?: InputMaybe<Scalars['String']['input']>;
  namespace: Scalars['String']['input'];
  /** Index in the history, 0 being current */
  position?: InputMaybe<Scalars['Int']['input']>;
  stream: Scalars['String']['input'];
  tag: Scalars['String']['input'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /** Push and import events as they happen */
  registryEvents: RegistryEvent;
};


export type SubscriptionRegistryEventsArgs = {
  filter?: InputMaybe<EventFilter>;
};

export type TagCondition = {
  __typename?: 'TagCondition';
  generation: Scalars['Int']['output'];
  lastTransitionTime: Scalars['DateTime']['output'];
  message?: Maybe<Scalars['String']['output']>;
  reason?: Maybe<Scalars['String']['output']>;
  /** True, False or Unknown */
  status: Scalars['String']['output'];
  /** Always ImportSuccess */
  type: Scalars['String']['output'];
};

/** An entry of a tag history; the newest is the current image */
export type TagEvent = {
  __typename?: 'TagEvent';
  created: Scalars['DateTime']['output'];
  dockerImageReference: Scalars['String']['output'];
  generation: Scalars['Int']['output'];
  /** Digest of the image */
  image: Scalars['String']['output'];
};

export type TagEventConnection = {
  __typename?: 'TagEventConnection';
  edges: Array<TagEventEdge>;
  pageInfo: PageInfo;
};

export type TagEventEdge = {
  __typename?: 'TagEventEdge';
  cursor: Scalars['String']['output'];
  node: TagEvent;
};

export type TagImageInput = {
  alias?: Scalars['Boolean']['input'];
  delete?: Scalars['Boolean']['input'];
  /** ns/stream:tag */
  destination: Scalars['String']['input'];
  /** ns/stream:tag, ns/stream@sha256:.., or a pull spec */
  source?: InputMaybe<Scalars['String']['input']>;
};

export type TagImportPolicy = {
  __typename?: 'TagImportPolicy';
  importMode: ImportMode;
  insecure: Scalars['Boolean']['output'];
  scheduled: Scalars['Boolean']['output'];
};

export type TagImportPolicyInput = {
  importMode?: ImportMode;
  insecure?: Scalars['Boolean']['input'];
  scheduled?: Scalars['Boolean']['input'];
};

export type TagSource = {
  __typename?: 'TagSource';
  kind: TagSourceKind;
  /** A pull spec, ns/stream:tag or ns/stream@digest */
  name: Scalars['String']['output'];
};

export type TagSourceKind =
  | 'DOCKER_IMAGE'
  | 'IMAGE_STREAM_IMAGE'
  | 'IMAGE_STREAM_TAG';

export type TagSpecInput = {
  /** A pull spec with a registry host, [ns/]stream:tag, or [ns/]stream@digest */
  from?: InputMaybe<Scalars['String']['input']>;
  /** How to read from; inferred when absent */
  fromKind?: InputMaybe<TagSourceKind>;
  importPolicy?: InputMaybe<TagImportPolicyInput>;
  name: Scalars['String']['input'];
  reference?: Scalars['Boolean']['input'];
  referencePolicy?: ReferencePolicyType;
};

/** An outbound webhook that regql calls on matching events */
export type Trigger = {
  __typename?: 'Trigger';
  deliveries: Array<TriggerDelivery>;
  id: Scalars['ID']['output'];
  namespace: Scalars['String']['output'];
  stream?: Maybe<Scalars['String']['output']>;
  tag?: Maybe<Scalars['String']['output']>;
  types: Array<EventType>;
  url: Scalars['String']['output'];
};

export type TriggerDelivery = {
  __typename?: 'TriggerDelivery';
  attempts: Scalars['Int']['output'];
  eventId: Scalars['ID']['output'];
  lastError?: Maybe<Scalars['String']['output']>;
  /** PENDING, DELIVERED or FAILED */
  status: Scalars['String']['output'];
};

/** A security scan of an image, where the registry offers one */
export type VulnerabilityReport = {
  __typename?: 'VulnerabilityReport';
  /** scanned, queued, failed or unsupported */
  status: Scalars['String']['output'];
};

export type WebhookKind =
  | 'DISTRIBUTION'
  | 'DOCKER_HUB'
  | 'HARBOR'
  | 'QUAY';

/** An inbound webhook endpoint; its URL carries its secret and is shown once */
export type WebhookReceiver = {
  __typename?: 'WebhookReceiver';
  id: Scalars['ID']['output'];
  kind: WebhookKind;
  namespace: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

export type AddRegistryInput = {
  /** Accept plain HTTP and unverified TLS */
  insecure?: boolean;
  kind: RegistryKind;
  /** A DNS label, unique among registries */
  name: string;
  /** Base URL, e.g. https://ghcr.io */
  url: string;
};

export type CreateImageStreamInput = {
  name: string;
  namespace: string;
  tags?: Array<TagSpecInput>;
};

export type CreateTokenInput = {
  description?: string;
  /** A namespace, or "*" for every namespace (cluster admins only) */
  namespace: string;
  role: Role;
};

export type EventFilter = {
  /** Replay events after this id first */
  after?: string | null | undefined;
  namespace?: string | null | undefined;
  stream?: string | null | undefined;
  tag?: string | null | undefined;
  types?: Array<EventType> | null | undefined;
};

export type EventType =
  | 'EXTERNAL_PUSH'
  | 'IMAGE_IMPORTED'
  | 'IMAGE_PUSHED'
  | 'IMPORT_FAILED'
  | 'TAG_UPDATED';

export type ImportImageInput = {
  all?: boolean;
  confirm?: boolean;
  dryRun?: boolean;
  /** Pull spec to import from */
  from?: string | null | undefined;
  importMode?: ImportMode | null | undefined;
  insecure?: boolean | null | undefined;
  limit?: number | null | undefined;
  namespace: string;
  referencePolicy?: ReferencePolicyType | null | undefined;
  scheduled?: boolean | null | undefined;
  stream: string;
  tag?: string | null | undefined;
  /** A regular expression or a semver range */
  tagFilter?: string | null | undefined;
};

export type ImportMode =
  | 'LEGACY'
  | 'PRESERVE_ORIGINAL';

export type ImportStatus =
  | 'FAILED'
  | 'SUCCESS'
  | 'UNCHANGED';

export type ReferencePolicyType =
  | 'LOCAL'
  | 'SOURCE';

export type RegistryKind =
  | 'DISTRIBUTION'
  | 'DOCKER_HUB'
  | 'INTEGRATED'
  | 'QUAY'
  | 'REDHAT';

/** viewer reads and pulls; editor also imports, tags, pushes; admin also manages credentials and tokens */
export type Role =
  | 'ADMIN'
  | 'EDITOR'
  | 'VIEWER';

export type TagImportPolicyInput = {
  importMode?: ImportMode;
  insecure?: boolean;
  scheduled?: boolean;
};

export type TagSourceKind =
  | 'DOCKER_IMAGE'
  | 'IMAGE_STREAM_IMAGE'
  | 'IMAGE_STREAM_TAG';

export type TagSpecInput = {
  /** A pull spec with a registry host, [ns/]stream:tag, or [ns/]stream@digest */
  from?: string | null | undefined;
  /** How to read from; inferred when absent */
  fromKind?: TagSourceKind | null | undefined;
  importPolicy?: TagImportPolicyInput | null | undefined;
  name: string;
  reference?: boolean;
  referencePolicy?: ReferencePolicyType;
};

export type RegistryEventsSubscriptionVariables = Exact<{
  filter?: EventFilter | null | undefined;
}>;


export type RegistryEventsSubscription = { registryEvents: { id: string, type: EventType, occurredAt: string, namespace: string | null, stream: string | null, tag: string | null, digest: string | null, previousDigest: string | null } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { id: string, description: string, namespace: string, role: Role, clusterAdmin: boolean } };

export type CreateTokenMutationVariables = Exact<{
  input: CreateTokenInput;
}>;


export type CreateTokenMutation = { createToken: { id: string, token: string } };

export type RevokeTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeTokenMutation = { revokeToken: boolean };

export type TagFieldsFragment = { name: string, reference: boolean, referencePolicy: ReferencePolicyType, generation: number, pullSpec: string | null, from: { kind: TagSourceKind, name: string } | null, importPolicy: { scheduled: boolean, insecure: boolean, importMode: ImportMode }, current: { image: string, created: string } | null, items: { edges: Array<{ cursor: string, node: { image: string, dockerImageReference: string, generation: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null }> };

export type CreateImageStreamMutationVariables = Exact<{
  input: CreateImageStreamInput;
}>;


export type CreateImageStreamMutation = { createImageStream: { namespace: string, name: string, generation: number, createdAt: string, dockerImageRepository: string, tags: Array<{ name: string, reference: boolean, referencePolicy: ReferencePolicyType, generation: number, pullSpec: string | null, from: { kind: TagSourceKind, name: string } | null, importPolicy: { scheduled: boolean, insecure: boolean, importMode: ImportMode }, current: { image: string, created: string } | null, items: { edges: Array<{ cursor: string, node: { image: string, dockerImageReference: string, generation: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null }> }> } };

export type ImageStreamsQueryVariables = Exact<{
  namespace: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ImageStreamsQuery = { imageStreams: { edges: Array<{ cursor: string, node: { namespace: string, name: string, dockerImageRepository: string, tags: Array<{ name: string, reference: boolean, referencePolicy: ReferencePolicyType, generation: number, pullSpec: string | null, from: { kind: TagSourceKind, name: string } | null, importPolicy: { scheduled: boolean, insecure: boolean, importMode: ImportMode }, current: { image: string, created: string } | null, items: { edges: Array<{ cursor: string, node: { image: string, dockerImageReference: string, generation: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null }> }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ImageStreamQueryVariables = Exact<{
  namespace: string;
  name: string;
  tag: string;
}>;


export type ImageStreamQuery = { imageStream: { namespace: string, name: string, tags: Array<{ name: string }>, tag: { name: string, reference: boolean, referencePolicy: ReferencePolicyType, generation: number, pullSpec: string | null, from: { kind: TagSourceKind, name: string } | null, importPolicy: { scheduled: boolean, insecure: boolean, importMode: ImportMode }, current: { image: string, created: string } | null, items: { edges: Array<{ cursor: string, node: { image: string, dockerImageReference: string, generation: number } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }, conditions: Array<{ type: string, status: string, reason: string | null, message: string | null }> } | null } | null };

export type DeleteImageStreamMutationVariables = Exact<{
  namespace: string;
  name: string;
}>;


export type DeleteImageStreamMutation = { deleteImageStream: boolean };

export type ImportImageMutationVariables = Exact<{
  input: ImportImageInput;
}>;


export type ImportImageMutation = { importImage: { dryRun: boolean, additionalTags: Array<string>, images: Array<{ tag: string, status: ImportStatus }> } };

export type RegistriesQueryVariables = Exact<{ [key: string]: never; }>;


export type RegistriesQuery = { registries: Array<{ name: string, kind: RegistryKind, url: string, hosts: Array<string>, insecure: boolean, configured: boolean }> };

export type RegistryByNameQueryVariables = Exact<{
  name: string;
}>;


export type RegistryByNameQuery = { registry: { name: string, kind: RegistryKind, url: string, health: { ok: boolean } } | null };

export type AddRegistryMutationVariables = Exact<{
  input: AddRegistryInput;
}>;


export type AddRegistryMutation = { addRegistry: { name: string, kind: RegistryKind, url: string, hosts: Array<string>, insecure: boolean, configured: boolean } };

export type RemoveRegistryMutationVariables = Exact<{
  name: string;
}>;


export type RemoveRegistryMutation = { removeRegistry: boolean };

export const TagFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TagFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImageStreamTag"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"importPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scheduled"}},{"kind":"Field","name":{"kind":"Name","value":"insecure"}},{"kind":"Field","name":{"kind":"Name","value":"importMode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"referencePolicy"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}},{"kind":"Field","name":{"kind":"Name","value":"current"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"created"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageReference"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pullSpec"}}]}}]} as unknown as DocumentNode<TagFieldsFragment, unknown>;
export const RegistryEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RegistryEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registryEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"stream"}},{"kind":"Field","name":{"kind":"Name","value":"tag"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"previousDigest"}}]}}]}}]} as unknown as DocumentNode<RegistryEventsSubscription, RegistryEventsSubscriptionVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"clusterAdmin"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const CreateTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateTokenInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"token"}}]}}]}}]} as unknown as DocumentNode<CreateTokenMutation, CreateTokenMutationVariables>;
export const RevokeTokenDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RevokeTokenMutation, RevokeTokenMutationVariables>;
export const CreateImageStreamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateImageStream"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateImageStreamInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createImageStream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageRepository"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TagFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TagFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImageStreamTag"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"importPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scheduled"}},{"kind":"Field","name":{"kind":"Name","value":"insecure"}},{"kind":"Field","name":{"kind":"Name","value":"importMode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"referencePolicy"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}},{"kind":"Field","name":{"kind":"Name","value":"current"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"created"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageReference"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pullSpec"}}]}}]} as unknown as DocumentNode<CreateImageStreamMutation, CreateImageStreamMutationVariables>;
export const ImageStreamsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImageStreams"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStreams"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageRepository"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TagFields"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TagFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImageStreamTag"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"importPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scheduled"}},{"kind":"Field","name":{"kind":"Name","value":"insecure"}},{"kind":"Field","name":{"kind":"Name","value":"importMode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"referencePolicy"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}},{"kind":"Field","name":{"kind":"Name","value":"current"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"created"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageReference"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pullSpec"}}]}}]} as unknown as DocumentNode<ImageStreamsQuery, ImageStreamsQueryVariables>;
export const ImageStreamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImageStream"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tag"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageStream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tag"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tag"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"TagFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"TagFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ImageStreamTag"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"from"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reference"}},{"kind":"Field","name":{"kind":"Name","value":"importPolicy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scheduled"}},{"kind":"Field","name":{"kind":"Name","value":"insecure"}},{"kind":"Field","name":{"kind":"Name","value":"importMode"}}]}},{"kind":"Field","name":{"kind":"Name","value":"referencePolicy"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}},{"kind":"Field","name":{"kind":"Name","value":"current"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"created"}}]}},{"kind":"Field","name":{"kind":"Name","value":"items"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"}},{"kind":"Field","name":{"kind":"Name","value":"dockerImageReference"}},{"kind":"Field","name":{"kind":"Name","value":"generation"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"conditions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pullSpec"}}]}}]} as unknown as DocumentNode<ImageStreamQuery, ImageStreamQueryVariables>;
export const DeleteImageStreamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteImageStream"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteImageStream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}]}}]} as unknown as DocumentNode<DeleteImageStreamMutation, DeleteImageStreamMutationVariables>;
export const ImportImageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ImportImage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ImportImageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dryRun"}},{"kind":"Field","name":{"kind":"Name","value":"additionalTags"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tag"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ImportImageMutation, ImportImageMutationVariables>;
export const RegistriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Registries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"hosts"}},{"kind":"Field","name":{"kind":"Name","value":"insecure"}},{"kind":"Field","name":{"kind":"Name","value":"configured"}}]}}]}}]} as unknown as DocumentNode<RegistriesQuery, RegistriesQueryVariables>;
export const RegistryByNameDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RegistryByName"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registry"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"health"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ok"}}]}}]}}]}}]} as unknown as DocumentNode<RegistryByNameQuery, RegistryByNameQueryVariables>;
export const AddRegistryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddRegistry"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"AddRegistryInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addRegistry"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"hosts"}},{"kind":"Field","name":{"kind":"Name","value":"insecure"}},{"kind":"Field","name":{"kind":"Name","value":"configured"}}]}}]}}]} as unknown as DocumentNode<AddRegistryMutation, AddRegistryMutationVariables>;
export const RemoveRegistryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveRegistry"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeRegistry"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}}]}]}}]} as unknown as DocumentNode<RemoveRegistryMutation, RemoveRegistryMutationVariables>;