import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSchema } from 'graphql';

/**
 * The baseline of bench/query.ts: Apollo Server 5 over a plain graphql-js schema that serves the
 * bench fixture from memory with default resolvers. Run as a child process; PORT and REGISTRY_HOST
 * (the host:port regql names its integrated registry with) come from the environment.
 */

export const NAMESPACE = 'bench';
export const STREAM_COUNT = 100;
export const TAGS_PER_STREAM = 10;

export interface TagSpecInput {
  name: string;
  from: string;
  reference: boolean;
  importPolicy: {
    scheduled: boolean;
    insecure: boolean;
    importMode: 'LEGACY' | 'PRESERVE_ORIGINAL';
  };
  referencePolicy: 'SOURCE' | 'LOCAL';
}

export interface StreamSpec {
  name: string;
  tags: TagSpecInput[];
}

/** The fixture both servers hold: names sort the way regql pages them (by name). */
export function streamSpecs(): StreamSpec[] {
  return Array.from({ length: STREAM_COUNT }, (_, n) => {
    const name = `app-${String(n).padStart(3, '0')}`;
    const tags = Array.from({ length: TAGS_PER_STREAM }, (_, m): TagSpecInput => {
      const tag = `tag-${m}`;
      return {
        name: tag,
        from: `quay.io/acme/${name}:${tag}`,
        reference: m === 8,
        importPolicy: {
          scheduled: m % 3 === 0,
          insecure: false,
          importMode: m === 5 ? 'PRESERVE_ORIGINAL' : 'LEGACY',
        },
        referencePolicy: m % 2 === 1 ? 'LOCAL' : 'SOURCE',
      };
    });
    return { name, tags };
  });
}

const typeDefs = /* GraphQL */ `
  scalar DateTime

  enum TagSourceKind {
    DOCKER_IMAGE
    IMAGE_STREAM_IMAGE
    IMAGE_STREAM_TAG
  }

  enum ImportMode {
    LEGACY
    PRESERVE_ORIGINAL
  }

  enum ReferencePolicyType {
    LOCAL
    SOURCE
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
  }

  type TagSource {
    kind: TagSourceKind!
    name: String!
  }

  type TagImportPolicy {
    importMode: ImportMode!
    insecure: Boolean!
    scheduled: Boolean!
  }

  type TagEvent {
    created: DateTime!
    dockerImageReference: String!
    generation: Int!
    image: String!
  }

  type TagEventEdge {
    cursor: String!
    node: TagEvent!
  }

  type TagEventConnection {
    edges: [TagEventEdge!]!
    pageInfo: PageInfo!
  }

  type TagCondition {
    generation: Int!
    lastTransitionTime: DateTime!
    message: String
    reason: String
    status: String!
    type: String!
  }

  type ImageStreamTag {
    conditions: [TagCondition!]!
    current: TagEvent
    from: TagSource
    generation: Int!
    importPolicy: TagImportPolicy!
    items(after: String, first: Int): TagEventConnection!
    name: String!
    pullSpec: String
    reference: Boolean!
    referencePolicy: ReferencePolicyType!
  }

  type ImageStream {
    createdAt: DateTime!
    dockerImageRepository: String!
    generation: Int!
    name: String!
    namespace: String!
    tag(name: String!): ImageStreamTag
    tags: [ImageStreamTag!]!
  }

  type ImageStreamEdge {
    cursor: String!
    node: ImageStream!
  }

  type ImageStreamConnection {
    edges: [ImageStreamEdge!]!
    pageInfo: PageInfo!
  }

  type Query {
    imageStreams(namespace: String!, first: Int, after: String): ImageStreamConnection!
  }
`;

function rootValue(registryHost: string) {
  const createdAt = new Date().toISOString();
  const streams = streamSpecs().map((spec) => {
    const tags = spec.tags.map((tag) => ({
      name: tag.name,
      from: { kind: 'DOCKER_IMAGE', name: tag.from },
      reference: tag.reference,
      importPolicy: tag.importPolicy,
      referencePolicy: tag.referencePolicy,
      generation: 1,
      current: null,
      items: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
      conditions: [],
      pullSpec: tag.reference ? tag.from : null,
    }));
    return {
      namespace: NAMESPACE,
      name: spec.name,
      generation: 1,
      createdAt,
      dockerImageRepository: `${registryHost}/${NAMESPACE}/${spec.name}`,
      tags,
      tag: ({ name }: { name: string }) => tags.find((t) => t.name === name) ?? null,
    };
  });
  return {
    imageStreams: ({ namespace, first }: { namespace: string; first?: number | null }) => {
      const page = streams.filter((s) => s.namespace === namespace);
      const items = page.slice(0, first ?? 20);
      const edges = items.map((node) => ({
        cursor: Buffer.from(node.name, 'utf8').toString('base64url'),
        node,
      }));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.length > items.length,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  };
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  const registryHost = process.env.REGISTRY_HOST;
  if (!Number.isInteger(port) || port <= 0 || !registryHost) {
    throw new Error('bare-apollo needs PORT and REGISTRY_HOST');
  }
  const server = new ApolloServer({
    schema: buildSchema(typeDefs),
    rootValue: rootValue(registryHost),
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
  });
  await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bare-apollo: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  });
}
