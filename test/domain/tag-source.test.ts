import { RegqlError } from '../../src/core/errors';
import { parseTagSource } from '../../src/domain/tag-source';

describe('tag sources, read the way oc tag reads them', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  it.each([
    ['quay.io/ns/app:1', undefined, { kind: 'DOCKER_IMAGE', name: 'quay.io/ns/app:1' }],
    ['localhost:5000/app', undefined, { kind: 'DOCKER_IMAGE', name: 'localhost:5000/app' }],
    ['app:latest', undefined, { kind: 'IMAGE_STREAM_TAG', name: 'home/app:latest' }],
    ['other/app:latest', undefined, { kind: 'IMAGE_STREAM_TAG', name: 'other/app:latest' }],
    [`app@${digest}`, undefined, { kind: 'IMAGE_STREAM_IMAGE', name: `home/app@${digest}` }],
    ['nginx', undefined, { kind: 'DOCKER_IMAGE', name: 'docker.io/library/nginx' }],
    ['nginx:1.27', 'DOCKER_IMAGE', { kind: 'DOCKER_IMAGE', name: 'docker.io/library/nginx:1.27' }],
  ] as const)('%s (%s)', (spec, kind, expected) => {
    expect(parseTagSource(spec, 'home', kind)).toEqual(expected);
  });

  it.each([
    ['app', 'IMAGE_STREAM_TAG', /not of the form \[namespace\/\]stream:tag/],
    ['Bad/app:x', 'IMAGE_STREAM_TAG', /from namespace "Bad"/],
    ['app:x', 'IMAGE_STREAM_IMAGE', /not of the form \[namespace\/\]stream@digest/],
  ] as const)('refuses %s as %s', (spec, kind, message) => {
    expect(() => parseTagSource(spec, 'home', kind)).toThrow(RegqlError);
    expect(() => parseTagSource(spec, 'home', kind)).toThrow(message);
  });
});
