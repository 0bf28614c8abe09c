import type { Readable } from 'node:stream';
import type { RegistryCredential } from '../src/oci/client/credential';
import type {
  FetchedManifest,
  Health,
  ManifestHead,
  OpenedBlob,
} from '../src/oci/client/registry-client';
import type { TokenCache } from '../src/oci/client/token-cache';
import type { Descriptor } from '../src/oci/manifest';
import type { TransportOptions } from '../src/oci/client/transport';
import type { RegistryContentStore } from '../src/store/registry-content-store';
import type { BackingRegistry } from './stand-in-common';
import type { ExternalPush } from './webhook-parsing/external-push';

export interface RegistrySettings {
  name: string;
  kind: string;
  url: string;
  insecure: boolean;
  /** The vendor's REST API, where it is elsewhere than `url` (Docker Hub's hub.docker.com). */
  apiUrl?: string;
  /** Extra PEM certificate authorities for this registry. */
  ca?: string;
}

/** What the integrated plugin reads directly, instead of going over HTTP to its own server. */
export interface IntegratedContent {
  content: RegistryContentStore;
  /** The integrated registry's blob storage, by digest. */
  blobs: { readAll(digest: string): Promise<Buffer>; open(digest: string): Readable };
}

export interface PluginDeps {
  tokens: TokenCache;
  integrated?: IntegratedContent;
  transport: Omit<TransportOptions, 'insecure' | 'ca' | 'observe'>;
  /** Called once per upstream HTTP attempt with the registry's name and the status (0: no answer). */
  observe?: (registry: string, status: number) => void;
}

export interface PageRequest {
  first: number;
  /** An opaque cursor this adapter returned as `next`, or a name to continue after. */
  after: string | null;
}

export interface AdapterPage<T> {
  items: T[];
  next: string | null;
}

export interface RepositoryInfo {
  name: string;
  lastModified: string | null;
}

export interface TagInfo {
  name: string;
  /** Known from the listing itself on some registries (Docker Hub); null means ask the manifest. */
  digest: string | null;
  lastModified: string | null;
}

export interface RateLimitInfo {
  limit: number;
  remaining: number;
  windowSeconds: number;
  source: string | null;
  observedAt: Date;
}

export interface TagHistoryEntry {
  tag: string;
  digest: string;
  startedAt: Date;
  endedAt: Date | null;
  active: boolean;
  isIndex: boolean;
}

export interface Vulnerability {
  name: string;
  severity: string;
  fixedBy: string | null;
  link: string | null;
  description: string | null;
}

export interface VulnerableFeature {
  name: string;
  version: string;
  vulnerabilities: Vulnerability[];
}

export interface VulnerabilityReport {
  /** scanned, queued, failed or unsupported */
  status: string;
  features: VulnerableFeature[];
}

type Credential = RegistryCredential | null;

/**
 * Writing to a registry, for mirroring into it. Every write is checked against its digest by the
 * registry; a blob written through it is either whole under its digest or not there at all.
 */
export interface RegistryPush {
  /**
   * The writer hashes what it stores in this process and refuses a mismatch itself (the
   * integrated registry), so a copier need not hash the bytes a second time.
   */
  readonly hashesInProcess?: boolean;
  hasBlob(repository: string, digest: string, credential: Credential): Promise<boolean>;
  hasManifest(repository: string, digest: string, credential: Credential): Promise<boolean>;
  /** Links the blob of the registry's repository `from` into `repository`; false when it declined. */
  mountBlob(
    repository: string,
    digest: string,
    from: string,
    credential: Credential,
  ): Promise<boolean>;
  /** Streams `size` bytes in under `digest`; the body is read once, as it arrives. */
  pushBlob(
    repository: string,
    digest: string,
    size: number,
    body: Readable,
    credential: Credential,
  ): Promise<void>;
  /** `reference`: a tag (which then names it) or the manifest's digest. */
  putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Buffer,
    credential: Credential,
  ): Promise<void>;
}

/** What the core needs of a registry; the optional members are vendor capabilities. */
export interface RegistryAdapter {
  readonly settings: RegistrySettings;
  ping(credential: Credential): Promise<Health>;
  /** Throws UPSTREAM_UNAUTHORIZED when the registry does not accept the credential. */
  verify(credential: RegistryCredential): Promise<void>;
  /**
   * `namespaces`: only repositories of these namespaces (null: all); the integrated registry
   * honours it, other registries list what the credential shows.
   */
  repositories(
    page: PageRequest & { query: string | null; namespaces?: readonly string[] | null },
    credential: Credential,
  ): Promise<AdapterPage<RepositoryInfo>>;
  tags(
    repository: string,
    page: PageRequest,
    credential: Credential,
  ): Promise<AdapterPage<TagInfo>>;
  getManifest(
    repository: string,
    reference: string,
    credential: Credential,
  ): Promise<FetchedManifest>;
  headManifest(
    repository: string,
    reference: string,
    credential: Credential,
  ): Promise<ManifestHead>;
  getBlob(
    repository: string,
    digest: string,
    maxBytes: number,
    credential: Credential,
  ): Promise<Buffer>;
  /** A blob of any size as it streams in; the reader checks its digest. */
  openBlob(repository: string, digest: string, credential: Credential): Promise<OpenedBlob>;
  /** The manifests whose subject is `digest` (signatures, SBOMs), where the registry keeps any. */
  referrers?(repository: string, digest: string, credential: Credential): Promise<Descriptor[]>;
  /** Present where regql can write to registries of this kind. */
  push?: RegistryPush;
  rateLimit?(): RateLimitInfo | null;
  tagHistory?(repository: string, tag: string, credential: Credential): Promise<TagHistoryEntry[]>;
  restoreTag?(
    repository: string,
    tag: string,
    digest: string,
    credential: Credential,
  ): Promise<void>;
  vulnerabilities?(
    repository: string,
    digest: string,
    credential: Credential,
  ): Promise<VulnerabilityReport>;
  close(): Promise<void>;
}

/** The optional members of `RegistryAdapter`: what a registry may offer beyond the basics. */
type OptionalMember = {
  [K in keyof RegistryAdapter]-?: undefined extends RegistryAdapter[K] ? K : never;
}[keyof RegistryAdapter];

/**
 * What a registry may support beyond the operations every registry has, each one optional member
 * of `RegistryAdapter`. A plugin declares the ones its adapters have (the contract suite checks
 * that the declaration and the adapter agree); `Registry.capabilities` shows them, and resolvers
 * answer NOT_SUPPORTED (or null) for the rest.
 */
export const capabilityMembers = {
  RATE_LIMIT: 'rateLimit',
  TAG_HISTORY: 'tagHistory',
  RESTORE_TAG: 'restoreTag',
  VULNERABILITY_SCAN: 'vulnerabilities',
} as const satisfies Record<string, OptionalMember>;

export type RegistryCapability = keyof typeof capabilityMembers;
export const registryCapabilities = Object.keys(capabilityMembers) as RegistryCapability[];

/** A kind of credential a vendor defines, and the form its user name takes. */
export interface VendorCredential {
  kind: string;
  /** What the user name must match, and the message when it does not. */
  username?: { pattern: RegExp; message: string };
}

/** How a plugin reads registries of its kind. */
export interface RegistryReader {
  /** The public service this kind stands for, preconfigured under `name` unless configured otherwise. */
  preset?: { name: string; url: string; apiUrl?: string };
  /** Hosts of the vendor's service: a pull spec naming one goes to this kind when no registry claims it. */
  hosts: readonly string[];
  /**
   * Names every registry of this kind answers to in pull specs besides its URL's host (Docker
   * Hub's: `nginx` means docker.io whatever URL the registry is reached at).
   */
  aliases?: readonly string[];
  /** The kinds of credential its registries take. */
  credentialKinds: readonly string[];
  /** The kinds of credential this vendor defines (they are in `credentialKinds` too). */
  vendorCredentials?: readonly VendorCredential[];
  /** What its adapters offer beyond the operations every registry has. */
  capabilities: readonly RegistryCapability[];
  /** regql provides the one registry of this kind itself: neither configured nor added. */
  builtIn?: true;
  create(settings: RegistrySettings, deps: PluginDeps): RegistryAdapter;
  /**
   * The loopback stand-in the contract suite reads this kind through, loaded only when asked
   * (`require('./stand-in')` inside the function); absent where the tests run the real
   * server (distribution: docker-registry; integrated: regql).
   */
  standIn?: () => StandIn;
}

/**
 * A loopback server that speaks the vendor's wire format in front of a plain registry, for the
 * tests. The backing registry holds the contract content: team/app (tags v1 to v5), team/multi
 * (an image index) and team/private, which only the credential may read.
 */
export interface StandIn {
  /** The scheme `ping` names. */
  authScheme: 'Bearer' | 'Basic';
  /** A repository of the content anyone may read, where the vendor has public repositories. */
  publicRepository: string | null;
  /** Whether tag listings carry each tag's digest. */
  listsDigests: boolean;
  start(backing: BackingRegistry): Promise<RunningStandIn>;
}

export interface RunningStandIn {
  /** The adapter's settings: where the stand-in listens. */
  url: string;
  apiUrl?: string;
  credential: RegistryCredential;
  /** The credential's user with a wrong secret, and an id of its own (tokens are cached by id). */
  wrongCredential: RegistryCredential;
  /** What writes through the vendor's API (restoring a tag) take, where that is another credential. */
  writeCredential: RegistryCredential;
  /** The `query` that lists the content's repositories (Docker Hub and Quay list per namespace). */
  repositoriesQuery: string | null;
  /** How many requests reached the vendor's token service so far. */
  tokenRequests(): number;
  close(): Promise<void>;
}

/** How a plugin reads the push notifications (webhooks) its vendor sends. */
export interface WebhookParser {
  /** The kind's segment of the receiver URL, `/webhooks/<slug>/<receiver id>`. */
  slug: string;
  /** What the vendor's deliveries are called in messages, e.g. "Quay webhook". */
  senderName: string;
  /** The Content-Types its deliveries come with. */
  mediaTypes: readonly string[];
  /** The pushes a JSON payload reports; throws WebhookPayloadError for anything malformed. */
  parse(body: unknown): ExternalPush[];
}

/**
 * One vendor, its single home: the kind's name, how it reads registries of the kind (absent for a
 * webhook-only plugin), and how it parses the vendor's webhooks (absent when there are none).
 * Its loopback stand-in for the tests sits next to it as `stand-in.ts`.
 */
export interface RegistryPlugin {
  /** Upper case: the value of `RegistryKind` and `WebhookKind` and of `kind` in the configuration. */
  kind: string;
  registry?: RegistryReader;
  webhook?: WebhookParser;
}

/** A plugin, its `kind` kept as a literal type so that the kinds of the list are a union. */
export const registryPlugin = <const P extends RegistryPlugin>(plugin: P): P => plugin;

/** A plugin that reads registries. */
export type ReaderPlugin = RegistryPlugin & { registry: RegistryReader };
/** A plugin that parses webhooks. */
export type WebhookPlugin = RegistryPlugin & { webhook: WebhookParser };
