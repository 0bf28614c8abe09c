import { GraphQLError, parse, type DocumentNode } from 'graphql';
import type { ErrorCode, GraphqlErrorCode } from '../core/error-codes';
import { isIntrospectionOnly } from '../graphql/introspection-only';

interface AnonymousRules {
  introspection: boolean;
  maxTokens: number;
}

const tokenRequired = (introspection: boolean) =>
  `a token is required (Authorization: Bearer <token>)${introspection ? '; without one only introspection is served' : ''}`;

/** The same refusal on HTTP and WebSocket for an anonymous operation that is not introspection. */
export function anonymousRefusal(
  document: DocumentNode,
  introspection: boolean,
): GraphQLError | null {
  if (introspection && isIntrospectionOnly(document)) return null;
  return new GraphQLError(tokenRequired(introspection), {
    extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode },
  });
}

/**
 * What an anonymous HTTP request may not run, decided before Apollo sees it: the query is parsed
 * under the token limit (bounded work), then must be introspection only.
 */
export function anonymousHttpRefusal(
  query: unknown,
  { introspection, maxTokens }: AnonymousRules,
): { status: number; code: GraphqlErrorCode; message: string } | null {
  if (!introspection || typeof query !== 'string')
    return { status: 401, code: 'UNAUTHENTICATED', message: tokenRequired(introspection) };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens, noLocation: true });
  } catch (err) {
    return { status: 400, code: 'GRAPHQL_PARSE_FAILED', message: (err as Error).message };
  }
  const refusal = anonymousRefusal(document, introspection);
  return refusal && { status: 401, code: 'UNAUTHENTICATED', message: refusal.message };
}
