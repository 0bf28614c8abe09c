import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { request } from 'undici';
import { OCI_MANIFEST } from '../src/oci/media-types';
import { pushSyntheticImage } from '../test/helpers/synthetic-images';
import {
  PARALLEL,
  SetupError,
  buildWithTsc,
  dockerRegistryVersion,
  elapsed,
  graphql,
  mapLimited,
  percentile,
  processCpuSeconds,
  processMemoryMib,
  randomAdminToken,
  releaseResources,
  runBenchmark,
  sleep,
  startRegqlFor,
  type Resources,
} from './support';
import { startDockerRegistry } from '../test/helpers/docker-registry';

/**
 * What an attacker can do to a running regql: for BENCH_SECONDS each, an open-loop attack of
 * RATE requests a second over CONNECTIONS connections, while /healthz is probed every PROBE_MS
 * and regql's RSS is sampled, next to the same measurement with no attack:
 *   (a) `query Card_<random> { __typename }` without a token (finding 4: metric labels),
 *   (b) a 150,000-field query of about 450 KB without a token (finding 7: parsing),
 *   (c) one dry-run import of a 1,000-tag repository with tagFilter "(a+)+", next to the same
 *       import with a plain filter (finding 5: backtracking). A backtracking engine never ends
 *       it, and blocks regql's event loop meanwhile: it is given BENCH_SECONDS, and run last.
 * regql is built into a temp directory and runs as a child process; the repository lives in a
 * real docker-registry on loopback. It prints figures and goals; it asserts nothing.
 *
 *   BENCH_SECONDS=20 npx ts-node --transpile-only bench/hostile.ts
 */

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = 4;
const RATE = 50;
const PROBE_MS = 50;
const PROBE_TIMEOUT_MS = 5_000;
const RSS_SAMPLE_MS = 250;
const TAGS = 1000;
const TAG_LENGTH = 128;
const FILTER_REPOSITORY = 'bench/filter';
const HOSTILE_FILTER = '(a+)+';
const PLAIN_FILTER = 'a+-';
const HUGE_FIELDS = 150_000;
const ADMIN_TOKEN = randomAdminToken();

/** 123 `a`s, `-`, four digits: 128 characters that "(a+)+" backtracks over before failing. */
const hostileTag = (n: number) => `${'a'.repeat(TAG_LENGTH - 5)}-${String(n).padStart(4, '0')}`;

interface Window {
  probesMs: number[];
  cpuSeconds: number;
  rssStartMib: number;
  rssPeakMib: number;
}

/** /healthz latency, one probe at a time every PROBE_MS, and RSS samples, until `done` settles. */
async function observe(url: string, pid: number, done: Promise<unknown>): Promise<Window> {
  let finished = false;
  void done.finally(() => (finished = true));
  const cpuStart = processCpuSeconds(pid);
  const rssStartMib = processMemoryMib(pid, 'VmRSS');
  let rssPeakMib = rssStartMib;
  const sampler = setInterval(() => {
    rssPeakMib = Math.max(rssPeakMib, processMemoryMib(pid, 'VmRSS'));
  }, RSS_SAMPLE_MS);
  const probesMs: number[] = [];
  try {
    while (!finished) {
      const start = performance.now();
      try {
        const res = await request(`${url}/healthz`, {
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        await res.body.dump();
      } catch {
        // a probe that times out counts with the time it waited
      }
      const took = performance.now() - start;
      probesMs.push(took);
      await sleep(Math.max(0, PROBE_MS - took));
    }
  } finally {
    clearInterval(sampler);
  }
  rssPeakMib = Math.max(rssPeakMib, processMemoryMib(pid, 'VmRSS'));
  return { probesMs, cpuSeconds: processCpuSeconds(pid) - cpuStart, rssStartMib, rssPeakMib };
}

type Attack = 'labels' | 'huge';

/**
 * Sends RATE requests a second for SECONDS whatever the answers take (open loop), from a worker
 * thread: the probes then wait for regql only, not for the attacker's own sending on their loop.
 */
const ATTACKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const { Pool } = require('undici');
const { url, attack, seconds, rate, connections, hugeFields } = workerData;
const huge = JSON.stringify({ query: '{ ' + 'ab '.repeat(hugeFields) + '}' });
const body = () =>
  attack === 'huge'
    ? huge
    : JSON.stringify({ query: 'query Card_' + randomBytes(6).toString('hex') + ' { __typename }' });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
(async () => {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const answered = new Map();
  const count = (key) => answered.set(key, (answered.get(key) ?? 0) + 1);
  const inFlight = [];
  const start = performance.now();
  const total = Math.round(seconds * rate);
  for (let i = 0; i < total; i++) {
    await sleep(start + (i * 1000) / rate - performance.now());
    inFlight.push(
      pool
        .request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body: body() })
        .then(async (res) => { await res.body.dump(); count(String(res.statusCode)); })
        .catch((err) => count(err.name)),
    );
  }
  await Promise.all(inFlight);
  await pool.close();
  parentPort.postMessage({ sent: total, answered: [...answered] });
})();
`;

function openLoop(
  url: string,
  attack: Attack,
): Promise<{ sent: number; answered: Map<string, number> }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ATTACKER, {
      eval: true,
      workerData: {
        url,
        attack,
        seconds: SECONDS,
        rate: RATE,
        connections: CONNECTIONS,
        hugeFields: HUGE_FIELDS,
      },
    });
    worker.once('message', (m: { sent: number; answered: [string, number][] }) =>
      resolve({ sent: m.sent, answered: new Map(m.answered) }),
    );
    worker.once('error', reject);
  });
}

/** One tag of a synthetic image, then the same manifest PUT under every other tag. */
async function seedFilterRepository(registryUrl: string): Promise<void> {
  const first = await pushSyntheticImage(registryUrl, FILTER_REPOSITORY, hostileTag(0));
  const tags = Array.from({ length: TAGS - 1 }, (_, n) => hostileTag(n + 1));
  await mapLimited(tags, PARALLEL, async (tag) => {
    const res = await fetch(`${registryUrl}/v2/${FILTER_REPOSITORY}/manifests/${tag}`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST },
      body: first.manifest,
    });
    if (res.status !== 201) throw new SetupError(`manifest PUT ${tag}: HTTP ${res.status}`);
  });
}

const IMPORT = `mutation ($input: ImportImageInput!) {
  importImage(input: $input) { dryRun images { tag } additionalTags }
}`;

/** Seconds one dry-run import of the whole repository with `tagFilter` takes, or null past `timeoutMs`. */
async function dryRunImport(
  url: string,
  token: string,
  host: string,
  tagFilter: string,
  timeoutMs: number,
): Promise<number | null> {
  const start = performance.now();
  try {
    const { status, reply } = await graphql<unknown>(
      url,
      token,
      {
        query: IMPORT,
        variables: {
          input: {
            namespace: 'bench',
            stream: 'filter',
            from: `${host}/${FILTER_REPOSITORY}`,
            all: true,
            tagFilter,
            confirm: true,
            dryRun: true,
          },
        },
      },
      timeoutMs,
    );
    if (status !== 200 || reply.errors)
      throw new SetupError(`import with ${tagFilter}: HTTP ${status} ${JSON.stringify(reply)}`);
    return elapsed(start);
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return null;
    throw err;
  }
}

const p99 = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.99,
  );

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mib = (value: number) => `${value.toFixed(1)} MiB`;
const answers = (answered: Map<string, number>) =>
  [...answered].map(([status, n]) => `${n} x ${status}`).join(', ');

const res: Resources = { regql: [], skopeo: new Set() };

runBenchmark(
  'regql-bench-hostile-',
  async (workDir) => {
    process.stderr.write('building src/ and plugins/ with tsc\n');
    const outDir = buildWithTsc(workDir, ['src', 'plugins']);
    const registryVersion = dockerRegistryVersion();
    const registry = (res.registry = await startDockerRegistry());
    process.stderr.write(`pushing ${TAGS} tags to ${registry.host}/${FILTER_REPOSITORY}\n`);
    await seedFilterRepository(registry.url);
    const { regql, url } = await startRegqlFor({
      outDir,
      workDir: join(workDir, 'regql'),
      registryUrl: registry.url,
      adminToken: ADMIN_TOKEN,
      res,
    });
    const pid = regql.process.pid!;
    const created = await graphql<{ createToken: { token: string } }>(url, ADMIN_TOKEN, {
      query: `mutation { createToken(input: { namespace: "bench", role: EDITOR }) { token } }`,
    });
    const editor = created.reply.data?.createToken.token;
    if (!editor) throw new SetupError(`createToken: ${JSON.stringify(created.reply)}`);

    const lines = [
      '',
      `hostile clients against regql (${SECONDS} s each, ${RATE} requests/s over ${CONNECTIONS} connections, /healthz every ${PROBE_MS} ms; ${registryVersion})`,
    ];
    process.stderr.write('quiet\n');
    const quiet = await observe(url, pid, sleep(SECONDS * 1000));
    const quietP99 = p99(quiet.probesMs);
    const healthGoal = Math.max(3 * quietP99, quietP99 + 20);
    lines.push(
      `quiet: /healthz p99 ${ms(quietP99)} (${quiet.probesMs.length} probes), regql CPU ${quiet.cpuSeconds.toFixed(1)} s, RSS ${mib(quiet.rssStartMib)} -> peak ${mib(quiet.rssPeakMib)}`,
      `goals under attack: /healthz p99 <= ${ms(healthGoal)} (3x quiet or +20 ms), RSS growth < 50 MiB`,
    );

    const hugeKb = (
      JSON.stringify({ query: `{ ${'ab '.repeat(HUGE_FIELDS)}}` }).length / 1024
    ).toFixed(0);
    const attacks: [string, Attack][] = [
      ['(a) query Card_<random> { __typename }, no token', 'labels'],
      [`(b) ${HUGE_FIELDS} fields (${hugeKb} KB), no token`, 'huge'],
    ];
    for (const [name, kind] of attacks) {
      process.stderr.write(`${name}\n`);
      const attack = openLoop(url, kind);
      const seen = await observe(url, pid, attack);
      const { sent, answered } = await attack;
      const p = p99(seen.probesMs);
      const growth = seen.rssPeakMib - seen.rssStartMib;
      lines.push(
        `${name}: ${sent} sent (${answers(answered)}), regql CPU ${seen.cpuSeconds.toFixed(1)} s`,
        `    /healthz p99 ${ms(p)} = ${(p / quietP99).toFixed(1)}x quiet (${p <= healthGoal ? 'meets' : 'MISSES'} the goal); RSS ${mib(seen.rssStartMib)} -> peak ${mib(seen.rssPeakMib)}, +${mib(growth)} (${growth < 50 ? 'meets' : 'MISSES'} the goal)`,
      );
    }

    process.stderr.write(`(c) dry-run imports, plain filter ${PLAIN_FILTER}\n`);
    const plain = await dryRunImport(url, editor, registry.host, PLAIN_FILTER, SECONDS * 1000);
    if (plain === null) throw new SetupError(`the plain import took over ${SECONDS} s`);
    process.stderr.write(`(c) dry-run import, hostile filter ${HOSTILE_FILTER}\n`);
    const hostile = dryRunImport(url, editor, registry.host, HOSTILE_FILTER, SECONDS * 1000);
    const seen = await observe(url, pid, hostile);
    const hostileSeconds = await hostile;
    const p = p99(seen.probesMs);
    const growth = seen.rssPeakMib - seen.rssStartMib;
    lines.push(
      `(c) dry-run import of ${TAGS} tags of ${TAG_LENGTH} characters, editor token:`,
      `    plain filter "${PLAIN_FILTER}": ${plain.toFixed(3)} s`,
      hostileSeconds === null
        ? `    hostile filter "${HOSTILE_FILTER}": unfinished after ${SECONDS} s = over ${(SECONDS / plain).toFixed(0)}x plain (MISSES the goal: at most 2x)`
        : `    hostile filter "${HOSTILE_FILTER}": ${hostileSeconds.toFixed(3)} s = ${(hostileSeconds / plain).toFixed(1)}x plain (${hostileSeconds <= 2 * plain ? 'meets' : 'MISSES'} the goal: at most 2x)`,
      `    during it: /healthz p99 ${ms(p)} = ${(p / quietP99).toFixed(1)}x quiet (${p <= healthGoal ? 'meets' : 'MISSES'} the goal), ${seen.probesMs.length} probes; RSS +${mib(growth)}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return true;
  },
  () => releaseResources(res),
);
