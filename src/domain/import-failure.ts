/** OpenShift's ImportSuccess=False reasons, from the codes upstream errors carry. */
const reasons: Record<string, string> = {
  UPSTREAM_UNAUTHORIZED: 'Unauthorized',
  UPSTREAM_NOT_FOUND: 'NotFound',
  UPSTREAM_RATE_LIMITED: 'TooManyRequests',
  UPSTREAM_UNAVAILABLE: 'Unavailable',
  UPSTREAM_INVALID: 'InvalidManifest',
  UPSTREAM_UNSUPPORTED: 'UnsupportedManifest',
  PLATFORM_NOT_FOUND: 'PlatformNotFound',
  FORBIDDEN: 'Forbidden',
  EGRESS_DENIED: 'EgressDenied',
};

export const importFailureReason = (code: string): string => reasons[code] ?? 'InternalError';
