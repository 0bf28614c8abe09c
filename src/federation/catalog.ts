import { readFileSync } from 'node:fs';
import type { PluginRegistry } from '../../plugins';
import type {
  PluginDeps,
  RegistryAdapter,
  RegistryCapability,
  RegistrySettings,
} from '../../plugins/plugin';
import { INTEGRATED_KIND } from '../../plugins/integrated';
import { ConfigError } from '../core/errors';
import type { EgressPolicy, Reach } from '../egress/egress-policy';
import { canonicalRegistry } from '../oci/reference';
import type { RegistryStore, StoredRegistry } from '../store/registry-store';

export interface RegistryEntry extends StoredRegistry {
  hosts: string[];
  /** From the configuration (or a built-in preset), read-only through the API. */
  configured: boolean;
  /** Where the egress policy lets connections to this registry (and its token service) go. */
  reach: Reach;
}

export interface HostOptions {
  /** For a host no registry claims: plain HTTP or unverified TLS (an import's `insecure`). */
  insecure?: boolean;
}

export const INTEGRATED = 'integrated';
/**
 * Ad-hoc registries (hosts named only by a pull spec) any viewer can make up: their adapters,
 * each with a connection pool, are kept for the most recently used hosts only.
 */
const MAX_AD_HOC_ADAPTERS = 32;

const AD_HOC_PREFIX = 'host:';
const isAdHoc = (registry: Pick<RegistryEntry, 'name'>) => registry.name.startsWith(AD_HOC_PREFIX);

/** Names are DNS labels or `host:…`, so this cannot clash with another registry's name. */
const adapterKey = (registry: Pick<RegistryEntry, 'name' | 'insecure'>) =>
  registry.insecure ? `${registry.name} insecure` : registry.name;

function readCa(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `registries.${name}.caFile: cannot read ${file}: ${(err as Error).message}`,
    );
  }
}

/** A registry named in the configuration. */
export interface ConfiguredRegistry {
  name: string;
  kind: string;
  url: string;
  insecure: boolean;
  apiUrl?: string;
  /** A PEM file of extra certificate authorities for this registry. */
  caFile?: string;
}

/**
 * The registries regql knows: the integrated one, the vendor presets (Docker Hub, Quay, Red Hat,
 * unless the configuration names its own), those configured, and those added at run time; and
 * one adapter per registry, made on first use.
 */
export class RegistryCatalog {
  private readonly fixed: RegistryEntry[];
  private readonly cas = new Map<string, string>();
  private readonly adapters = new Map<string, RegistryAdapter>();

  /**
   * `localUrls` are other addresses regql answers on (127.0.0.1:port): pull specs naming them are
   * the integrated registry too.
   */
  constructor(
    registries: readonly ConfiguredRegistry[],
    publicUrl: string,
    localUrls: string[],
    private readonly store: RegistryStore,
    private readonly plugins: PluginRegistry,
    private readonly deps: PluginDeps,
    private readonly egress: EgressPolicy,
  ) {
    const configured = registries.map(({ caFile, ...r }) => {
      if (caFile) this.cas.set(r.name, readCa(caFile, r.name));
      return r;
    });
    const presets = plugins
      .presets()
      .flatMap(({ kind, registry: { preset } }) =>
        preset && !configured.some((r) => r.name === preset.name)
          ? [{ ...preset, kind, insecure: false }]
          : [],
      );
    const integrated = {
      name: INTEGRATED,
      kind: INTEGRATED_KIND,
      url: publicUrl,
      insecure: publicUrl.startsWith('http:'),
    };
    // The integrated registry is read in-process, never over the network.
    const integratedEntry = this.entry(integrated, true, 'any');
    integratedEntry.hosts = [
      ...new Set([...integratedEntry.hosts, ...localUrls.map((u) => new URL(u).host)]),
    ];
    this.fixed = [
      integratedEntry,
      ...presets.map((r) => this.entry(r, true, 'public')),
      ...configured.map((r) => this.entry(r, true, 'any')),
    ];
  }

  /** A registry with the host names pull specs use for it: its URL's, and its kind's aliases. */
  private entry(registry: StoredRegistry, configured: boolean, reach: Reach): RegistryEntry {
    const host = new URL(registry.url).host;
    const hosts = [...new Set([...this.plugins.aliases(registry.kind), host])];
    return { ...registry, hosts, configured, reach };
  }

  async list(): Promise<RegistryEntry[]> {
    return [...this.fixed, ...(await this.added())];
  }

  /** The fixed registries first, so that the store is read only for a name or host they lack. */
  private async find(matches: (r: RegistryEntry) => boolean): Promise<RegistryEntry | undefined> {
    return this.fixed.find(matches) ?? (await this.added()).find(matches);
  }

  private async added(): Promise<RegistryEntry[]> {
    return (await this.store.list()).map((r) => this.entry(r, false, 'admin'));
  }

  get(name: string): Promise<RegistryEntry | undefined> {
    return this.find((r) => r.name === name);
  }

  isConfigured(name: string): boolean {
    return this.fixed.some((r) => r.name === name);
  }

  /** Throws EGRESS_DENIED when a URL of the registry names an address it may not reach. */
  async add(registry: StoredRegistry): Promise<RegistryEntry | null> {
    for (const url of [registry.url, registry.apiUrl]) {
      if (url) this.egress.checkUrl(new URL(url), 'admin');
    }
    if (this.isConfigured(registry.name)) return null;
    if (!(await this.store.insert(registry))) return null;
    return this.entry(registry, false, 'admin');
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.store.delete(name);
    for (const key of [
      adapterKey({ name, insecure: false }),
      adapterKey({ name, insecure: true }),
    ]) {
      await this.adapters.get(key)?.close();
      this.adapters.delete(key);
    }
    return removed;
  }

  adapter(registry: RegistryEntry): RegistryAdapter {
    const key = adapterKey(registry);
    let adapter = this.adapters.get(key);
    if (adapter && isAdHoc(registry)) {
      this.adapters.delete(key);
      this.adapters.set(key, adapter);
    }
    if (!adapter) {
      const { reach, ...rest } = registry;
      const settings: RegistrySettings = {
        ...rest,
        ...(this.cas.has(registry.name) && { ca: this.cas.get(registry.name) }),
      };
      const guard = this.egress.guard(reach);
      adapter = this.plugins.kind(registry.kind).registry.create(settings, {
        ...this.deps,
        transport: { ...this.deps.transport, ...(guard && { guard }) },
      });
      this.adapters.set(key, adapter);
      if (isAdHoc(registry)) this.evictAdHoc();
    }
    return adapter;
  }

  /**
   * Forgets the least recently used ad-hoc adapters past the cap. They are not closed: a read in
   * progress may still hold one, and an idle pool lets its keep-alive sockets time out and is then
   * collected.
   */
  private evictAdHoc(): void {
    const adHoc = [...this.adapters.keys()].filter((key) => key.startsWith(AD_HOC_PREFIX));
    for (const key of adHoc.slice(0, Math.max(0, adHoc.length - MAX_AD_HOC_ADAPTERS)))
      this.adapters.delete(key);
  }

  /** How many adapters are open, for tests of the cap. */
  openAdapters(): number {
    return this.adapters.size;
  }

  /**
   * The registry a pull spec's host names: a known one (with its own settings), or else an
   * ad-hoc registry of the kind that knows the host, over HTTPS unless `insecure`, held to the
   * strict egress default, so any pull spec resolves.
   */
  async forHost(host: string, options: HostOptions = {}): Promise<RegistryEntry> {
    const canonical = canonicalRegistry(host);
    const known = await this.find((r) => r.hosts.includes(canonical) || r.hosts.includes(host));
    if (known) return known;
    const plugin = this.plugins.forHost(canonical);
    return this.entry(
      {
        name: `${AD_HOC_PREFIX}${canonical}`,
        kind: plugin.kind,
        url: `https://${host}`,
        insecure: options.insecure ?? false,
      },
      false,
      'public',
    );
  }

  /** What the registry offers beyond the basics, as the plugin of its kind declares. */
  capabilities(registry: Pick<RegistryEntry, 'kind'>): readonly RegistryCapability[] {
    return this.plugins.kind(registry.kind).registry.capabilities;
  }

  supports(registry: Pick<RegistryEntry, 'kind'>, capability: RegistryCapability): boolean {
    return this.capabilities(registry).includes(capability);
  }

  async close(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((a) => a.close()));
    this.adapters.clear();
  }
}
