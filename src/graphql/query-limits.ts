import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ErrorCode } from '../core/error-codes';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
}

function selectionDepth(
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  let deepest = 0;
  for (const selection of set.selections) {
    let depth: number;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      depth = selection.selectionSet
        ? 1 + selectionDepth(selection.selectionSet, fragments, visiting)
        : 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = selectionDepth(selection.selectionSet, fragments, visiting);
    } else {
      const name = selection.name.value;
      const fragment = fragments[name];
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      depth = selectionDepth(fragment.selectionSet, fragments, visiting);
      visiting.delete(name);
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

function depthError(
  document: DocumentNode,
  operationName: string | undefined,
  maxDepth: number,
): GraphQLError | null {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operations.find((o) => !operationName || o.name?.value === operationName);
  if (!operation) return null;
  const depth = selectionDepth(operation.selectionSet, fragments, new Set());
  if (depth <= maxDepth) return null;
  return new GraphQLError(`query is ${depth} levels deep; the limit is ${maxDepth}`, {
    extensions: { code: 'QUERY_TOO_DEEP' satisfies ErrorCode, depth, maxDepth },
  });
}

/**
 * Depth, then cost (each field 1, connections multiplied by their page size) of the operation
 * about to run; the first limit it breaks, or null. Checked after validation, on HTTP and WebSocket.
 */
export function queryLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  { maxDepth, maxComplexity }: QueryLimits,
): GraphQLError | null {
  const tooDeep = depthError(document, operationName, maxDepth);
  if (tooDeep) return tooDeep;
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    return new GraphQLError((err as Error).message, {
      extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode },
    });
  }
  if (complexity <= maxComplexity) return null;
  return new GraphQLError(`query costs ${complexity}; the limit is ${maxComplexity}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX' satisfies ErrorCode, complexity, maxComplexity },
  });
}
