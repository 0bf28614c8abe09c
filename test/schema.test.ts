import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertEnumType,
  assertObjectType,
  isInputObjectType,
  isObjectType,
  type GraphQLSchema,
} from 'graphql';
import { buildRegqlSchema, printSortedSchema } from '../src/graphql/schema';

describe('schema', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildRegqlSchema();
  });

  it('matches the committed schema/schema.graphql (run `npm run schema` after changing the code)', () => {
    const committed = readFileSync(join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printSortedSchema(schema)).toBe(committed);
  });

  const contract: Record<string, string[]> = {
    Query: [
      'registries',
      'registry',
      'imageStreams',
      'imageStream',
      'image',
      'credentials',
      'events',
      'viewer',
      'triggers',
      'mirrorJobs',
    ],
    Mutation: [
      'addRegistry',
      'removeRegistry',
      'createImageStream',
      'deleteImageStream',
      'importImage',
      'tagImage',
      'rollbackTag',
      'addCredential',
      'importDockerConfig',
      'verifyCredential',
      'deleteCredential',
      'createToken',
      'revokeToken',
      'createWebhookReceiver',
      'addTrigger',
      'removeTrigger',
      'mirrorImage',
    ],
    Subscription: ['registryEvents'],
    Registry: [
      'name',
      'kind',
      'url',
      'hosts',
      'insecure',
      'health',
      'rateLimit',
      'repositories',
      'repository',
    ],
    Repository: ['registry', 'name', 'tags', 'tag'],
    RemoteTag: ['name', 'digest', 'image'],
    Image: [
      'digest',
      'mediaType',
      'size',
      'created',
      'os',
      'architecture',
      'variant',
      'labels',
      'layers',
      'manifests',
      'vulnerabilities',
    ],
    ImageStream: ['namespace', 'name', 'dockerImageRepository', 'tags', 'tag'],
    ImageStreamTag: [
      'name',
      'from',
      'reference',
      'importPolicy',
      'referencePolicy',
      'current',
      'items',
      'conditions',
      'image',
      'pullSpec',
    ],
    TagEvent: ['created', 'dockerImageReference', 'image', 'generation'],
    TagCondition: ['type', 'status', 'reason', 'message', 'lastTransitionTime', 'generation'],
    Credential: ['id', 'namespace', 'registryHost', 'username', 'kind', 'createdAt'],
    ImportResult: ['stream', 'images', 'additionalTags', 'dryRun'],
    RegistryEvent: [
      'id',
      'type',
      'occurredAt',
      'namespace',
      'stream',
      'tag',
      'registry',
      'repository',
      'digest',
      'previousDigest',
      'message',
    ],
    CreatedToken: ['id', 'token'],
    CredentialVerification: ['ok', 'message'],
    WebhookReceiver: ['id', 'kind', 'namespace', 'url'],
    Trigger: ['id', 'url', 'deliveries'],
    AddRegistryInput: ['name', 'kind', 'url', 'insecure'],
    CreateImageStreamInput: ['namespace', 'name', 'tags'],
    ImportImageInput: [
      'namespace',
      'stream',
      'from',
      'tag',
      'all',
      'limit',
      'tagFilter',
      'confirm',
      'scheduled',
      'insecure',
      'importMode',
      'referencePolicy',
      'dryRun',
    ],
    TagImageInput: ['source', 'destination', 'alias', 'delete'],
    RollbackTagInput: ['namespace', 'stream', 'tag', 'digest', 'position'],
    AddCredentialInput: ['namespace', 'registryHost', 'username', 'password', 'kind'],
    CreateTokenInput: ['namespace', 'role'],
    EventFilter: ['namespace', 'stream', 'tag', 'types', 'after'],
    CreateWebhookReceiverInput: ['kind', 'namespace'],
    AddTriggerInput: ['namespace', 'url', 'stream', 'tag', 'types'],
    MirrorImageInput: ['namespace', 'source', 'destination', 'allPlatforms', 'includeReferrers'],
    MirrorJob: [
      'id',
      'namespace',
      'source',
      'destination',
      'state',
      'bytesDone',
      'bytesTotal',
      'message',
      'createdAt',
      'startedAt',
      'finishedAt',
    ],
  };

  it.each(Object.entries(contract))('has every contract field of %s', (typeName, fields) => {
    const type = schema.getType(typeName);
    expect(isObjectType(type) || isInputObjectType(type)).toBe(true);
    const present = Object.keys((type as { getFields(): object }).getFields());
    expect(present).toEqual(expect.arrayContaining(fields));
  });

  it.each([
    [
      'EventType',
      [
        'IMAGE_PUSHED',
        'IMAGE_IMPORTED',
        'TAG_UPDATED',
        'IMPORT_FAILED',
        'EXTERNAL_PUSH',
        'TAG_DELETED',
        'STREAM_DELETED',
        'MIRROR_PROGRESS',
        'MIRROR_COMPLETED',
        'MIRROR_FAILED',
      ],
    ],
    ['MirrorJobState', ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']],
    ['RegistryKind', ['INTEGRATED', 'DISTRIBUTION', 'DOCKER_HUB', 'QUAY', 'REDHAT']],
    ['Role', ['VIEWER', 'EDITOR', 'ADMIN']],
    ['WebhookKind', ['DISTRIBUTION', 'QUAY', 'DOCKER_HUB', 'HARBOR']],
  ])('has every value of %s', (name, values) => {
    const enumValues = assertEnumType(schema.getType(name)).getValues();
    expect(enumValues.map((v) => v.name).sort()).toEqual([...values].sort());
  });

  it('uses 64-bit-safe sizes and ISO dates', () => {
    expect(String(assertObjectType(schema.getType('Image')).getFields().size.type)).toBe(
      'SafeInt!',
    );
    expect(String(assertObjectType(schema.getType('TagEvent')).getFields().created.type)).toBe(
      'DateTime!',
    );
  });
});
