import { readFileSync } from 'node:fs';
import type { PluginRegistry } from '../../plugins';
import type { PluginDeps, RegistryAdapter, RegistrySettings } from '../../plugins/plugin';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { canonicalRegistry, DOCKER_HUB } from '../oci/reference';
import type { RegistryStore, StoredRegistry } from '../store/registry-store';

export interface RegistryEntry extends StoredRegistry {
  hosts: string[];
  /** From the configuration (or a built-in preset), read-only through the API. */
  configured: boolean;
}

export const INTEGRATED = 'integrated';
export const INTEGRATED_KIND = 'INTEGRATED';

function hostsOf(registry: StoredRegistry): string[] {
  const host = new URL(registry.url).host;
  const aliases =
    registry.kind === 'DOCKER_HUB' ? [DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io'] : [];
  return [...new Set([...aliases, host])];
}

const entry = (registry: StoredRegistry, configured: boolean): RegistryEntry => ({
  ...registry,
  hosts: hostsOf(registry),
  configured,
});

function readCa(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `registries.${name}.caFile: cannot read ${file}: ${(err as Error).message}`,
    );
  }
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
    config: Config,
    publicUrl: string,
    localUrls: string[],
    private readonly store: RegistryStore,
    private readonly plugins: PluginRegistry,
    private readonly deps: PluginDeps,
  ) {
    const configured = config.registries.map(({ caFile, ...r }) => {
      if (caFile) this.cas.set(r.name, readCa(caFile, r.name));
      return r;
    });
    const presets = plugins
      .presets()
      .filter((p) => !configured.some((r) => r.name === p.preset?.name))
      .map((p) => ({ ...p.preset!, kind: p.kind, insecure: false }));
    const integrated = {
      name: INTEGRATED,
      kind: INTEGRATED_KIND,
      url: publicUrl,
      insecure: publicUrl.startsWith('http:'),
    };
    const integratedEntry = entry(integrated, true);
    integratedEntry.hosts = [
      ...new Set([...integratedEntry.hosts, ...localUrls.map((u) => new URL(u).host)]),
    ];
    this.fixed = [integratedEntry, ...[...presets, ...configured].map((r) => entry(r, true))];
  }

  async list(): Promise<RegistryEntry[]> {
    return [...this.fixed, ...(await this.added())];
  }

  /** The fixed registries first, so that the store is read only for a name or host they lack. */
  private async find(matches: (r: RegistryEntry) => boolean): Promise<RegistryEntry | undefined> {
    return this.fixed.find(matches) ?? (await this.added()).find(matches);
  }

  private async added(): Promise<RegistryEntry[]> {
    return (await this.store.list()).map((r) => entry(r, false));
  }

  get(name: string): Promise<RegistryEntry | undefined> {
    return this.find((r) => r.name === name);
  }

  isConfigured(name: string): boolean {
    return this.fixed.some((r) => r.name === name);
  }

  async add(registry: StoredRegistry): Promise<RegistryEntry | null> {
    if (this.isConfigured(registry.name)) return null;
    if (!(await this.store.insert(registry))) return null;
    return entry(registry, false);
  }

  async remove(name: string): Promise<boolean> {
    const removed = await this.store.delete(name);
    await this.adapters.get(name)?.close();
    this.adapters.delete(name);
    return removed;
  }

  adapter(registry: RegistryEntry): RegistryAdapter {
    let adapter = this.adapters.get(registry.name);
    if (!adapter) {
      const settings: RegistrySettings = {
        ...registry,
        ...(this.cas.has(registry.name) && { ca: this.cas.get(registry.name) }),
      };
      adapter = this.plugins.kind(registry.kind).create(settings, this.deps);
      this.adapters.set(registry.name, adapter);
    }
    return adapter;
  }

  /**
   * The registry a pull spec's host names: a known one, or else an ad-hoc registry of the kind
   * that knows the host (over HTTPS), so any pull spec resolves.
   */
  async forHost(host: string): Promise<RegistryEntry> {
    const canonical = canonicalRegistry(host);
    const known = await this.find((r) => r.hosts.includes(canonical) || r.hosts.includes(host));
    if (known) return known;
    const plugin = this.plugins.forHost(canonical);
    return entry(
      { name: `host:${canonical}`, kind: plugin.kind, url: `https://${host}`, insecure: false },
      false,
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.adapters.values()].map((a) => a.close()));
    this.adapters.clear();
  }
}
