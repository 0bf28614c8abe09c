import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { errorCodes } from './error-codes';
import { CredentialResolver } from './resolvers/credential.resolver';
import { EventResolver } from './resolvers/event.resolver';
import { IdentityResolver } from './resolvers/identity.resolver';
import { ImageResolver } from './resolvers/image.resolver';
import { ImageStreamTagResolver } from './resolvers/image-stream-tag.resolver';
import { ImageStreamResolver } from './resolvers/image-stream.resolver';
import { ImportResolver } from './resolvers/import.resolver';
import { RegistryResolver } from './resolvers/registry.resolver';
import { RepositoryResolver } from './resolvers/repository.resolver';
import { TagResolver } from './resolvers/tag.resolver';
import { WebhookResolver } from './resolvers/webhook.resolver';
import { DateTime } from './scalars';

/** Every subscription brings its own `subscribe` (the event bus); type-graphql's topics are unused. */
const noTopics = {
  publish(): void {
    throw new Error('regql publishes through its event bus, not type-graphql topics');
  },
  subscribe(): AsyncIterable<unknown> {
    throw new Error('regql subscribes through its event bus, not type-graphql topics');
  },
};

export function buildRegqlSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      RegistryResolver,
      RepositoryResolver,
      ImageResolver,
      ImageStreamResolver,
      ImageStreamTagResolver,
      ImportResolver,
      TagResolver,
      CredentialResolver,
      IdentityResolver,
      EventResolver,
      WebhookResolver,
    ],
    globalMiddlewares: [errorCodes],
    scalarsMap: [{ type: Date, scalar: DateTime }],
    validate: false,
    pubSub: noTopics,
  });
}

/** The SDL committed as schema/schema.graphql: sorted, so that diffs show real changes only. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
