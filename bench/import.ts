import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DockerRegistry } from '../test/helpers/docker-registry';
import {
  PARALLEL,
  REGISTRY,
  REPOSITORY,
  SetupError,
  TAG_COUNT,
  elapsed,
  graphql as postGraphql,
  processCpuSeconds,
  processMemoryMib,
  readMetrics,
  randomAdminToken,
  releaseResources,
  reportHead,
  runBenchmark,
  seededTag,
  setUpSeededRegistry,
  skopeoInspectAll,
  skopeoRow,
  sleep,
  startRegqlFor,
  stopChild,
  verificationLines,
  type Child,
  type GraphqlReply,
  type Resources,
} from './support';

/**
 * Imports into image streams, against a real docker-registry holding 1,000 distinct images as
 * tags of one repository:
 *
 * 1. Bulk, cold: one `importImage(all: true, limit: 1000)` into a fresh regql, timed and with its
 *    upstream requests counted, against skopeo doing the same reads (list-tags, then one inspect
 *    per tag).
 * 2. Scheduled: a second fresh regql with 2,000 scheduled spec tags (20 streams of 100, each
 *    seeded tag used twice) and a 60 s interval, sampled every 10 s for BENCH_SCHEDULE_SECONDS
 *    (default 300): imports done by status, upstream requests, CPU time and peak RSS.
 *
 * regql is built into a temp directory and runs as a child process; its counters come from
 * /metrics, its CPU time and memory from /proc.
 *
 *   BENCH_SCHEDULE_SECONDS=90 npx ts-node --transpile-only bench/import.ts
 *
 * BENCH_IMPORT_CONCURRENCY, when set, is passed to the scheduled regql as
 * REGQL_IMPORT_REGISTRY_CONCURRENCY (otherwise regql's default applies).
 */

const NAMESPACE = 'bench';
const STREAM_COUNT = 20;
const TAGS_PER_STREAM = 100;
const SCHEDULED_TAGS = STREAM_COUNT * TAGS_PER_STREAM;
const INTERVAL_SECONDS = 60;
const RATE_PER_MINUTE = 10_000;
/** regql's default REGQL_IMPORT_JITTER: up to this fraction of the interval is added at random. */
const DEFAULT_JITTER = 0.1;
const SAMPLE_SECONDS = 10;
const IMPORT_TIMEOUT_MS = 600_000;
const ADMIN_TOKEN = randomAdminToken();

const STATUSES = ['SUCCESS', 'UNCHANGED', 'FAILED'] as const;
type ImportStatus = (typeof STATUSES)[number];

const IMPORT_IMAGE = `
  mutation ImportImage($input: ImportImageInput!) {
    importImage(input: $input) { additionalTags images { tag status reason message image { digest } } }
  }`;

const CREATE_IMAGE_STREAM = `
  mutation CreateImageStream($input: CreateImageStreamInput!) {
    createImageStream(input: $input) { name tags { name importPolicy { scheduled } } }
  }`;

const STREAM_TAGS = `
  query StreamTags($namespace: String!, $name: String!) {
    imageStream(namespace: $namespace, name: $name) {
      tags { name from { name } current { image } conditions { status reason message } }
    }
  }`;

interface ImportReply {
  importImage: {
    additionalTags: string[];
    images: {
      tag: string;
      status: ImportStatus;
      reason: string | null;
      message: string | null;
      image: { digest: string } | null;
    }[];
  };
}

interface StreamTagsReply {
  imageStream: {
    tags: {
      name: string;
      from: { name: string } | null;
      current: { image: string } | null;
      conditions: { status: string; reason: string | null; message: string | null }[];
    }[];
  } | null;
}

/** Counters read from regql's /metrics. */
interface Counters {
  /** regql_upstream_requests_total of the bench registry, summed over statuses. */
  upstream: number;
  /** The part of `upstream` whose status was not 200. */
  upstreamNot200: number;
  /** regql_imports_total by status, of one trigger. */
  imports: Record<ImportStatus, number>;
}

interface Sample {
  seconds: number;
  counters: Counters;
  cpuSeconds: number;
  rssMb: number;
}

interface BulkResult {
  seconds: number;
  upstream: number;
  upstreamNot200: number;
  success: number;
  skopeoSeconds: number;
}

interface ScheduleResult {
  concurrency: string;
  createSeconds: number;
  samples: Sample[];
  peakRssMb: number;
  currentTags: number;
}

const graphql = <T>(
  regqlUrl: string,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs?: number,
) => postGraphql<T>(regqlUrl, ADMIN_TOKEN, { query, variables }, timeoutMs);

const errorsOf = (label: string, status: number, reply: GraphqlReply<unknown>) => [
  ...(status === 200 ? [] : [`${label}: HTTP ${status}`]),
  ...(reply.errors ?? []).map((e) => `${label}: error ${e.extensions?.code ?? '?'}: ${e.message}`),
];

async function readCounters(regqlUrl: string, trigger: 'api' | 'schedule'): Promise<Counters> {
  const samplesOf = await readMetrics(regqlUrl);
  const counters: Counters = {
    upstream: 0,
    upstreamNot200: 0,
    imports: { SUCCESS: 0, UNCHANGED: 0, FAILED: 0 },
  };
  for (const { labels, value } of samplesOf('regql_upstream_requests_total')) {
    if (labels.get('registry') !== REGISTRY) continue;
    counters.upstream += value;
    if (labels.get('status') !== '200') counters.upstreamNot200 += value;
  }
  for (const { labels, value } of samplesOf('regql_imports_total')) {
    const importStatus = labels.get('status') as ImportStatus;
    if (labels.get('trigger') === trigger && STATUSES.includes(importStatus))
      counters.imports[importStatus] += value;
  }
  return counters;
}

const importsOf = (c: Counters) => c.imports.SUCCESS + c.imports.UNCHANGED + c.imports.FAILED;

function scheduleSeconds(): number {
  const raw = process.env.BENCH_SCHEDULE_SECONDS;
  if (raw === undefined || raw === '') return 300;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < SAMPLE_SECONDS)
    throw new SetupError(`BENCH_SCHEDULE_SECONDS must be a number >= ${SAMPLE_SECONDS}: ${raw}`);
  return seconds;
}

/** A fresh regql (own data directory) reading the bench registry, ready to serve. */
async function startFreshRegql(
  outDir: string,
  workDir: string,
  registryUrl: string,
  env: Record<string, string>,
  res: Resources,
): Promise<{ regql: Child; url: string; pid: number }> {
  const { regql, url } = await startRegqlFor({
    outDir,
    workDir,
    registryUrl,
    adminToken: ADMIN_TOKEN,
    env,
    res,
  });
  if (regql.process.pid === undefined) throw new SetupError('regql has no pid');
  return { regql, url, pid: regql.process.pid };
}

/** Part 1: one importImage of the whole repository, then skopeo reading the same. */
async function bulkImport(
  outDir: string,
  workDir: string,
  registry: DockerRegistry,
  pushed: Map<string, string>,
  res: Resources,
  problems: string[],
): Promise<BulkResult> {
  const { regql, url } = await startFreshRegql(
    outDir,
    join(workDir, 'bulk'),
    registry.url,
    {},
    res,
  );
  const before = await readCounters(url, 'api');
  process.stderr.write(`regql: importImage of all ${TAG_COUNT} tags\n`);
  const start = performance.now();
  const { status, reply } = await graphql<ImportReply>(
    url,
    IMPORT_IMAGE,
    {
      input: {
        namespace: NAMESPACE,
        stream: 'app',
        from: `${registry.host}/${REPOSITORY}`,
        all: true,
        limit: TAG_COUNT,
        confirm: true,
      },
    },
    IMPORT_TIMEOUT_MS,
  );
  const seconds = elapsed(start);
  const after = await readCounters(url, 'api');
  await stopChild(regql);

  problems.push(...errorsOf('importImage', status, reply));
  const images = reply.data?.importImage.images ?? [];
  const success = images.filter((i) => i.status === 'SUCCESS');
  if (images.length !== TAG_COUNT) problems.push(`importImage: ${images.length} results`);
  if (success.length !== images.length) {
    const other = images.find((i) => i.status !== 'SUCCESS')!;
    problems.push(
      `importImage: ${images.length - success.length} results not SUCCESS, e.g. ${JSON.stringify(other)}`,
    );
  }
  const missing = [...pushed.keys()].filter((tag) => !images.some((i) => i.tag === tag));
  if (missing.length > 0)
    problems.push(`importImage: ${missing.length} tags missing, e.g. ${missing[0]}`);
  const wrong = success.filter((i) => i.image?.digest !== pushed.get(i.tag));
  if (wrong.length > 0)
    problems.push(
      `importImage: ${wrong.length} digests differ from the pushed ones, e.g. ${wrong[0].tag}`,
    );
  const additional = reply.data?.importImage.additionalTags.length ?? 0;
  if (additional > 0) problems.push(`importImage: ${additional} additionalTags`);
  const counted = after.imports.SUCCESS - before.imports.SUCCESS;
  if (counted !== success.length)
    problems.push(
      `regql_imports_total{status="SUCCESS",trigger="api"} rose by ${counted}, not ${success.length}`,
    );

  const { seconds: skopeoSeconds, inspected } = await skopeoInspectAll(workDir, registry.host, res);
  const skopeoWrong = inspected.filter((i) => pushed.get(i.tag) !== i.Digest);
  if (inspected.length !== TAG_COUNT || skopeoWrong.length > 0)
    problems.push(
      `skopeo: ${inspected.length} tags, ${skopeoWrong.length} digests differ from the pushed ones`,
    );

  return {
    seconds,
    upstream: after.upstream - before.upstream,
    upstreamNot200: after.upstreamNot200 - before.upstreamNot200,
    success: success.length,
    skopeoSeconds,
  };
}

/** Stream i of 0..19 takes seeded tags (i % 10) * 100 .. +99, so each is used by two streams. */
const streamName = (i: number) => `s${String(i + 1).padStart(2, '0')}`;
const seededIndex = (stream: number, tag: number) =>
  (stream % (TAG_COUNT / TAGS_PER_STREAM)) * TAGS_PER_STREAM + tag;

/** Part 2: 2,000 scheduled tags in a fresh regql, sampled every SAMPLE_SECONDS for `seconds`. */
async function scheduledImports(
  outDir: string,
  workDir: string,
  registry: DockerRegistry,
  pushed: Map<string, string>,
  seconds: number,
  res: Resources,
  problems: string[],
): Promise<ScheduleResult> {
  const concurrency = process.env.BENCH_IMPORT_CONCURRENCY;
  const { regql, url, pid } = await startFreshRegql(
    outDir,
    join(workDir, 'scheduled'),
    registry.url,
    {
      REGQL_IMPORT_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      REGQL_IMPORT_RATE_PER_MINUTE: String(RATE_PER_MINUTE),
      ...(concurrency ? { REGQL_IMPORT_REGISTRY_CONCURRENCY: concurrency } : {}),
    },
    res,
  );
  const sample = async (since: number, base: Counters, baseCpu: number): Promise<Sample> => {
    const counters = await readCounters(url, 'schedule');
    return {
      seconds: elapsed(since),
      counters: {
        upstream: counters.upstream - base.upstream,
        upstreamNot200: counters.upstreamNot200 - base.upstreamNot200,
        imports: {
          SUCCESS: counters.imports.SUCCESS - base.imports.SUCCESS,
          UNCHANGED: counters.imports.UNCHANGED - base.imports.UNCHANGED,
          FAILED: counters.imports.FAILED - base.imports.FAILED,
        },
      },
      cpuSeconds: processCpuSeconds(pid) - baseCpu,
      rssMb: processMemoryMib(pid, 'VmRSS'),
    };
  };

  const base = await readCounters(url, 'schedule');
  const baseCpu = processCpuSeconds(pid);
  process.stderr.write(
    `regql: creating ${STREAM_COUNT} streams of ${TAGS_PER_STREAM} scheduled tags\n`,
  );
  const start = performance.now();
  for (let s = 0; s < STREAM_COUNT; s++) {
    const tags = Array.from({ length: TAGS_PER_STREAM }, (_, t) => {
      const tag = seededTag(seededIndex(s, t));
      return {
        name: tag,
        from: `${registry.host}/${REPOSITORY}:${tag}`,
        importPolicy: { scheduled: true },
      };
    });
    const { status, reply } = await graphql<{
      createImageStream: { tags: { importPolicy: { scheduled: boolean } }[] };
    }>(url, CREATE_IMAGE_STREAM, {
      input: { namespace: NAMESPACE, name: streamName(s), tags },
    });
    problems.push(...errorsOf(`createImageStream ${streamName(s)}`, status, reply));
    const created = reply.data?.createImageStream.tags.filter((t) => t.importPolicy.scheduled);
    if (created?.length !== TAGS_PER_STREAM)
      throw new SetupError(
        `createImageStream ${streamName(s)}: ${created?.length} scheduled tags\n${problems.join('\n')}`,
      );
  }
  const createSeconds = elapsed(start);

  const samples: Sample[] = [];
  for (let n = 1; n * SAMPLE_SECONDS <= seconds; n++) {
    await sleep(Math.max(0, start + n * SAMPLE_SECONDS * 1000 - performance.now()));
    if (regql.process.exitCode !== null || regql.process.signalCode !== null) {
      problems.push(
        `regql exited during the schedule run (${regql.process.exitCode ?? regql.process.signalCode}):\n${regql.output.join('')}`,
      );
      break;
    }
    const s = await sample(start, base, baseCpu);
    samples.push(s);
    process.stderr.write(
      `  ${s.seconds.toFixed(0).padStart(4)} s: ${importsOf(s.counters)} imports (${STATUSES.map((st) => `${st} ${s.counters.imports[st]}`).join(', ')}), ${s.counters.upstream} upstream, ${s.cpuSeconds.toFixed(1)} CPU s\n`,
    );
  }
  if (samples.length === 0) throw new SetupError('no sample taken');
  const peakRssMb = processMemoryMib(pid, 'VmHWM');
  const last = samples[samples.length - 1].counters;

  // What the streams hold now: every imported tag points at the digest pushed for its source.
  let currentTags = 0;
  for (let s = 0; s < STREAM_COUNT; s++) {
    const { status, reply } = await graphql<StreamTagsReply>(url, STREAM_TAGS, {
      namespace: NAMESPACE,
      name: streamName(s),
    });
    problems.push(...errorsOf(`imageStream ${streamName(s)}`, status, reply));
    for (const tag of reply.data?.imageStream?.tags ?? []) {
      const source = tag.from?.name.slice(tag.from.name.lastIndexOf(':') + 1) ?? '';
      if (tag.current) {
        currentTags++;
        if (tag.name !== source || tag.current.image !== pushed.get(source))
          problems.push(
            `${streamName(s)}:${tag.name} points at ${tag.current.image}, not what was pushed as ${source}`,
          );
      }
      const failed = tag.conditions.find((c) => c.status !== 'True');
      if (failed)
        problems.push(`${streamName(s)}:${tag.name}: condition ${JSON.stringify(failed)}`);
    }
  }
  if (last.imports.FAILED > 0) problems.push(`${last.imports.FAILED} scheduled imports FAILED`);
  if (last.imports.SUCCESS > SCHEDULED_TAGS)
    problems.push(
      `${last.imports.SUCCESS} scheduled imports SUCCESS for ${SCHEDULED_TAGS} unchanged tags`,
    );
  if (currentTags < last.imports.SUCCESS)
    problems.push(`${currentTags} tags have an image after ${last.imports.SUCCESS} SUCCESS`);
  if (last.upstreamNot200 > 0)
    problems.push(`${last.upstreamNot200} upstream requests answered other than 200`);
  await stopChild(regql);
  return {
    concurrency: concurrency ?? 'regql default',
    createSeconds,
    samples,
    peakRssMb,
    currentTags,
  };
}

function reportBulk(bulk: BulkResult, seedSeconds: number, registryVersion: string): string[] {
  const target = 1 + 2 * TAG_COUNT;
  const row = (name: string, seconds: string, upstream: string, note: string) =>
    `${name.padEnd(38)}  ${seconds.padStart(8)}  ${upstream.padStart(8)}  ${note}`;
  return [
    ...reportHead('import benchmark', registryVersion, seedSeconds),
    '',
    `part 1: bulk import, cold (fresh regql), ${PARALLEL} at a time`,
    row('run', 'seconds', 'upstream', 'target upstream requests'),
    row(
      `regql importImage(all, limit ${TAG_COUNT})`,
      bulk.seconds.toFixed(3),
      String(bulk.upstream),
      `about ${target} (1 page + ${TAG_COUNT} manifests + ${TAG_COUNT} configs, +1 ping)`,
    ),
    skopeoRow(row, bulk.skopeoSeconds),
    `results: ${bulk.success} of ${TAG_COUNT} SUCCESS; upstream answers other than 200: ${bulk.upstreamNot200}`,
    `skopeo / regql = ${(bulk.skopeoSeconds / bulk.seconds).toFixed(1)} x; upstream requests per tag: ${(bulk.upstream / TAG_COUNT).toFixed(3)}`,
  ];
}

function reportSchedule(result: ScheduleResult): string[] {
  const { samples } = result;
  const last = samples[samples.length - 1];
  const wall = last.seconds;
  const done = importsOf(last.counters);
  const { SUCCESS: success, UNCHANGED: unchanged, FAILED: failed } = last.counters.imports;
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padStart(5) : c.padStart(9))).join(' ');
  const lines = [
    '',
    `part 2: ${SCHEDULED_TAGS} scheduled tags (${STREAM_COUNT} streams x ${TAGS_PER_STREAM}, each seeded tag twice), interval ${INTERVAL_SECONDS} s, jitter default (${DEFAULT_JITTER}), rate ${RATE_PER_MINUTE}/min, per-registry concurrency ${result.concurrency}`,
    `streams created in ${result.createSeconds.toFixed(2)} s; sampled every ${SAMPLE_SECONDS} s for ${wall.toFixed(0)} s (from the first createImageStream)`,
    '',
    row([
      't s',
      'imports',
      'SUCCESS',
      'UNCHANGED',
      'FAILED',
      '+imports',
      'upstream',
      '+upstream',
      'up/imp',
      'CPU s',
      'CPU %',
      'RSS MiB',
    ]),
  ];
  let previous: Sample | undefined;
  for (const s of samples) {
    const imports = importsOf(s.counters);
    const newImports = imports - (previous ? importsOf(previous.counters) : 0);
    const newUpstream = s.counters.upstream - (previous?.counters.upstream ?? 0);
    const share =
      (s.cpuSeconds - (previous?.cpuSeconds ?? 0)) / (s.seconds - (previous?.seconds ?? 0));
    lines.push(
      row([
        s.seconds.toFixed(0),
        String(imports),
        String(s.counters.imports.SUCCESS),
        String(s.counters.imports.UNCHANGED),
        String(s.counters.imports.FAILED),
        String(newImports),
        String(s.counters.upstream),
        String(newUpstream),
        newImports > 0 ? (newUpstream / newImports).toFixed(2) : '-',
        s.cpuSeconds.toFixed(1),
        `${(share * 100).toFixed(1)}`,
        s.rssMb.toFixed(0),
      ]),
    );
    previous = s;
  }
  const firstRound = samples.find((s) => s.counters.imports.SUCCESS >= SCHEDULED_TAGS);
  // Each tag is due at creation, then every interval plus up to `jitter` of it (mean half).
  const meanPeriod = INTERVAL_SECONDS * (1 + DEFAULT_JITTER / 2);
  const paced = SCHEDULED_TAGS * (1 + Math.floor(wall / meanPeriod));
  const perUnchanged = unchanged > 0 ? (last.counters.upstream - 2 * success) / unchanged : NaN;
  lines.push(
    '',
    `imports done: ${done} in ${wall.toFixed(0)} s (SUCCESS ${success}, UNCHANGED ${unchanged}, FAILED ${failed}) = ${((done / wall) * 60).toFixed(0)} imports/minute`,
    `  if the ${INTERVAL_SECONDS} s interval paced it: about ${paced} (every tag at once, then each every ${INTERVAL_SECONDS}-${INTERVAL_SECONDS * (1 + DEFAULT_JITTER)} s), steady state about ${((SCHEDULED_TAGS / meanPeriod) * 60).toFixed(0)} imports/minute`,
    firstRound
      ? `first round: all ${SCHEDULED_TAGS} tags imported (SUCCESS) by the ${firstRound.seconds.toFixed(0)} s sample`
      : `first round: NOT complete, ${success} of ${SCHEDULED_TAGS} tags imported after ${wall.toFixed(0)} s`,
    `tags with a current image at the end: ${result.currentTags} of ${SCHEDULED_TAGS}`,
    `upstream requests: ${last.counters.upstream} = ${done > 0 ? (last.counters.upstream / done).toFixed(3) : '-'} per import; ${Number.isNaN(perUnchanged) ? 'no UNCHANGED import yet' : `${perUnchanged.toFixed(3)} per UNCHANGED import, counting 2 (manifest + config) per SUCCESS (target: 1 HEAD)`}`,
    `CPU: ${last.cpuSeconds.toFixed(2)} s in ${wall.toFixed(0)} s = ${((last.cpuSeconds / wall) * 100).toFixed(1)} % of one core; ${done > 0 ? ((last.cpuSeconds / done) * 1000).toFixed(2) : '-'} ms per import`,
    `peak RSS (VmHWM): ${result.peakRssMb.toFixed(1)} MiB`,
  );
  return lines;
}

async function run(workDir: string, res: Resources): Promise<boolean> {
  const seconds = scheduleSeconds();
  const { outDir, registry, registryVersion, pushed, seedSeconds } = await setUpSeededRegistry(
    workDir,
    res,
  );

  const problems: string[] = [];
  const bulk = await bulkImport(outDir, workDir, registry, pushed, res, problems);
  const lines = reportBulk(bulk, seedSeconds, registryVersion);
  process.stdout.write(`${lines.join('\n')}\n`);

  process.stderr.write(`part 2: ${SCHEDULED_TAGS} scheduled tags for ${seconds} s\n`);
  const schedule = await scheduledImports(
    outDir,
    workDir,
    registry,
    pushed,
    seconds,
    res,
    problems,
  );
  const scheduleLines = reportSchedule(schedule);
  scheduleLines.push(...verificationLines(problems.slice(0, 20)));
  process.stdout.write(`${scheduleLines.join('\n')}\n`);
  return problems.length === 0;
}

const resources: Resources = { regql: [], skopeo: new Set() };
runBenchmark(
  'regql-bench-import-',
  (workDir) => run(workDir, resources),
  () => releaseResources(resources),
);
