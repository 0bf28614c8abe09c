import { Field, ObjectType, type ClassType } from 'type-graphql';
import { invalidInput } from '../core/errors';

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

/** A Relay connection type named `<name>Connection` with `<name>Edge` edges. */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType()
  abstract class ConnectionType implements ConnectionShape<T> {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

export const defaultPageSize = 20;
export const maxPageSize = 100;

export function pageSize(first: number | null | undefined, max = maxPageSize): number {
  if (first === null || first === undefined) return defaultPageSize;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw invalidInput(`first must be between 1 and ${max}`);
  }
  return first;
}

export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | null | undefined): string | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key.length === 0 || encodeCursor(key) !== cursor)
    throw invalidInput('after is not a cursor this API returned');
  return key;
}

export function toConnection<T>(
  items: T[],
  more: boolean,
  key: (item: T) => string,
): ConnectionShape<T> {
  const edges = items.map((node) => ({ cursor: encodeCursor(key(node)), node }));
  return { edges, pageInfo: { hasNextPage: more, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** A connection over an upstream page whose continuation is the registry's own opaque cursor. */
export function toUpstreamConnection<T>(
  items: T[],
  next: string | null,
  key: (item: T) => string,
): ConnectionShape<T> {
  const connection = toConnection(items, next !== null, key);
  if (next !== null) connection.pageInfo.endCursor = encodeCursor(next);
  return connection;
}

/** Complexity of a connection field: its children once per requested node. */
export const connectionComplexity = ({
  args,
  childComplexity,
}: {
  args: { first?: number | null };
  childComplexity: number;
}) => 1 + childComplexity * Math.max(1, args.first ?? defaultPageSize);
