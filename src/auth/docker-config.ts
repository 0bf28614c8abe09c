import { invalidInput } from '../core/errors';

export interface DockerConfigEntry {
  registryHost: string;
  username: string | null;
  secret: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `https://index.docker.io/v1/` -> `index.docker.io`; `quay.io/org` stays; scheme and API suffixes go. */
export function registryKey(key: string): string {
  let rest = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  rest = rest.replace(/\/+$/, '').replace(/\/v[12]$/, '');
  const slash = rest.indexOf('/');
  return slash < 0 ? rest.toLowerCase() : rest.slice(0, slash).toLowerCase() + rest.slice(slash);
}

function entryOf(key: string, value: unknown): DockerConfigEntry | string {
  if (!isObject(value)) return `${key}: not an object`;
  if (typeof value.auth === 'string' && value.auth.length > 0) {
    const decoded = Buffer.from(value.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return `${key}: auth is not base64 of "user:password"`;
    return {
      registryHost: registryKey(key),
      username: decoded.slice(0, colon),
      secret: decoded.slice(colon + 1),
    };
  }
  if (typeof value.username === 'string' && typeof value.password === 'string') {
    return { registryHost: registryKey(key), username: value.username, secret: value.password };
  }
  if (typeof value.identitytoken === 'string')
    return `${key}: identity tokens (OAuth refresh tokens) are not supported`;
  return `${key}: holds no credentials (a credential helper or credsStore keeps them; export them with "docker login" into a file without credsStore)`;
}

/**
 * Reads docker's `config.json`, podman/skopeo `auth.json` (`{"auths": {...}}`) and the legacy
 * `.dockercfg` (the same map without the `auths` wrapper). All entries or none: a bad one is named.
 */
export function parseDockerConfig(text: string): DockerConfigEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalidInput(
      'config is not JSON (expected a docker config.json, auth.json or .dockercfg)',
    );
  }
  if (!isObject(doc)) throw invalidInput('config must be a JSON object');
  const auths = 'auths' in doc ? doc.auths : doc;
  if (!isObject(auths)) throw invalidInput('config.auths must be an object');
  const entries = Object.entries(auths).map(([key, value]) => entryOf(key, value));
  const problems = entries.filter((e): e is string => typeof e === 'string');
  if (problems.length > 0)
    throw invalidInput(`config has entries regql cannot use: ${problems.join('; ')}`);
  if (entries.length === 0) throw invalidInput('config holds no registry credentials');
  return entries as DockerConfigEntry[];
}
