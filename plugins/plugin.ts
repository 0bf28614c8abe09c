import type { RegistryCredential } from '../src/oci/client/credential';
import type { FetchedManifest, Health, ManifestHead } from '../src/oci/client/registry-client';
import type { TokenCache } from '../src/oci/client/token-cache';
import type { TransportOptions } from '../src/oci/client/transport';
import type { RegistryContentStore } from '../src/store/registry-content-store';

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
  blobs: { readAll(digest: string): Promise<Buffer> };
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

export interface RegistryPlugin {
  kind: string;
  /** The public service this kind stands for, preconfigured under `name` unless configured otherwise. */
  preset?: { name: string; url: string; apiUrl?: string };
  /** Whether pull specs naming this host belong to this kind when no configured registry claims them. */
  matches(host: string): boolean;
  create(settings: RegistrySettings, deps: PluginDeps): RegistryAdapter;
}
