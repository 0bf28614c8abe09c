import { registerEnumType } from 'type-graphql';
import { builtInPlugins, credentialKinds, kindsWith, webhookKinds } from '../../plugins';
import { registryCapabilities, type RegistryPlugin } from '../../plugins/plugin';
import { eventTypes } from '../events/registry-event';
import { roles } from '../store/identity-records';
import { importModes, referencePolicyTypes, tagSourceKinds } from '../store/image-stream-records';
import { importStatuses } from '../domain/import-status';
import { mirrorJobStates } from '../store/mirror-job-store';

type EnumOf<V extends string> = { readonly [K in V]: K };
/** The type of an enum object's values. */
type ValueOf<E> = E[keyof E];

/** An enum object (`{ VIEWER: 'VIEWER', … }`) for type-graphql from a lower layer's value list. */
export function enumOf<const V extends string>(values: readonly V[]): EnumOf<V> {
  return Object.fromEntries(values.map((value) => [value, value])) as EnumOf<V>;
}

/** `RegistryKind` for a list of plugins: the kinds of those that read registries. */
export const registryKindEnum = <const P extends readonly RegistryPlugin[]>(plugins: P) =>
  enumOf(kindsWith(plugins, 'registry'));

export const RegistryKind = registryKindEnum(builtInPlugins);
export type RegistryKind = ValueOf<typeof RegistryKind>;
export const WebhookKind = enumOf(webhookKinds);
export type WebhookKind = ValueOf<typeof WebhookKind>;
export const Role = enumOf(roles);
export type Role = ValueOf<typeof Role>;
export const EventType = enumOf(eventTypes);
export type EventType = ValueOf<typeof EventType>;
export const CredentialKind = enumOf(credentialKinds);
export type CredentialKind = ValueOf<typeof CredentialKind>;
export const TagSourceKind = enumOf(tagSourceKinds);
export type TagSourceKind = ValueOf<typeof TagSourceKind>;
export const RegistryCapability = enumOf(registryCapabilities);
export type RegistryCapability = ValueOf<typeof RegistryCapability>;

export const ImportMode = enumOf(importModes);
export type ImportMode = ValueOf<typeof ImportMode>;
export const ReferencePolicyType = enumOf(referencePolicyTypes);
export type ReferencePolicyType = ValueOf<typeof ReferencePolicyType>;
export const ImportStatus = enumOf(importStatuses);
export type ImportStatus = ValueOf<typeof ImportStatus>;
registerEnumType(RegistryKind, { name: 'RegistryKind' });
registerEnumType(Role, {
  name: 'Role',
  description:
    'viewer reads and pulls; editor also imports, tags, pushes; admin also manages credentials and tokens',
});
registerEnumType(EventType, { name: 'EventType' });
registerEnumType(WebhookKind, { name: 'WebhookKind' });
registerEnumType(TagSourceKind, { name: 'TagSourceKind' });
registerEnumType(ImportMode, { name: 'ImportMode' });
registerEnumType(ReferencePolicyType, { name: 'ReferencePolicyType' });
registerEnumType(ImportStatus, { name: 'ImportStatus' });
export const MirrorJobState = enumOf(mirrorJobStates);
export type MirrorJobState = ValueOf<typeof MirrorJobState>;
registerEnumType(MirrorJobState, { name: 'MirrorJobState' });
registerEnumType(CredentialKind, { name: 'CredentialKind' });
registerEnumType(RegistryCapability, {
  name: 'RegistryCapability',
  description: 'What a registry offers beyond listing and reading images',
  valuesConfig: {
    RATE_LIMIT: { description: 'Registry.rateLimit: the pull limit as last reported' },
    TAG_HISTORY: { description: 'Repository.tagHistory: every digest a tag has pointed at' },
    RESTORE_TAG: { description: 'restoreRemoteTag: pointing a tag back at an earlier digest' },
    VULNERABILITY_SCAN: { description: "Image.vulnerabilities: the registry's security scan" },
  },
});
