import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { OCI_MANIFEST } from '../src/oci/media-types';
import { startDockerRegistry } from '../test/helpers/docker-registry';
import { layoutBlobPath } from '../test/helpers/images';
import {
  buildLayout,
  LAYER_BYTES,
  LAYER_COUNT,
  MIB,
  skopeoWithEmptyCache,
  type Layout,
} from './oci-layout';
import {
  authHeaders,
  buildWithTsc,
  childPidNamed,
  CLOCK_TICKS,
  dockerRegistryVersion,
  elapsed,
  expectStatus,
  randomAdminToken,
  releaseResources,
  type Resources,
  runBenchmark,
  startReadyRegql,
} from './support';

/**
 * What an upload costs the server, in CPU seconds per GiB (user and system apart): the same image
 * of random layers pushed to regql's /v2 and to docker-registry, RUNS rounds, each round pushing
 * to both servers (which one goes first alternates) and each push to a fresh repository:
 *
 * - skopeo push: `copy --preserve-digests` from an OCI layout, a private, empty blob-info cache
 *   (POST, one streaming PATCH, PUT per blob);
 * - raw PUT: POST, then one monolithic PUT ?digest= streaming the file (undici);
 * - raw PATCH: POST, one PATCH streaming the file, then an empty PUT ?digest= (undici).
 *
 * Pulls are left out (bench/registry.ts measures them). Medians over the rounds.
 *
 *   npx ts-node --transpile-only bench/upload-cpu.ts
 *
 * BENCH_LAYER_MIB (default 256, four layers), BENCH_RUNS (default 3), BENCH_METHODS (a comma list
 * of skopeo, put, patch; default all) and BENCH_REGQL_NODE_OPTIONS (NODE_OPTIONS for regql only,
 * e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") change what runs.
 */

const RUNS = Number(process.env.BENCH_RUNS || 3);
const TIMEOUT_MS = 600_000;
const ADMIN_TOKEN = randomAdminToken();
const ALL_METHODS = ['skopeo', 'put', 'patch'] as const;
type Method = (typeof ALL_METHODS)[number];
const METHODS = (process.env.BENCH_METHODS?.split(',') ?? ALL_METHODS) as Method[];
const METHOD_NAMES: Record<Method, string> = {
  skopeo: 'skopeo push',
  put: 'raw PUT',
  patch: 'raw PATCH',
};

interface Server {
  name: 'docker-registry' | 'regql';
  url: string;
  host: string;
  pid: number;
  creds?: string;
}
interface Sample {
  seconds: number;
  user: number;
  system: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** utime and stime of a process, in seconds. */
function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
}

/** Uploads every blob with undici, monolithically (PUT) or as one PATCH and an empty PUT. */
async function rawPush(server: Server, repository: string, layout: Layout, patch: boolean) {
  const headers = await authHeaders(server, repository);
  const options = { headers, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS };
  for (const blob of layout.blobs) {
    const started = await request(`${server.url}/v2/${repository}/blobs/uploads/`, {
      ...options,
      method: 'POST',
    });
    let location = started.headers.location as string;
    await expectStatus(`${server.name} POST`, started, 202);
    const body = () => createReadStream(layoutBlobPath(layout.dir, blob.digest));
    const sized = { ...headers, 'content-type': 'application/octet-stream' };
    if (patch) {
      const patched = await request(new URL(location, server.url), {
        ...options,
        method: 'PATCH',
        headers: sized,
        body: body(),
      });
      location = patched.headers.location as string;
      await expectStatus(`${server.name} PATCH`, patched, 202);
    }
    const put = new URL(location, server.url);
    put.searchParams.set('digest', blob.digest);
    const finished = await request(put, {
      ...options,
      method: 'PUT',
      headers: { ...sized, 'content-length': String(patch ? 0 : blob.size) },
      body: patch ? '' : body(),
    });
    await expectStatus(`${server.name} PUT`, finished, 201);
  }
  const manifest = await request(`${server.url}/v2/${repository}/manifests/v1`, {
    ...options,
    method: 'PUT',
    headers: { ...headers, 'content-type': OCI_MANIFEST },
    body: layout.manifest,
  });
  await expectStatus(`${server.name} PUT manifest`, manifest, 201);
}

async function push(
  method: Method,
  server: Server,
  repository: string,
  layout: Layout,
  workDir: string,
  res: Resources,
): Promise<void> {
  if (method !== 'skopeo') return rawPush(server, repository, layout, method === 'patch');
  const debug = await skopeoWithEmptyCache(
    workDir,
    res.skopeo,
  )([
    'copy',
    '--preserve-digests',
    '--dest-tls-verify=false',
    ...(server.creds ? ['--dest-creds', server.creds] : []),
    `oci:${layout.dir}:v1`,
    `docker://${server.host}/${repository}:v1`,
  ]);
  const uploaded = debug.match(/Upload of layer sha256:[0-9a-f]+ complete/g)?.length ?? 0;
  if (uploaded !== layout.blobs.length)
    throw new Error(
      `${server.name}: skopeo uploaded ${uploaded} blobs, not ${layout.blobs.length}`,
    );
}

async function run(workDir: string, res: Resources): Promise<boolean> {
  const version = dockerRegistryVersion();
  log(`writing a ${LAYER_COUNT} x ${LAYER_BYTES / MIB} MiB OCI layout`);
  const layout = await buildLayout(join(workDir, 'layout'));
  log('building src/ and plugins/ with tsc');
  const outDir = buildWithTsc(workDir, ['src', 'plugins']);
  const registry = (res.registry = await startDockerRegistry());
  const nodeOptions = process.env.BENCH_REGQL_NODE_OPTIONS;
  const { regql, url, port } = await startReadyRegql({
    outDir,
    workDir,
    adminToken: ADMIN_TOKEN,
    args: ['serve'],
    env: nodeOptions ? { NODE_OPTIONS: nodeOptions } : {},
    res,
  });
  const servers: Server[] = [
    { name: 'docker-registry', ...registry, pid: childPidNamed('docker-registry') },
    {
      name: 'regql',
      url,
      host: `127.0.0.1:${port}`,
      pid: regql.process.pid!,
      creds: `any:${ADMIN_TOKEN}`,
    },
  ];
  const samples = new Map<string, Sample[]>();
  const gib = layout.bytes / 1024 / MIB;
  for (let n = 1; n <= RUNS; n++) {
    for (const method of METHODS) {
      const order = n % 2 === 1 ? servers : [...servers].reverse();
      for (const server of order) {
        const before = cpuTimes(server.pid);
        const start = performance.now();
        await push(method, server, `bench/${method}-${n}`, layout, workDir, res);
        const after = cpuTimes(server.pid);
        const sample = {
          seconds: elapsed(start),
          user: after.user - before.user,
          system: after.system - before.system,
        };
        const key = `${server.name} ${method}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
        log(
          `run ${n} ${METHOD_NAMES[method]} ${server.name}: ${(layout.bytes / MIB / sample.seconds).toFixed(0)} MiB/s, ` +
            `CPU ${((sample.user + sample.system) / gib).toFixed(2)} s/GiB ` +
            `(user ${(sample.user / gib).toFixed(2)}, sys ${(sample.system / gib).toFixed(2)})`,
        );
      }
    }
  }
  const fmt = (v: number) => v.toFixed(2);
  const lines = [
    '',
    `upload CPU: ${LAYER_COUNT} x ${LAYER_BYTES / MIB} MiB random layers, ${RUNS} rounds, ${version} (no auth) against regql (bearer token)`,
    'server CPU seconds per GiB pushed, median over the rounds (user + sys; the rounds in brackets); MiB/s median',
    ...METHODS.flatMap((method) => {
      const of = (name: Server['name']) => samples.get(`${name} ${method}`) ?? [];
      const total = (name: Server['name']) => of(name).map((s) => (s.user + s.system) / gib);
      const line = (name: Server['name']) =>
        `  ${name.padEnd(16)} ${fmt(median(total(name)))} (${total(name).map(fmt).join(', ')})` +
        `  user ${fmt(median(of(name).map((s) => s.user / gib)))}` +
        `  sys ${fmt(median(of(name).map((s) => s.system / gib)))}` +
        `  ${median(of(name).map((s) => layout.bytes / MIB / s.seconds)).toFixed(0)} MiB/s`;
      const ratios = total('regql').map((v, i) => v / total('docker-registry')[i]);
      return [
        `${METHOD_NAMES[method]}:`,
        line('docker-registry'),
        line('regql'),
        `  regql / docker-registry: ${fmt(median(total('regql')) / median(total('docker-registry')))} x (per round ${ratios.map(fmt).join(', ')})`,
      ];
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return true;
}

const resources: Resources = { regql: [], skopeo: new Set() };
runBenchmark(
  'regql-bench-upload-cpu-',
  (workDir) => run(workDir, resources),
  () => releaseResources(resources),
);
