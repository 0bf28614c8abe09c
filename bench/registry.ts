import { createHash } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { sha256Digest } from '../src/oci/digest';
import { OCI_MANIFEST } from '../src/oci/media-types';
import { startDockerRegistry } from '../test/helpers/docker-registry';
import { layoutBlobPath } from '../test/helpers/images';
import {
  buildLayout,
  checkPulledLayout,
  LAYER_BYTES,
  LAYER_COUNT,
  MIB,
  skippedBlobLines,
  skopeoWithEmptyCache,
  TAG,
  type Descriptor,
  type Layout,
} from './oci-layout';
import { runMirrorPart, type MirrorFigures } from './registry-mirror';
import {
  authHeaders,
  buildWithTsc,
  childPidNamed,
  dockerRegistryVersion,
  elapsed,
  expectStatus,
  processCpuSeconds,
  processMemoryMib,
  randomAdminToken,
  releaseResources,
  type Resources,
  runBenchmark,
  SetupError,
  startReadyRegql,
  verificationLines,
} from './support';

/**
 * The integrated registry (regql's /v2) against docker-registry, moving one 1 GiB image of four
 * 256 MiB layers of random bytes, RUNS times each, every run to a fresh repository:
 *
 * - skopeo: `copy` from an OCI layout to the registry, then back into a fresh OCI layout, with a
 *   private, empty blob-info cache (so no blob is skipped or mounted; its --debug output is
 *   checked for that) and --preserve-digests (so skopeo moves the blobs as they are rather than
 *   gzipping them); skopeo uploads each blob as POST, one streaming PATCH, then PUT;
 * - raw HTTP (undici): each blob uploaded monolithically (POST, then PUT ?digest= streaming the
 *   file), one after the other, then the manifest; the pull GETs the manifest and each blob in
 *   turn, hashing as it reads.
 *
 * - mirror: the same image copied from docker-registry into regql's integrated registry, RUNS
 *   times each, alternating: `skopeo copy` between the two registries and regql's own
 *   `mirrorImage` (timed from the mutation until its job ended), each to a fresh repository.
 *
 * BENCH_PARTS (default `registry,mirror`) picks the parts. docker-registry runs without auth;
 * regql with its admin token, as a bearer token from /auth/token. Each server's CPU time (utime + stime) and peak RSS (VmHWM) come from /proc.
 *
 *   npx ts-node --transpile-only bench/registry.ts
 *
 * It needs about 1 GiB for the layout, 1 GiB per server for what they store and 1 GiB at a time
 * for what skopeo pulls, all in one temp directory removed at the end.
 */

const RUNS = 3;
const NAMESPACE = 'bench';
const TRANSFER_TIMEOUT_MS = 600_000;
const GOAL_PULL_RATIO = 1;
const GOAL_PUSH_RATIO = 2;
const GOAL_PEAK_RSS_MIB = 200;
const GOAL_MIRROR_RATIO = 1.2;
const PARTS = (process.env.BENCH_PARTS || 'registry,mirror').split(',');
const MIRROR_SOURCE = `${NAMESPACE}/mirror-source`;
const ADMIN_TOKEN = randomAdminToken();

const SERVERS = ['docker-registry', 'regql'] as const;
type ServerName = (typeof SERVERS)[number];
const METHODS = ['skopeo', 'raw HTTP'] as const;
type Method = (typeof METHODS)[number];
const DIRECTIONS = ['push', 'pull'] as const;
type Direction = (typeof DIRECTIONS)[number];

interface Server {
  name: ServerName;
  url: string;
  host: string;
  pid: number;
  /** skopeo's --src-creds / --dest-creds, if the server needs any. */
  creds?: string;
}

/** One push or pull: how long it took and how much CPU the server spent meanwhile. */
interface Sample {
  seconds: number;
  cpuSeconds: number;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Uploads every blob monolithically (POST, then PUT ?digest= with the file), then the manifest. */
async function rawPush(
  server: Server,
  repository: string,
  layout: Layout,
  headers: Record<string, string>,
): Promise<void> {
  const options = {
    headers,
    headersTimeout: TRANSFER_TIMEOUT_MS,
    bodyTimeout: TRANSFER_TIMEOUT_MS,
  };
  for (const blob of layout.blobs) {
    const started = await request(`${server.url}/v2/${repository}/blobs/uploads/`, {
      ...options,
      method: 'POST',
    });
    const location = started.headers.location;
    await expectStatus(`${server.name}: POST /v2/${repository}/blobs/uploads/`, started, 202);
    if (typeof location !== 'string') throw new Error(`${server.name}: POST gave no Location`);
    const put = new URL(location, server.url);
    put.searchParams.set('digest', blob.digest);
    const finished = await request(put, {
      ...options,
      method: 'PUT',
      headers: {
        ...headers,
        'content-type': 'application/octet-stream',
        'content-length': String(blob.size),
      },
      body: createReadStream(layoutBlobPath(layout.dir, blob.digest)),
    });
    await expectStatus(`${server.name}: PUT ${put.pathname}?digest=${blob.digest}`, finished, 201);
  }
  const manifest = await request(`${server.url}/v2/${repository}/manifests/${TAG}`, {
    ...options,
    method: 'PUT',
    headers: { ...headers, 'content-type': OCI_MANIFEST },
    body: layout.manifest,
  });
  await expectStatus(`${server.name}: PUT /v2/${repository}/manifests/${TAG}`, manifest, 201);
}

/** GETs the manifest, then each blob it names, hashing as it reads; returns what differs. */
async function rawPull(
  server: Server,
  repository: string,
  layout: Layout,
  headers: Record<string, string>,
): Promise<string[]> {
  const options = {
    headers,
    headersTimeout: TRANSFER_TIMEOUT_MS,
    bodyTimeout: TRANSFER_TIMEOUT_MS,
  };
  const problems: string[] = [];
  const res = await request(`${server.url}/v2/${repository}/manifests/${TAG}`, {
    ...options,
    headers: { ...headers, accept: OCI_MANIFEST },
  });
  if (res.statusCode !== 200) {
    await expectStatus(`${server.name}: GET /v2/${repository}/manifests/${TAG}`, res, 200);
  }
  const manifestBytes = Buffer.from(await res.body.arrayBuffer());
  if (sha256Digest(manifestBytes) !== layout.manifestDigest)
    problems.push(
      `manifest hashes to ${sha256Digest(manifestBytes)}, not ${layout.manifestDigest}`,
    );
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as {
    config: Descriptor;
    layers: Descriptor[];
  };
  for (const blob of [manifest.config, ...manifest.layers]) {
    const got = await request(`${server.url}/v2/${repository}/blobs/${blob.digest}`, options);
    if (got.statusCode !== 200) {
      await expectStatus(`${server.name}: GET /v2/${repository}/blobs/${blob.digest}`, got, 200);
    }
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of got.body) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const digest = `sha256:${hash.digest('hex')}`;
    if (digest !== blob.digest || size !== blob.size)
      problems.push(`blob ${blob.digest}: read ${size} bytes hashing to ${digest}`);
  }
  const names = (blobs: Descriptor[]) => blobs.map((b) => b.digest).join(',');
  if (names([manifest.config, ...manifest.layers]) !== names(layout.blobs))
    problems.push('the manifest names other blobs than were pushed');
  return problems;
}

async function startServers(workDir: string, res: Resources): Promise<Server[]> {
  log('building src/ and plugins/ with tsc');
  const outDir = buildWithTsc(workDir, ['src', 'plugins']);
  log('starting docker-registry and regql');
  const registry = (res.registry = await startDockerRegistry());
  const {
    regql,
    url: regqlUrl,
    port,
  } = await startReadyRegql({ outDir, workDir, adminToken: ADMIN_TOKEN, args: ['serve'], res });
  if (regql.process.pid === undefined) throw new SetupError('regql has no pid');
  return [
    { name: 'docker-registry', ...registry, pid: childPidNamed('docker-registry') },
    {
      name: 'regql',
      url: regqlUrl,
      host: `127.0.0.1:${port}`,
      pid: regql.process.pid,
      creds: `any:${ADMIN_TOKEN}`,
    },
  ];
}

type Samples = Map<string, Sample[]>;
const sampleKey = (server: ServerName, method: Method, direction: Direction) =>
  `${server} ${method} ${direction}`;

/** Runs `work`, timing it and reading the server's CPU time around it. */
async function measure(
  samples: Samples,
  server: Server,
  method: Method,
  direction: Direction,
  work: () => Promise<unknown>,
): Promise<Sample> {
  const cpu = processCpuSeconds(server.pid);
  const start = performance.now();
  await work();
  const sample = { seconds: elapsed(start), cpuSeconds: processCpuSeconds(server.pid) - cpu };
  const key = sampleKey(server.name, method, direction);
  samples.set(key, [...(samples.get(key) ?? []), sample]);
  return sample;
}

/** One run against one server: skopeo push and pull, then raw HTTP push and pull. */
async function runOnce(
  run: number,
  server: Server,
  layout: Layout,
  workDir: string,
  samples: Samples,
  skopeo: (args: string[]) => Promise<string>,
): Promise<string[]> {
  const problems: string[] = [];
  const label = `${server.name} run ${run}`;
  const mibps = (s: Sample) => `${(layout.bytes / MIB / s.seconds).toFixed(0)} MiB/s`;
  const creds = (flag: string) => (server.creds ? [`--${flag}-creds`, server.creds] : []);

  const skopeoRepo = `${NAMESPACE}/skopeo-${run}`;
  let debug = '';
  const push = await measure(samples, server, 'skopeo', 'push', async () => {
    debug = await skopeo([
      'copy',
      '--preserve-digests',
      '--dest-tls-verify=false',
      ...creds('dest'),
      `oci:${layout.dir}:${TAG}`,
      `docker://${server.host}/${skopeoRepo}:${TAG}`,
    ]);
  });
  const skipped = skippedBlobLines(debug);
  if (skipped.length > 0)
    problems.push(`${label}: skopeo push skipped blobs: ${skipped.slice(0, 3).join(' | ')}`);
  const uploaded = debug.match(/Upload of layer sha256:[0-9a-f]+ complete/g)?.length ?? 0;
  if (uploaded !== layout.blobs.length)
    problems.push(`${label}: skopeo uploaded ${uploaded} blobs, not ${layout.blobs.length}`);
  const pulledDir = join(workDir, `pulled-${server.name}-${run}`);
  const pull = await measure(samples, server, 'skopeo', 'pull', async () => {
    debug = await skopeo([
      'copy',
      '--preserve-digests',
      '--src-tls-verify=false',
      ...creds('src'),
      `docker://${server.host}/${skopeoRepo}:${TAG}`,
      `oci:${pulledDir}:${TAG}`,
    ]);
  });
  problems.push(
    ...(await checkPulledLayout(pulledDir, layout)).map((p) => `${label} skopeo: ${p}`),
  );
  rmSync(pulledDir, { recursive: true, force: true });
  log(`${label}: skopeo push ${mibps(push)}, pull ${mibps(pull)}`);

  const rawRepo = `${NAMESPACE}/raw-${run}`;
  const headers = await authHeaders(server, rawRepo);
  const rawPushed = await measure(samples, server, 'raw HTTP', 'push', () =>
    rawPush(server, rawRepo, layout, headers),
  );
  let pullProblems: string[] = [];
  const rawPulled = await measure(samples, server, 'raw HTTP', 'pull', async () => {
    pullProblems = await rawPull(server, rawRepo, layout, headers);
  });
  problems.push(...pullProblems.map((p) => `${label} raw HTTP: ${p}`));
  log(`${label}: raw HTTP push ${mibps(rawPushed)}, pull ${mibps(rawPulled)}`);
  return problems;
}

const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');

function mirrorLines(layout: Layout, mirror: MirrorFigures): string[] {
  const seconds = (values: number[]) =>
    `${median(values).toFixed(2)} s (${values.map((v) => v.toFixed(2)).join(', ')}), ${(layout.bytes / MIB / median(values)).toFixed(0)} MiB/s`;
  const ratio = median(mirror.skopeoSeconds) / median(mirror.mirrorSeconds);
  return [
    '',
    `mirror docker-registry -> regql's integrated registry, median of ${RUNS} (the runs in brackets):`,
    `  skopeo copy   ${seconds(mirror.skopeoSeconds)}, regql CPU ${mirror.skopeoCpu.toFixed(2)} s in all`,
    `  mirrorImage   ${seconds(mirror.mirrorSeconds)}, regql CPU ${mirror.mirrorCpu.toFixed(2)} s in all`,
    `  goal: mirrorImage at least ${GOAL_MIRROR_RATIO} x as fast as skopeo copy: ${ratio.toFixed(2)} x: ${verdict(ratio >= GOAL_MIRROR_RATIO)}`,
  ];
}

function report(figures: {
  registryVersion: string;
  layout: Layout;
  samples: Samples;
  peakRss: Record<ServerName, number>;
  rssAfterRuns: Record<ServerName, number[]>;
  problems: string[];
}): void {
  const { layout, samples, peakRss } = figures;
  const of = (server: ServerName, method: Method, direction: Direction) =>
    samples.get(sampleKey(server, method, direction)) ?? [];
  const speeds = (s: Sample[]) => s.map((x) => layout.bytes / MIB / x.seconds);
  const speed = (server: ServerName, method: Method, direction: Direction) =>
    median(speeds(of(server, method, direction)));
  const ratio = (method: Method, direction: Direction) =>
    speed('regql', method, direction) / speed('docker-registry', method, direction);
  const cpu = (server: ServerName, method: Method, direction: Direction) =>
    of(server, method, direction).reduce((sum, s) => sum + s.cpuSeconds, 0);
  const cell = (server: ServerName, method: Method, direction: Direction) =>
    `${speed(server, method, direction).toFixed(0)} (${speeds(of(server, method, direction))
      .map((v) => v.toFixed(0))
      .join(', ')})`;

  const row = (cells: string[], widths = [10, 6, 24, 24, 13]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const cpuRow = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(16) : c.padStart(12))).join('  ');
  const gib = layout.bytes / 1024 / MIB;
  const lines = [
    '',
    `registry benchmark: one image of ${LAYER_COUNT} x ${LAYER_BYTES / MIB} MiB random layers (${(layout.bytes / MIB).toFixed(1)} MiB with its config), ${RUNS} runs per server and method, each to a fresh repository`,
    `servers: ${figures.registryVersion} (no auth) and regql's /v2 (admin token, bearer from /auth/token), on loopback`,
    '',
    'MiB/s, median of 3 (the runs in brackets):',
    row(['method', 'dir', 'docker-registry', 'regql', 'regql/docker']),
    ...METHODS.flatMap((method) =>
      DIRECTIONS.map((direction) =>
        row([
          method,
          direction,
          cell('docker-registry', method, direction),
          cell('regql', method, direction),
          `${ratio(method, direction).toFixed(2)} x`,
        ]),
      ),
    ),
    '',
    `server CPU seconds, summed over the ${RUNS} runs (${(RUNS * gib).toFixed(2)} GiB each way per method):`,
    cpuRow(['server', 'skopeo push', 'skopeo pull', 'raw push', 'raw pull', 'total']),
    ...SERVERS.map((server) => {
      const parts = METHODS.flatMap((m) => DIRECTIONS.map((d) => cpu(server, m, d)));
      const total = parts.reduce((a, b) => a + b, 0);
      return cpuRow([server, ...parts.map((v) => v.toFixed(2)), total.toFixed(2)]);
    }),
    '',
    `peak RSS (VmHWM): ${SERVERS.map((s) => `${s} ${peakRss[s].toFixed(1)} MiB`).join(', ')}`,
    ...SERVERS.map(
      (s) =>
        `${s} VmRSS after each run: ${figures.rssAfterRuns[s].map((v) => v.toFixed(1)).join(', ')} MiB`,
    ),
    '',
    'goals:',
    ...METHODS.map(
      (m) =>
        `  pull at least as fast as docker-registry (${m}): ${ratio(m, 'pull').toFixed(2)} x >= ${GOAL_PULL_RATIO} x: ${verdict(ratio(m, 'pull') >= GOAL_PULL_RATIO)}`,
    ),
    ...METHODS.map(
      (m) =>
        `  upload at least ${GOAL_PUSH_RATIO} x docker-registry (${m}): ${ratio(m, 'push').toFixed(2)} x: ${verdict(ratio(m, 'push') >= GOAL_PUSH_RATIO)}`,
    ),
    `  regql peak RSS under ${GOAL_PEAK_RSS_MIB} MiB: ${peakRss.regql.toFixed(1)} MiB: ${verdict(peakRss.regql < GOAL_PEAK_RSS_MIB)}`,
    '',
    figures.problems.length === 0
      ? `verification: every pull (${RUNS * 2 * SERVERS.length}) gave back the pushed manifest and blob digests; skopeo skipped no blob`
      : 'verification: see below',
    ...verificationLines(figures.problems),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function run(workDir: string, res: Resources): Promise<boolean> {
  log(`writing a ${LAYER_COUNT} x ${LAYER_BYTES / MIB} MiB OCI layout`);
  const layoutStart = performance.now();
  const layout = await buildLayout(join(workDir, 'layout'));
  log(`layout written in ${elapsed(layoutStart).toFixed(1)} s: ${layout.manifestDigest}`);
  const servers = await startServers(workDir, res);
  const skopeo = skopeoWithEmptyCache(workDir, res.skopeo);

  const problems: string[] = [];
  if (PARTS.includes('registry'))
    problems.push(...(await registryPart(layout, servers, workDir, skopeo)));
  if (PARTS.includes('mirror')) {
    const [registry, regql] = servers;
    log(`pushing the image to docker-registry as ${MIRROR_SOURCE}`);
    await rawPush(registry, MIRROR_SOURCE, layout, {});
    const mirror = await runMirrorPart({
      registry,
      regql,
      adminToken: ADMIN_TOKEN,
      manifestDigest: layout.manifestDigest,
      blobCount: layout.blobs.length,
      bytes: layout.bytes,
      runs: RUNS,
      sourceRepository: MIRROR_SOURCE,
      tag: TAG,
      skopeo,
      log,
    });
    process.stdout.write(`${mirrorLines(layout, mirror).join('\n')}\n`);
    problems.push(...mirror.problems);
    if (mirror.problems.length > 0)
      process.stdout.write(`${verificationLines(mirror.problems).join('\n')}\n`);
  }
  return problems.length === 0;
}

/** The push and pull runs against both servers, and their report; returns what went wrong. */
async function registryPart(
  layout: Layout,
  servers: Server[],
  workDir: string,
  skopeo: (args: string[]) => Promise<string>,
): Promise<string[]> {
  const samples: Samples = new Map();
  const problems: string[] = [];
  const rssAfterRuns: Record<ServerName, number[]> = { 'docker-registry': [], regql: [] };
  for (let n = 1; n <= RUNS; n++) {
    for (const server of servers) {
      problems.push(...(await runOnce(n, server, layout, workDir, samples, skopeo)));
      rssAfterRuns[server.name].push(processMemoryMib(server.pid, 'VmRSS'));
    }
  }
  const peak = (name: ServerName) =>
    processMemoryMib(servers.find((s) => s.name === name)!.pid, 'VmHWM');
  report({
    registryVersion: dockerRegistryVersion(),
    layout,
    samples,
    peakRss: { 'docker-registry': peak('docker-registry'), regql: peak('regql') },
    rssAfterRuns,
    problems,
  });
  return problems;
}

const resources: Resources = { regql: [], skopeo: new Set() };
runBenchmark(
  'regql-bench-registry-',
  (workDir) => run(workDir, resources),
  () => releaseResources(resources),
);
