import type { Config } from '../config';
import { DOCKER_HUB } from '../oci/reference';
import type { RegistryStore, StoredRegistry } from './registry-store';

export interface RegistryEntry extends StoredRegistry {
  hosts: string[];
  /** From the configuration file (read-only through the API) rather than added by a mutation. */
  configured: boolean;
}

export const INTEGRATED = 'integrated';

function hostsOf(registry: StoredRegistry): string[] {
  const host = new URL(registry.url).host;
  if (registry.kind === 'DOCKER_HUB')
    return [DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io', host].filter(
      (h, i, all) => all.indexOf(h) === i,
    );
  return [host];
}

/** The registries regql knows: the integrated one, those in the configuration, those added at run time. */
export class RegistryCatalog {
  private readonly fixed: RegistryEntry[];

  constructor(
    config: Config,
    publicUrl: string,
    private readonly store: RegistryStore,
  ) {
    const integrated: StoredRegistry = {
      name: INTEGRATED,
      kind: 'INTEGRATED',
      url: publicUrl,
      insecure: publicUrl.startsWith('http:'),
    };
    this.fixed = [integrated, ...config.registries].map((r) => ({
      ...r,
      hosts: hostsOf(r),
      configured: true,
    }));
  }

  async list(): Promise<RegistryEntry[]> {
    const added = (await this.store.list()).map((r) => ({
      ...r,
      hosts: hostsOf(r),
      configured: false,
    }));
    return [...this.fixed, ...added];
  }

  async get(name: string): Promise<RegistryEntry | undefined> {
    return (
      this.fixed.find((r) => r.name === name) ?? (await this.list()).find((r) => r.name === name)
    );
  }

  isConfigured(name: string): boolean {
    return this.fixed.some((r) => r.name === name);
  }

  async add(registry: StoredRegistry): Promise<RegistryEntry | null> {
    if (this.isConfigured(registry.name)) return null;
    if (!(await this.store.insert(registry))) return null;
    return { ...registry, hosts: hostsOf(registry), configured: false };
  }

  remove(name: string): Promise<boolean> {
    return this.store.delete(name);
  }
}
