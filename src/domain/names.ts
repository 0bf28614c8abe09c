import { invalidInput } from '../core/errors';

/**
 * Namespace and image-stream names follow the Kubernetes DNS label rules (RFC 1123).
 * Returns the first rule the value breaks, or null.
 */
export function dnsLabelProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 63) return 'must be at most 63 characters';
  if (/[A-Z]/.test(value)) return 'must be lower case';
  if (/[^a-z0-9-]/.test(value)) return 'may contain only a-z, 0-9 and "-"';
  if (!/^[a-z0-9]/.test(value)) return 'must start with a letter or digit';
  if (!/[a-z0-9]$/.test(value)) return 'must end with a letter or digit';
  return null;
}

export function assertDnsLabel(what: string, value: string): void {
  const problem = dnsLabelProblem(value);
  if (problem) throw invalidInput(`${what} "${value}" is not a valid DNS label: it ${problem}`);
}

/** A tag name as the OCI distribution spec allows it. */
export function tagProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 128) return 'must be at most 128 characters';
  if (!/^[a-zA-Z0-9_]/.test(value)) return 'must start with a letter, digit or "_"';
  if (/[^a-zA-Z0-9_.-]/.test(value)) return 'may contain only letters, digits, "_", "." and "-"';
  return null;
}

export function assertTag(value: string): void {
  const problem = tagProblem(value);
  if (problem) throw invalidInput(`tag "${value}" is not valid: it ${problem}`);
}
