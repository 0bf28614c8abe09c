/** The kinds of credential the vault keeps; a plugin names those its registries take. */
export const credentialKinds = [
  'BASIC',
  'TOKEN',
  'REDHAT_SERVICE_ACCOUNT',
  'QUAY_ROBOT',
  'DOCKER_HUB_TOKEN',
] as const;
export type CredentialKind = (typeof credentialKinds)[number];

/** A decrypted credential, held in memory only for the requests that use it. */
export interface RegistryCredential {
  /** Stable id, part of token-cache keys; never the secret. */
  id: string;
  username: string | null;
  secret: string;
  /** One of `credentialKinds`. */
  kind: string;
}

/** Registries take every kind of secret as the password of HTTP Basic on their token endpoint. */
export function basicAuthorization(credential: RegistryCredential): string {
  const user = credential.username ?? 'token';
  return `Basic ${Buffer.from(`${user}:${credential.secret}`, 'utf8').toString('base64')}`;
}
