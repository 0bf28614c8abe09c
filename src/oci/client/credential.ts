/**
 * The kinds of credential every registry can take: a user name and password, or a bare token.
 * Vendors add their own kinds in their plugins (`vendorCredentials`).
 */
export const genericCredentialKinds = ['BASIC', 'TOKEN'] as const;

/** A decrypted credential, held in memory only for the requests that use it. */
export interface RegistryCredential {
  /** Stable id, part of token-cache keys; never the secret. */
  id: string;
  username: string | null;
  secret: string;
  /** BASIC, TOKEN or a kind a plugin defines. */
  kind: string;
}

/** Registries take every kind of secret as the password of HTTP Basic on their token endpoint. */
export function basicAuthorization(credential: RegistryCredential): string {
  const user = credential.username ?? 'token';
  return `Basic ${Buffer.from(`${user}:${credential.secret}`, 'utf8').toString('base64')}`;
}
