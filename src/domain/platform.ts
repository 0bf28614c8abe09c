import { invalidInput } from '../core/errors';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

export function parsePlatform(value: string): Platform {
  const parts = value.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9_.-]+$/.test(p))) {
    throw invalidInput(`platform "${value}" is not os/architecture[/variant], e.g. linux/arm64/v8`);
  }
  const [os, architecture, variant] = parts;
  return { os, architecture, ...(variant && { variant }) };
}

export const formatPlatform = (p: Platform) =>
  [p.os, p.architecture, p.variant].filter(Boolean).join('/');

/** The entry of a manifest list for `wanted`: the variant must match only when one is asked for. */
export function pickPlatform<T extends { platform?: Platform }>(
  manifests: T[],
  wanted: Platform,
): T | undefined {
  return manifests.find(
    (m) =>
      m.platform?.os === wanted.os &&
      m.platform.architecture === wanted.architecture &&
      (!wanted.variant || m.platform.variant === wanted.variant),
  );
}
