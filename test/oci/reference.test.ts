import fc from 'fast-check';
import {
  formatReference,
  parseReference,
  ReferenceError,
  type ImageReference,
} from '../../src/oci/reference';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('image references', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['library/nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['index.docker.io/x/y', { registry: 'docker.io', repository: 'x/y' }],
    [`docker.io/x/y@${digest}`, { registry: 'docker.io', repository: 'x/y', digest }],
    ['host:5000/a/b/c:tag', { registry: 'host:5000', repository: 'a/b/c', tag: 'tag' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    [
      `quay.io/ns/app:v1@${digest}`,
      { registry: 'quay.io', repository: 'ns/app', tag: 'v1', digest },
    ],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
    ['ghcr.io/a__b/c-d.e:x_Y', { registry: 'ghcr.io', repository: 'a__b/c-d.e', tag: 'x_Y' }],
  ])('parses %s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    ['', /must not be empty/],
    ['Nginx', /repository component "Nginx"/],
    ['quay.io/ns/app:', /tag must match/],
    ['quay.io/ns/app:-x', /tag must match/],
    ['quay.io//app', /empty component/],
    ['quay.io/ns/app@sha256:abc', /64 lower-case hex/],
    ['https://quay.io/ns/app', /URL scheme/],
    ['quay.io/ns/a b', /white space/],
    ['bad_host:5000/app', /registry host/],
    [`quay.io/${'a'.repeat(256)}`, /at most 255/],
  ])('rejects %j with the rule that failed', (input, rule) => {
    expect(() => parseReference(input)).toThrow(ReferenceError);
    expect(() => parseReference(input)).toThrow(rule);
  });

  const component = fc
    .stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/)
    .filter((c) => c.length <= 30);
  const reference: fc.Arbitrary<ImageReference> = fc
    .record({
      registry: fc.constantFrom(
        'docker.io',
        'quay.io',
        'registry.example.com:5000',
        'localhost:5000',
        '[::1]:443',
      ),
      path: fc.array(component, { minLength: 2, maxLength: 4 }),
      tag: fc.option(fc.stringMatching(/^[\w][\w.-]{0,127}$/), { nil: undefined }),
      digest: fc.option(
        fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`),
        { nil: undefined },
      ),
    })
    .map(({ registry, path, tag, digest: d }) => ({
      registry,
      repository: path.join('/'),
      ...(tag !== undefined && { tag }),
      ...(d !== undefined && { digest: d }),
    }));

  it('parse(format(x)) == x for every valid reference', () => {
    fc.assert(
      fc.property(reference, (ref) => expect(parseReference(formatReference(ref))).toEqual(ref)),
      {
        numRuns: 500,
      },
    );
  });
});
