import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDockerRegistry } from '../test/helpers/docker-registry';
import {
  buildLayout,
  checkPulledLayout,
  LAYER_BYTES,
  LAYER_COUNT,
  MIB,
  skopeoWithEmptyCache,
  TAG,
  type Layout,
} from './oci-layout';
import {
  buildWithTsc,
  childPidNamed,
  dockerRegistryVersion,
  elapsed,
  graphql,
  processCpuSeconds,
  processMemoryMib,
  randomAdminToken,
  releaseResources,
  runBenchmark,
  SetupError,
  startRegqlFor,
  verificationLines,
  type Resources,
} from './support';

/**
 * Pull-through: skopeo pulls one 1 GiB image (four 256 MiB random layers) through regql, from a
 * stream tag imported with referencePolicy LOCAL from a docker-registry on the same machine, once
 * cold (regql fetches every byte from docker-registry, keeps it and streams it on) and once warm
 * (regql serves its copy), next to skopeo pulling straight from that docker-registry, RUNS times,
 * each run into a fresh stream. skopeo runs with an empty blob-info cache and
 * --preserve-digests; every pulled layout is checked byte for byte. regql's CPU time and peak
 * RSS come from /proc.
 *
 *   npx ts-node --transpile-only bench/pull-through.ts
 *
 * It needs about 4 GiB in one temp directory (the layout, docker-registry's copy, regql's copy,
 * one pulled layout at a time), removed at the end.
 */

const RUNS = 3;
const NAMESPACE = 'bench';
const SOURCE = 'bench/app';
const GOAL_COLD = 0.6;
const GOAL_WARM = 0.9;
const GOAL_PEAK_RSS_MIB = 200;
const ADMIN_TOKEN = randomAdminToken();
const WAYS = ['direct', 'cold', 'warm'] as const;
type Way = (typeof WAYS)[number];

interface Sample {
  seconds: number;
  regqlCpu: number;
  registryCpu: number;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const log = (line: string) => process.stderr.write(`${line}\n`);
const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');

const IMPORT = `mutation($input: ImportImageInput!) {
  importImage(input: $input) { images { status message } }
}`;

async function importLocal(regqlUrl: string, stream: string, from: string): Promise<void> {
  const { reply } = await graphql<{
    importImage: { images: { status: string; message: string | null }[] };
  }>(regqlUrl, ADMIN_TOKEN, {
    query: IMPORT,
    variables: {
      input: { namespace: NAMESPACE, stream, from, confirm: true, referencePolicy: 'LOCAL' },
    },
  });
  const image = reply.data?.importImage.images[0];
  if (image?.status !== 'SUCCESS')
    throw new SetupError(`import of ${from}: ${JSON.stringify(reply.errors ?? image)}`);
}

async function run(workDir: string, res: Resources): Promise<boolean> {
  log(`writing a ${LAYER_COUNT} x ${LAYER_BYTES / MIB} MiB OCI layout`);
  const layout: Layout = await buildLayout(join(workDir, 'layout'));
  const outDir = buildWithTsc(workDir, ['src', 'plugins']);
  const registry = (res.registry = await startDockerRegistry());
  const registryPid = childPidNamed('docker-registry');
  const { regql, url } = await startRegqlFor({
    outDir,
    workDir: join(workDir, 'regql'),
    registryUrl: registry.url,
    adminToken: ADMIN_TOKEN,
    res,
  });
  const regqlPid = regql.process.pid!;
  const regqlHost = new URL(url).host;
  const skopeo = skopeoWithEmptyCache(workDir, res.skopeo);
  await skopeo([
    'copy',
    '--preserve-digests',
    '--dest-tls-verify=false',
    `oci:${layout.dir}:${TAG}`,
    `docker://${registry.host}/${SOURCE}:${TAG}`,
  ]);

  const samples = new Map<Way, Sample[]>(WAYS.map((w) => [w, []]));
  const problems: string[] = [];
  const pull = async (way: Way, run: number, source: string) => {
    const dir = join(workDir, `pulled-${way}-${run}`);
    const cpu = [processCpuSeconds(regqlPid), processCpuSeconds(registryPid)];
    const started = performance.now();
    await skopeo([
      'copy',
      '--preserve-digests',
      '--src-tls-verify=false',
      ...(way === 'direct' ? [] : ['--src-creds', `any:${ADMIN_TOKEN}`]),
      `docker://${source}`,
      `oci:${dir}:${TAG}`,
    ]);
    const sample = {
      seconds: elapsed(started),
      regqlCpu: processCpuSeconds(regqlPid) - cpu[0],
      registryCpu: processCpuSeconds(registryPid) - cpu[1],
    };
    samples.get(way)!.push(sample);
    problems.push(...(await checkPulledLayout(dir, layout)).map((p) => `${way} ${run}: ${p}`));
    rmSync(dir, { recursive: true, force: true });
    log(`run ${run} ${way}: ${(layout.bytes / MIB / sample.seconds).toFixed(0)} MiB/s`);
  };
  for (let n = 1; n <= RUNS; n++) {
    const stream = `pulled-${n}`;
    await importLocal(url, stream, `${registry.host}/${SOURCE}:${TAG}`);
    await pull('direct', n, `${registry.host}/${SOURCE}:${TAG}`);
    await pull('cold', n, `${regqlHost}/${NAMESPACE}/${stream}:${TAG}`);
    await pull('warm', n, `${regqlHost}/${NAMESPACE}/${stream}:${TAG}`);
  }

  const speed = (way: Way) => median(samples.get(way)!.map((s) => layout.bytes / MIB / s.seconds));
  const runs = (way: Way) =>
    samples
      .get(way)!
      .map((s) => (layout.bytes / MIB / s.seconds).toFixed(0))
      .join(', ');
  const cpu = (way: Way, key: 'regqlCpu' | 'registryCpu') =>
    median(samples.get(way)!.map((s) => s[key])).toFixed(2);
  const peak = processMemoryMib(regqlPid, 'VmHWM');
  const cold = speed('cold') / speed('direct');
  const warm = speed('warm') / speed('direct');
  process.stdout.write(
    [
      '',
      `pull-through benchmark: one image of ${LAYER_COUNT} x ${LAYER_BYTES / MIB} MiB random layers, skopeo pulls, ${RUNS} runs, each into a fresh stream`,
      `upstream: ${dockerRegistryVersion()} on loopback; regql imports it with referencePolicy LOCAL`,
      '',
      'way      MiB/s median (runs)        regql CPU-s  docker-registry CPU-s (medians)',
      ...WAYS.map(
        (w) =>
          `${w.padEnd(8)} ${`${speed(w).toFixed(0)} (${runs(w)})`.padEnd(26)} ${cpu(w, 'regqlCpu').padStart(11)}  ${cpu(w, 'registryCpu').padStart(10)}`,
      ),
      '',
      `regql peak RSS (VmHWM): ${peak.toFixed(1)} MiB`,
      '',
      'goals:',
      `  cold pull-through >= ${GOAL_COLD} x direct: ${cold.toFixed(2)} x: ${verdict(cold >= GOAL_COLD)}`,
      `  warm pull-through >= ${GOAL_WARM} x direct: ${warm.toFixed(2)} x: ${verdict(warm >= GOAL_WARM)}`,
      `  regql peak RSS under ${GOAL_PEAK_RSS_MIB} MiB: ${verdict(peak < GOAL_PEAK_RSS_MIB)}`,
      '',
      problems.length === 0
        ? `verification: all ${RUNS * WAYS.length} pulls gave back the pushed manifest and blobs`
        : 'verification: see below',
      ...verificationLines(problems),
      '',
    ].join('\n'),
  );
  return problems.length === 0;
}

const resources: Resources = { regql: [], skopeo: new Set() };
runBenchmark(
  'regql-bench-pull-through-',
  (workDir) => run(workDir, resources),
  () => releaseResources(resources),
);
