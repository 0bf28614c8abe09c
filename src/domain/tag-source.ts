import { invalidInput } from '../core/errors';
import type { TagSource, TagSourceKind } from '../store/image-stream-records';
import { assertDnsLabel, assertTag } from './names';
import { digestProblem, formatReference, parseReference, ReferenceError } from '../oci/reference';

const streamTagPattern = /^(?:([^/:@]+)\/)?([^/:@]+):([^/:@]+)$/;
const streamImagePattern = /^(?:([^/:@]+)\/)?([^/:@]+)@(.+)$/;

function hasRegistryHost(spec: string): boolean {
  const first = spec.split('/')[0];
  return (
    spec.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  );
}

function inferKind(spec: string): TagSourceKind {
  if (hasRegistryHost(spec)) return 'DOCKER_IMAGE';
  if (streamImagePattern.test(spec)) return 'IMAGE_STREAM_IMAGE';
  if (streamTagPattern.test(spec)) return 'IMAGE_STREAM_TAG';
  return 'DOCKER_IMAGE';
}

/**
 * Reads a tag source the way `oc tag` does: a spec with a registry host is an external image,
 * `stream:tag` / `ns/stream:tag` is another stream's tag, `stream@digest` a fixed image.
 * Docker Hub short names need an explicit kind (or the `docker.io/` prefix).
 */
export function parseTagSource(spec: string, namespace: string, kind?: TagSourceKind): TagSource {
  const resolved = kind ?? inferKind(spec);
  if (resolved === 'DOCKER_IMAGE') {
    try {
      return { kind: resolved, name: formatReference(parseReference(spec)) };
    } catch (err) {
      if (err instanceof ReferenceError) throw invalidInput(`from: ${err.message}`);
      throw err;
    }
  }
  if (resolved === 'IMAGE_STREAM_TAG') {
    const match = streamTagPattern.exec(spec);
    if (!match) throw invalidInput(`from: "${spec}" is not of the form [namespace/]stream:tag`);
    const [, ns = namespace, stream, tag] = match;
    assertDnsLabel('from namespace', ns);
    assertDnsLabel('from stream', stream);
    assertTag(tag);
    return { kind: resolved, name: `${ns}/${stream}:${tag}` };
  }
  const match = streamImagePattern.exec(spec);
  if (!match) throw invalidInput(`from: "${spec}" is not of the form [namespace/]stream@digest`);
  const [, ns = namespace, stream, digest] = match;
  assertDnsLabel('from namespace', ns);
  assertDnsLabel('from stream', stream);
  const problem = digestProblem(digest);
  if (problem) throw invalidInput(`from: ${problem}`);
  return { kind: resolved, name: `${ns}/${stream}@${digest}` };
}
