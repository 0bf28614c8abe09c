import { distributionPlugin } from './distribution';
import { dockerHubPlugin } from './dockerhub';
import { harborPlugin } from './harbor';
import { integratedPlugin } from './integrated';
import { genericCredentialKinds } from '../src/oci/client/credential';
import type { ReaderPlugin, RegistryPlugin, WebhookPlugin } from './plugin';
import { quayPlugin } from './quay';
import { redHatPlugin } from './redhat';

/**
 * The plugins regql has, one per vendor. A new kind is a new folder here and one line in this
 * list: `RegistryKind`, `WebhookKind`, the configuration's `kind`, the webhook routes and the
 * contract suite all derive from it.
 */
export const builtInPlugins = [
  integratedPlugin,
  distributionPlugin,
  dockerHubPlugin,
  quayPlugin,
  redHatPlugin,
  harborPlugin,
] as const;

type Member = 'registry' | 'webhook';
/** The kinds, as literal types, of the plugins among `P` that have `M`. */
type KindWith<P, M extends Member> = P extends { kind: infer K } & Required<Pick<RegistryPlugin, M>>
  ? K
  : never;

/** The kinds of the plugins in `plugins` that read registries (`registry`) or parse webhooks (`webhook`). */
export function kindsWith<const P extends readonly RegistryPlugin[], M extends Member>(
  plugins: P,
  member: M,
): KindWith<P[number], M>[];
export function kindsWith(plugins: readonly RegistryPlugin[], member: Member): string[] {
  return plugins.filter((plugin) => plugin[member] !== undefined).map((plugin) => plugin.kind);
}

/** The kinds of credential of `plugins`: the generic ones, then those each vendor defines. */
export function credentialKindsOf(plugins: readonly RegistryPlugin[]): string[] {
  return [
    ...genericCredentialKinds,
    ...plugins.flatMap((p) => p.registry?.vendorCredentials?.map((c) => c.kind) ?? []),
  ];
}

/** The values of GraphQL's `CredentialKind`. */
export const credentialKinds = credentialKindsOf(builtInPlugins);

/** The credential kinds and user-name rules of `plugins`, for the vault. */
export function credentialRulesOf(plugins: readonly RegistryPlugin[]) {
  const rules = new Map(
    plugins.flatMap((p) => p.registry?.vendorCredentials ?? []).map((c) => [c.kind, c.username]),
  );
  return { kinds: credentialKindsOf(plugins), username: (kind: string) => rules.get(kind) };
}

/** The kinds of webhook regql parses: the values of GraphQL's `WebhookKind`. */
export const webhookKinds = kindsWith(builtInPlugins, 'webhook');
export type WebhookKind = (typeof webhookKinds)[number];

/** The kinds a configuration (or `addRegistry`) may name: readers but the integrated registry. */
export const configurableKinds = (plugins: readonly RegistryPlugin[]): string[] =>
  plugins.filter((plugin) => plugin.registry && !plugin.registry.builtIn).map((p) => p.kind);

const reads = (plugin: RegistryPlugin): plugin is ReaderPlugin => plugin.registry !== undefined;
const parsesWebhooks = (plugin: RegistryPlugin): plugin is WebhookPlugin =>
  plugin.webhook !== undefined;

/** A list of plugins, looked up by kind, host and webhook slug. */
export class PluginRegistry {
  private readonly readers = new Map<string, ReaderPlugin>();
  private readonly webhooks = new Map<string, WebhookPlugin>();

  constructor(readonly plugins: readonly RegistryPlugin[] = builtInPlugins) {
    for (const plugin of plugins) {
      if (reads(plugin)) this.readers.set(plugin.kind, plugin);
      if (parsesWebhooks(plugin)) this.webhooks.set(plugin.kind, plugin);
    }
  }

  /** The plugin that reads registries of `kind`. */
  kind(kind: string): ReaderPlugin {
    const plugin = this.readers.get(kind);
    if (!plugin) throw new Error(`no registry plugin of kind ${kind}`);
    return plugin;
  }

  /** The kind for a host no configured registry claims: a vendor that knows the host, else generic. */
  forHost(host: string): ReaderPlugin {
    return (
      [...this.readers.values()].find((p) => p.registry.hosts.includes(host)) ?? distributionPlugin
    );
  }

  /** Names every registry of `kind` answers to besides its URL's host (none for an unknown kind). */
  aliases(kind: string): readonly string[] {
    return this.readers.get(kind)?.registry.aliases ?? [];
  }

  presets(): ReaderPlugin[] {
    return [...this.readers.values()].filter((p) => p.registry.preset);
  }

  /** The plugin that parses webhooks of `kind`. */
  webhook(kind: string): WebhookPlugin {
    const plugin = this.webhooks.get(kind);
    if (!plugin) throw new Error(`no webhook parser of kind ${kind}`);
    return plugin;
  }

  /** The plugin whose receiver URLs have `slug`, if any. */
  webhookBySlug(slug: string): WebhookPlugin | undefined {
    return [...this.webhooks.values()].find((p) => p.webhook.slug === slug);
  }
}

/** The built-in plugins, for code that serves no other list. */
export const builtInPluginRegistry = new PluginRegistry();
