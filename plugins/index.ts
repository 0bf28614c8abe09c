import { distributionPlugin } from './distribution';
import { dockerHubPlugin } from './dockerhub';
import { integratedPlugin } from './integrated';
import type { RegistryPlugin } from './plugin';
import { quayPlugin } from './quay';
import { redHatPlugin } from './redhat';

/** Registry kinds by name. A new kind is a new folder here and one line in this list. */
export const builtInPlugins: readonly RegistryPlugin[] = [
  integratedPlugin,
  dockerHubPlugin,
  quayPlugin,
  redHatPlugin,
  distributionPlugin,
];

export class PluginRegistry {
  private readonly byKind = new Map<string, RegistryPlugin>();

  constructor(private readonly plugins: readonly RegistryPlugin[] = builtInPlugins) {
    for (const plugin of plugins) this.byKind.set(plugin.kind, plugin);
  }

  kind(kind: string): RegistryPlugin {
    const plugin = this.byKind.get(kind);
    if (!plugin) throw new Error(`no registry plugin of kind ${kind}`);
    return plugin;
  }

  /** The kind for a host no configured registry claims: a vendor that knows the host, else generic. */
  forHost(host: string): RegistryPlugin {
    return (
      this.plugins.find((p) => p.kind !== distributionPlugin.kind && p.matches(host)) ??
      distributionPlugin
    );
  }

  presets(): RegistryPlugin[] {
    return this.plugins.filter((p) => p.preset);
  }
}
