import { STATUS_CODES } from 'node:http';
import projectOperations from '../../schema/operation-names.json';

/**
 * Label values come from bounded sets only, so no client can grow /metrics: an operation name is
 * kept only if one of the project's own documents (schema/operation-names.json, written by
 * `npm run codegen`) or the deployer (`graphql.metricOperations`) names it.
 */
export function operationLabeler(
  extraOperations: readonly string[],
): (name: string | null | undefined) => string {
  const known = new Set([...projectOperations, ...extraOperations]);
  return (name) => {
    if (!name) return 'anonymous';
    return known.has(name) ? name : 'other';
  };
}

/** Registries a pull spec's host made up on the fly (`host:<anything>`) share one value. */
export const registryLabel = (registry: string): string =>
  registry.startsWith('host:') ? 'other' : registry;

/** An upstream's status as sent, if HTTP defines it; 0 means no answer. */
export const statusLabel = (status: number): string =>
  status === 0 || STATUS_CODES[status] ? String(status) : 'other';
