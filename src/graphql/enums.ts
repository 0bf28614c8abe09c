import { registerEnumType } from 'type-graphql';

export enum RegistryKind {
  INTEGRATED = 'INTEGRATED',
  DISTRIBUTION = 'DISTRIBUTION',
  DOCKER_HUB = 'DOCKER_HUB',
  QUAY = 'QUAY',
  REDHAT = 'REDHAT',
}
export enum Role {
  VIEWER = 'VIEWER',
  EDITOR = 'EDITOR',
  ADMIN = 'ADMIN',
}
export enum EventType {
  IMAGE_PUSHED = 'IMAGE_PUSHED',
  IMAGE_IMPORTED = 'IMAGE_IMPORTED',
  TAG_UPDATED = 'TAG_UPDATED',
  IMPORT_FAILED = 'IMPORT_FAILED',
  EXTERNAL_PUSH = 'EXTERNAL_PUSH',
}
export enum WebhookKind {
  DISTRIBUTION = 'DISTRIBUTION',
  QUAY = 'QUAY',
  DOCKER_HUB = 'DOCKER_HUB',
  HARBOR = 'HARBOR',
}
export enum TagSourceKind {
  DOCKER_IMAGE = 'DOCKER_IMAGE',
  IMAGE_STREAM_TAG = 'IMAGE_STREAM_TAG',
  IMAGE_STREAM_IMAGE = 'IMAGE_STREAM_IMAGE',
}
export enum ImportMode {
  LEGACY = 'LEGACY',
  PRESERVE_ORIGINAL = 'PRESERVE_ORIGINAL',
}
export enum ReferencePolicyType {
  SOURCE = 'SOURCE',
  LOCAL = 'LOCAL',
}
export enum ImportStatus {
  SUCCESS = 'SUCCESS',
  UNCHANGED = 'UNCHANGED',
  FAILED = 'FAILED',
}
export enum CredentialKind {
  BASIC = 'BASIC',
  TOKEN = 'TOKEN',
  REDHAT_SERVICE_ACCOUNT = 'REDHAT_SERVICE_ACCOUNT',
  QUAY_ROBOT = 'QUAY_ROBOT',
  DOCKER_HUB_TOKEN = 'DOCKER_HUB_TOKEN',
}

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
registerEnumType(CredentialKind, { name: 'CredentialKind' });
