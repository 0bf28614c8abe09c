/**
 * Image references as users type them (`nginx`, `quay.io/ns/app:1.2`, `host:5000/a/b@sha256:..`),
 * following the grammar of distribution/reference, normalized the way docker does.
 */
export interface ImageReference {
  /** Registry host with optional port; Docker Hub is always `docker.io`. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export class ReferenceError extends Error {
  constructor(
    readonly input: string,
    readonly rule: string,
  ) {
    super(`invalid image reference "${input}": ${rule}`);
    this.name = 'ReferenceError';
  }
}

export const DOCKER_HUB = 'docker.io';
/** The names of Docker Hub's registry in pull specs, all one registry. */
export const dockerHubHosts: readonly string[] = [
  DOCKER_HUB,
  'index.docker.io',
  'registry-1.docker.io',
];
const dockerHubAliases = new Set(dockerHubHosts);

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const hostPattern = new RegExp(
  `^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`,
);
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^[\w][\w.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
export const MAX_REPOSITORY_LENGTH = 255;

/** One `/`-separated component of a repository name, as the distribution spec allows it. */
export const isRepositoryComponent = (component: string): boolean => pathComponent.test(component);

export function canonicalRegistry(host: string): string {
  const lower = host.toLowerCase();
  return dockerHubAliases.has(lower) ? DOCKER_HUB : host;
}

function looksLikeHost(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component !== component.toLowerCase()
  );
}

export function digestProblem(digest: string): string | null {
  if (!digestPattern.test(digest)) return 'digest must be algorithm:hex';
  const [algorithm, hex] = digest.split(':', 2);
  if (algorithm === 'sha256' && !/^[a-f0-9]{64}$/.test(hex))
    return 'sha256 digest must be 64 lower-case hex characters';
  if (algorithm === 'sha512' && !/^[a-f0-9]{128}$/.test(hex))
    return 'sha512 digest must be 128 lower-case hex characters';
  return null;
}

export function parseReference(input: string): ImageReference {
  const fail = (rule: string): never => {
    throw new ReferenceError(input, rule);
  };
  if (input.length === 0) fail('must not be empty');
  if (/\s/.test(input)) fail('must not contain white space');
  if (input.includes('://')) fail('must not carry a URL scheme');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) fail(problem);
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) fail('tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
  }

  const components = rest.split('/');
  let registry: string = DOCKER_HUB;
  if (components.length > 1 && looksLikeHost(components[0])) {
    const host = components.shift() as string;
    if (!hostPattern.test(host)) fail(`registry host "${host}" is not a valid host[:port]`);
    registry = canonicalRegistry(host);
  }
  if (components.some((c) => c.length === 0)) fail('repository path has an empty component');
  for (const component of components) {
    if (!pathComponent.test(component)) {
      fail(
        `repository component "${component}" must be lower-case letters and digits separated by ".", "_", "__" or "-"`,
      );
    }
  }
  if (registry === DOCKER_HUB && components.length === 1) components.unshift('library');
  const repository = components.join('/');
  if (repository.length > MAX_REPOSITORY_LENGTH)
    fail(`repository name must be at most ${MAX_REPOSITORY_LENGTH} characters`);
  return {
    registry,
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${
    ref.digest !== undefined ? `@${ref.digest}` : ''
  }`;
}
