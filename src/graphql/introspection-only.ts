import {
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

const introspectionFields = new Set(['__schema', '__type', '__typename']);

function onlyIntrospection(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): boolean {
  return set.selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return introspectionFields.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT)
      return onlyIntrospection(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    const fragment = fragments.get(name);
    if (!fragment) return false;
    if (seen.has(name)) return true;
    seen.add(name);
    return onlyIntrospection(fragment.selectionSet, fragments, seen);
  });
}

/**
 * True when every operation of the document is a query whose root fields (through fragments)
 * are all `__schema`, `__type` or `__typename`: the only thing served without a token.
 */
export function isIntrospectionOnly(document: DocumentNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    operations += 1;
    if (definition.operation !== OperationTypeNode.QUERY) return false;
    if (!onlyIntrospection(definition.selectionSet, fragments, new Set())) return false;
  }
  return operations > 0;
}
