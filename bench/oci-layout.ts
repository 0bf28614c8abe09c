import { execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomFill } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sha256Digest } from '../src/oci/digest';
import { OCI_MANIFEST } from '../src/oci/media-types';
import { fileDigest, layoutBlobPath } from '../test/helpers/images';

/**
 * The image the registry benchmarks move: an OCI layout of LAYER_COUNT layers of random bytes,
 * skopeo run with an empty blob-info cache, and the check of what a pull gave back.
 */

export const MIB = 1024 * 1024;
export const LAYER_COUNT = 4;
/** BENCH_LAYER_MIB (default 256) makes a smaller image, for trying the benchmark out. */
export const LAYER_BYTES = Number(process.env.BENCH_LAYER_MIB || 256) * MIB;
const CHUNK_BYTES = 4 * MIB;
export const TAG = 'v1';
const SKOPEO_TIMEOUT_MS = 600_000;
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
/** Where skopeo keeps its blob-info cache when it runs as root, whatever its HOME. */
const ROOT_BLOB_INFO_CACHE = '/var/lib/containers/cache';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Layout {
  dir: string;
  manifest: Buffer;
  manifestDigest: string;
  /** The config, then the layers: what a push uploads and a pull reads back. */
  blobs: Descriptor[];
  /** All blob bytes, the manifest aside: what MiB/s is counted over. */
  bytes: number;
}

/** Writes `size` random bytes into the layout's blobs, streaming and hashing; returns the digest. */
async function writeRandomBlob(layoutDir: string, size: number): Promise<string> {
  const temp = join(layoutDir, 'blobs', 'writing.tmp');
  const file = await open(temp, 'w');
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(CHUNK_BYTES);
  try {
    for (let written = 0; written < size; written += CHUNK_BYTES) {
      const part = chunk.subarray(0, Math.min(CHUNK_BYTES, size - written));
      await promisify(randomFill)(part);
      hash.update(part);
      await file.write(part);
    }
  } finally {
    await file.close();
  }
  const digest = `sha256:${hash.digest('hex')}`;
  await rename(temp, layoutBlobPath(layoutDir, digest));
  return digest;
}

/** Builds the OCI layout: LAYER_COUNT random layers, a config naming them, a manifest, tag TAG. */
export async function buildLayout(dir: string): Promise<Layout> {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layers: Descriptor[] = [];
  for (let i = 0; i < LAYER_COUNT; i++) {
    const digest = await writeRandomBlob(dir, LAYER_BYTES);
    layers.push({ mediaType: OCI_LAYER, digest, size: LAYER_BYTES });
  }
  const putJson = (value: object) => {
    const bytes = Buffer.from(JSON.stringify(value));
    writeFileSync(layoutBlobPath(dir, sha256Digest(bytes)), bytes);
    return bytes;
  };
  const configBytes = putJson({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'io.regql.bench': 'registry' } },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  });
  const config = {
    mediaType: OCI_CONFIG,
    digest: sha256Digest(configBytes),
    size: configBytes.length,
  };
  const manifest = putJson({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers });
  const manifestDigest = sha256Digest(manifest);
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: manifestDigest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': TAG },
        },
      ],
    }),
  );
  const blobs = [config, ...layers];
  return { dir, manifest, manifestDigest, blobs, bytes: blobs.reduce((n, b) => n + b.size, 0) };
}

/**
 * Runs skopeo --debug with a private HOME and a fresh, empty blob-info cache. As root, skopeo
 * keeps that cache in ROOT_BLOB_INFO_CACHE whatever its HOME, so it runs in its own mount
 * namespace with an empty directory bound over that one. Resolves to skopeo's debug output.
 */
export function skopeoWithEmptyCache(workDir: string, running: Set<ChildProcess>) {
  let calls = 0;
  return (args: string[]) => {
    const home = join(workDir, `skopeo-${++calls}`);
    mkdirSync(join(home, 'cache'), { recursive: true });
    const env = { ...process.env, HOME: home, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home };
    const asRoot = process.getuid?.() === 0;
    const [command, argv] = asRoot
      ? [
          'unshare',
          [
            '--mount',
            '--propagation',
            'private',
            'sh',
            '-c',
            `mkdir -p ${ROOT_BLOB_INFO_CACHE} && mount --bind "$0" ${ROOT_BLOB_INFO_CACHE} && exec skopeo "$@"`,
            join(home, 'cache'),
            '--debug',
            ...args,
          ],
        ]
      : ['skopeo', ['--debug', ...args]];
    return new Promise<string>((done, fail) => {
      const child = execFile(
        command,
        argv,
        { env, timeout: SKOPEO_TIMEOUT_MS, maxBuffer: 64 * MIB },
        (err, _stdout, stderr) => {
          running.delete(child);
          rmSync(home, { recursive: true, force: true });
          if (err)
            fail(new Error(`skopeo ${args.join(' ')}: ${err.message}\n${stderr.slice(-4000)}`));
          else done(stderr);
        },
      );
      running.add(child);
    });
  };
}

/** What in skopeo's --debug output says a blob was not moved (reused, mounted or skipped). */
export const skippedBlobLines = (debug: string) =>
  debug
    .split('\n')
    .filter((line) => /Skipping blob|already present|Trying to reuse|mount=sha256/i.test(line));

/** Checks a layout skopeo pulled into: the same manifest, every blob whole; returns what differs. */
export async function checkPulledLayout(dir: string, layout: Layout): Promise<string[]> {
  const problems: string[] = [];
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests: Descriptor[];
  };
  const digests = index.manifests.map((m) => m.digest);
  if (digests.length !== 1 || digests[0] !== layout.manifestDigest)
    problems.push(`index.json names ${digests.join(', ')}, not ${layout.manifestDigest}`);
  const manifest = readFileSync(layoutBlobPath(dir, layout.manifestDigest), { flag: 'r' });
  if (!manifest.equals(layout.manifest)) problems.push('the pulled manifest differs');
  for (const blob of layout.blobs) {
    const path = layoutBlobPath(dir, blob.digest);
    const size = statSync(path, { throwIfNoEntry: false })?.size;
    if (size !== blob.size) problems.push(`blob ${blob.digest}: ${size ?? 'no'} bytes`);
    else if ((await fileDigest(path)) !== blob.digest)
      problems.push(`blob ${blob.digest}: the file hashes to something else`);
  }
  return problems;
}
