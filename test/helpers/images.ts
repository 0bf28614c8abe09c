import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Credentials {
  username: string;
  password: string;
}

/** skopeo with a private, empty blob-info cache so nothing is skipped across tests. */
export async function skopeo(args: string[]): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'regql-skopeo-'));
  const { stdout } = await run('skopeo', args, {
    env: { ...process.env, HOME: home, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** Where an OCI layout keeps the blob (or manifest) with this sha256 digest. */
export const layoutBlobPath = (layout: string, digest: string): string =>
  join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));

/** The sha256 digest of a file, read as a stream. */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

const credsArg = (flag: string, creds?: Credentials) =>
  creds ? [`--${flag}=${creds.username}:${creds.password}`] : [];

export async function skopeoCopy(
  source: string,
  destination: string,
  options: { all?: boolean; srcCreds?: Credentials; destCreds?: Credentials } = {},
): Promise<void> {
  await skopeo([
    'copy',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    ...(options.all ? ['--all'] : []),
    ...credsArg('src-creds', options.srcCreds),
    ...credsArg('dest-creds', options.destCreds),
    source,
    destination,
  ]);
}

function indexOf(layout: string): {
  manifests: (Descriptor & { annotations?: Record<string, string> })[];
} {
  return JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
}

function descriptorOf(layout: string, tag: string): Descriptor {
  const found = indexOf(layout).manifests.find(
    (m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag,
  );
  if (!found) throw new Error(`no ${tag} in ${layout}`);
  return { mediaType: found.mediaType, digest: found.digest, size: found.size };
}

/**
 * Builds a one-layer OCI image offline with umoci, as `oci:<layout>:<tag>`; `marker` makes its
 * layer, and so its digest, unique.
 */
export async function buildImage(
  options: {
    layout?: string;
    tag?: string;
    marker?: string;
    architecture?: string;
    labels?: Record<string, string>;
  } = {},
): Promise<{ layout: string; tag: string; descriptor: Descriptor }> {
  const layout = options.layout ?? join(mkdtempSync(join(tmpdir(), 'regql-image-')), 'layout');
  const tag = options.tag ?? 'v1';
  const bundle = mkdtempSync(join(tmpdir(), 'regql-bundle-'));
  if (!options.layout) await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:${tag}`]);
  await run('umoci', ['unpack', '--rootless', '--image', `${layout}:${tag}`, join(bundle, 'b')]);
  writeFileSync(join(bundle, 'b', 'rootfs', 'marker'), `${options.marker ?? Math.random()}\n`);
  await run('umoci', ['repack', '--image', `${layout}:${tag}`, join(bundle, 'b')]);
  const labels = Object.entries(options.labels ?? {}).flatMap(([k, v]) => [
    '--config.label',
    `${k}=${v}`,
  ]);
  await run('umoci', [
    'config',
    '--image',
    `${layout}:${tag}`,
    '--os',
    'linux',
    '--architecture',
    options.architecture ?? 'amd64',
    ...labels,
  ]);
  return { layout, tag, descriptor: descriptorOf(layout, tag) };
}

/** An OCI image index over one umoci image per platform, stored in the layout as tag `multi`. */
export async function buildIndex(
  architectures: string[] = ['amd64', 'arm64'],
): Promise<{ layout: string; tag: string; descriptor: Descriptor; platforms: Descriptor[] }> {
  const layout = join(mkdtempSync(join(tmpdir(), 'regql-index-')), 'layout');
  await run('umoci', ['init', '--layout', layout]);
  const platforms: (Descriptor & { platform: { os: string; architecture: string } })[] = [];
  for (const architecture of architectures) {
    const { descriptor } = await buildImage({
      layout,
      tag: architecture,
      architecture,
      marker: `${architecture}-${Math.random()}`,
    });
    platforms.push({ ...descriptor, platform: { os: 'linux', architecture } });
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: platforms,
    }),
  );
  const hex = createHash('sha256').update(index).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', hex), index);
  const descriptor: Descriptor = {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: `sha256:${hex}`,
    size: index.length,
  };
  const top = indexOf(layout);
  top.manifests.push({
    ...descriptor,
    annotations: { 'org.opencontainers.image.ref.name': 'multi' },
  });
  writeFileSync(join(layout, 'index.json'), JSON.stringify(top));
  return { layout, tag: 'multi', descriptor, platforms };
}
