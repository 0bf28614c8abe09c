import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDockerRegistry, type DockerRegistry } from '../test/helpers/docker-registry';
import { freePort } from '../test/helpers/processes';
import { pushSyntheticImage } from '../test/helpers/synthetic-images';
import { request } from 'undici';
import { mapLimited } from '../src/core/map-limited';

export { mapLimited };

/** What the benchmarks share: building regql, running it and other servers as children, timing. */

const ROOT = resolve(__dirname, '..');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const TSC_TIMEOUT_MS = 300_000;
const TSC_EMITTED_WITH_ERRORS = 2;
const HTTP_TIMEOUT_MS = 30_000;

/** What tags.ts and import.ts read: TAG_COUNT tags of REPOSITORY on registry REGISTRY. */
export const REGISTRY = 'bench';
export const REPOSITORY = 'bench/app';
export const TAG_COUNT = 1000;
/** How many pushes, inspects or GETs the benchmarks have in flight at once. */
export const PARALLEL = 8;

/** A failure whose message says it all, so the benchmark reports it without a stack. */
export class SetupError extends Error {}

export interface Child {
  name: string;
  process: ChildProcess;
  /** The last 100 chunks of stdout and stderr, for error messages. */
  output: string[];
  exited: Promise<void>;
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Seconds since `since`, a `performance.now()` reading. */
export const elapsed = (since: number) => (performance.now() - since) / 1000;

export const randomAdminToken = () => `rgq_bench-admin-${randomBytes(16).toString('hex')}`;

/**
 * Compiles `sources` (paths relative to the repository root) with tsc into `workDir`/build, next
 * to a node_modules link, and returns that build directory. Type errors (src/ may be mid-edit) only
 * warn: tsc still emits, and the emitted code is what runs.
 */
export function buildWithTsc(workDir: string, sources: string[]): string {
  const outDir = join(workDir, 'build');
  const tsconfig = join(workDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: ROOT,
        outDir,
        sourceMap: false,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      include: sources.map((source) => join(ROOT, source)),
    }),
  );
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: TSC_TIMEOUT_MS,
  });
  if (tsc.status === TSC_EMITTED_WITH_ERRORS) {
    process.stderr.write(`warning: type errors, running the emitted code anyway:\n${tsc.stdout}`);
  } else if (tsc.status !== 0) {
    throw new SetupError(`tsc failed (exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  }
  symlinkSync(join(ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  return outDir;
}

/** This process's environment in production mode, without any REGQL_ setting of the caller's. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('REGQL_')),
  );
  return { ...env, NODE_ENV: 'production', ...extra };
}

/** Runs a built script with node, keeping the tail of its output. */
export function startChild(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): Child {
  if (!existsSync(script)) throw new SetupError(`${script} was not built`);
  const child = spawn(process.execPath, [script, ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 100) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => {
    child.once('exit', () => done());
    child.once('error', (err) => {
      output.push(String(err));
      done();
    });
  });
  return { name, process: child, output, exited };
}

/** Starts the built regql on `port`, with its data in `workDir`/data and quiet logs. */
export function startRegql(options: {
  outDir: string;
  workDir: string;
  port: number;
  adminToken: string;
  args?: string[];
  env?: Record<string, string>;
}): Child {
  return startChild('regql', join(options.outDir, 'src', 'main.js'), options.args ?? [], {
    REGQL_PORT: String(options.port),
    REGQL_DATA_DIR: join(options.workDir, 'data'),
    REGQL_ADMIN_TOKEN: options.adminToken,
    REGQL_LOG_LEVEL: 'warn',
    REGQL_SHUTDOWN_TIMEOUT_MS: '2000',
    ...(process.env.BENCH_DATABASE_URL && { REGQL_DATABASE_URL: process.env.BENCH_DATABASE_URL }),
    ...options.env,
  });
}

const hasExited = (child: Child) =>
  child.process.exitCode !== null || child.process.signalCode !== null;

/** SIGTERM, then SIGKILL if the child is still running after STOP_TIMEOUT_MS. */
export async function stopChild(child: Child): Promise<void> {
  if (hasExited(child) || child.process.pid === undefined) return;
  child.process.kill('SIGTERM');
  const force = setTimeout(() => child.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(force);
}

/** Polls `probe` until it holds; fails early, with the child's output, if the child exits. */
export async function waitReady(child: Child, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      throw new SetupError(`${child.name} exited during start:\n${child.output.join('')}`);
    }
    if (await probe().catch(() => false)) return;
    await sleep(100);
  }
  throw new SetupError(
    `${child.name} not ready after ${READY_TIMEOUT_MS} ms:\n${child.output.join('')}`,
  );
}

/**
 * Runs a benchmark in a fresh temp directory and exits with its outcome: 0 when `run` resolves
 * true, 1 when it resolves false or fails, 130 on SIGINT or SIGTERM. `stop` and the removal of
 * the directory run exactly once, whichever way the benchmark ends.
 */
export function runBenchmark(
  workDirPrefix: string,
  run: (workDir: string) => Promise<boolean>,
  stop: () => Promise<unknown>,
): void {
  const workDir = mkdtempSync(join(tmpdir(), workDirPrefix));
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= stop().then(() => rmSync(workDir, { recursive: true, force: true })));
  const interrupt = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const main = async (): Promise<number> => {
    try {
      return (await run(workDir)) ? 0 : 1;
    } catch (err) {
      const message =
        err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err);
      process.stderr.write(`bench failed: ${message}\n`);
      return 1;
    } finally {
      await cleanup();
    }
  };
  void main().then((code) => process.exit(code));
}

/** v0000, v0001, ...: the tags `seedRepository` pushes. */
export const seededTag = (n: number) => `v${String(n).padStart(4, '0')}`;

/**
 * Pushes `count` distinct images to `repository` as tags v0000, v0001, ..., `parallel` at a time,
 * and checks that the registry then lists them all; returns the manifest digest of each tag.
 */
export async function seedRepository(
  registry: DockerRegistry,
  repository: string,
  count: number,
  parallel: number,
): Promise<Map<string, string>> {
  const tags = Array.from({ length: count }, (_, n) => seededTag(n));
  const digests = await mapLimited(tags, parallel, async (tag) => {
    const image = await pushSyntheticImage(registry.url, repository, tag, {
      labels: { 'io.regql.bench.tag': tag },
    });
    return image.digest;
  });
  const listed = await fetch(`${registry.url}/v2/${repository}/tags/list`);
  const listedCount = ((await listed.json()) as { tags?: string[] }).tags?.length;
  if (listedCount !== count)
    throw new SetupError(`docker-registry lists ${listedCount} tags after seeding`);
  return new Map(tags.map((tag, i) => [tag, digests[i]]));
}

/**
 * Runs skopeo with a private, empty home (so no shared cache or credentials); what is running is
 * kept in `running`, for clean-up to kill.
 */
export function skopeoRunner(home: string, running: Set<ChildProcess>, timeoutMs = 60_000) {
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home };
  return (args: string[]) =>
    new Promise<string>((done, fail) => {
      const child = execFile(
        'skopeo',
        args,
        { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          running.delete(child);
          if (err) fail(new Error(`skopeo ${args.join(' ')}: ${err.message}\n${stderr}`));
          else done(stdout);
        },
      );
      running.add(child);
    });
}

/** The children and servers a registry benchmark starts, for clean-up to stop. */
export interface Resources {
  registry?: DockerRegistry;
  regql: Child[];
  skopeo: Set<ChildProcess>;
}

/** Kills the running skopeos, stops every regql and the registry. */
export async function releaseResources(res: Resources): Promise<void> {
  for (const child of res.skopeo) child.kill('SIGKILL');
  await Promise.allSettled([
    ...res.regql.map((child) => stopChild(child)),
    res.registry && res.registry.stop(),
  ]);
}

export async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  return { status: res.status, text: await res.text() };
}

export interface GraphqlReply<T> {
  data?: T | null;
  errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[];
}

/** POSTs one GraphQL operation to regql as the admin. */
export async function graphql<T>(
  regqlUrl: string,
  adminToken: string,
  request: { query: string; variables?: Record<string, unknown> },
  timeoutMs = HTTP_TIMEOUT_MS,
): Promise<{ status: number; reply: GraphqlReply<T> }> {
  const res = await fetch(`${regqlUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, reply: (await res.json()) as GraphqlReply<T> };
}

/** Reads regql's /metrics once; the result gives every sample of one counter, with its labels. */
export async function readMetrics(
  regqlUrl: string,
): Promise<(name: string) => { labels: Map<string, string>; value: number }[]> {
  const { status, text } = await getText(`${regqlUrl}/metrics`);
  if (status !== 200) throw new SetupError(`GET /metrics: HTTP ${status}`);
  return (name) => {
    const line = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm');
    return [...text.matchAll(line)].map(([, labels, value]) => ({
      labels: new Map([...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v])),
      value: Number(value),
    }));
  };
}

/** "docker-registry v2.8.2", say: what `docker-registry --version` names itself. */
export const dockerRegistryVersion = () =>
  execFileSync('docker-registry', ['--version'], { encoding: 'utf8' })
    .trim()
    .replace(/^.* /, 'docker-registry ');

/**
 * Builds src/ and plugins/, starts docker-registry (kept in `res`) and pushes TAG_COUNT distinct
 * images to it as tags of REPOSITORY.
 */
export async function setUpSeededRegistry(workDir: string, res: Resources) {
  process.stderr.write('building src/ and plugins/ with tsc\n');
  const outDir = buildWithTsc(workDir, ['src', 'plugins']);

  process.stderr.write('starting docker-registry\n');
  const registryVersion = dockerRegistryVersion();
  const registry = (res.registry = await startDockerRegistry());
  process.stderr.write(`pushing ${TAG_COUNT} tags to ${registry.host}/${REPOSITORY}\n`);
  const seedStart = performance.now();
  const pushed = await seedRepository(registry, REPOSITORY, TAG_COUNT, PARALLEL);
  const seedSeconds = elapsed(seedStart);
  process.stderr.write(`seeded ${TAG_COUNT} tags in ${seedSeconds.toFixed(1)} s\n`);
  return { outDir, registry, registryVersion, pushed, seedSeconds };
}

/** Starts the built regql on a free loopback port (kept in `res`) and waits until it is ready. */
export async function startReadyRegql(options: {
  outDir: string;
  workDir: string;
  adminToken: string;
  args: string[];
  env?: Record<string, string>;
  res: Pick<Resources, 'regql'>;
}): Promise<{ regql: Child; url: string; port: number }> {
  const port = await freePort();
  const regql = startRegql({
    outDir: options.outDir,
    workDir: options.workDir,
    port,
    adminToken: options.adminToken,
    args: options.args,
    env: options.env,
  });
  options.res.regql.push(regql);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(regql, async () => (await getText(`${url}/readyz`)).status === 200);
  return { regql, url, port };
}

/**
 * Starts a regql (kept in `res`) with its config and data in `workDir`, reading `registryUrl` as
 * REGISTRY, and waits until it is ready.
 */
export async function startRegqlFor(options: {
  outDir: string;
  workDir: string;
  registryUrl: string;
  adminToken: string;
  env?: Record<string, string>;
  res: Resources;
}): Promise<{ regql: Child; url: string }> {
  const { workDir } = options;
  mkdirSync(workDir, { recursive: true });
  const configFile = join(workDir, 'regql.yaml');
  writeFileSync(
    configFile,
    [
      'registries:',
      `  - name: ${REGISTRY}`,
      '    kind: DISTRIBUTION',
      `    url: ${options.registryUrl}`,
      '    insecure: true',
      '',
    ].join('\n'),
  );
  const { regql, url } = await startReadyRegql({
    outDir: options.outDir,
    workDir,
    adminToken: options.adminToken,
    args: ['serve', '--config', configFile],
    env: { REGQL_MAX_COMPLEXITY: '100000', ...options.env },
    res: options.res,
  });
  return { regql, url };
}

/**
 * What skopeo takes to read the same: list the tags of REPOSITORY on `host`, then inspect each one,
 * PARALLEL at a time. `--no-tags` keeps each inspect from listing all the tags again (regql does
 * not either).
 */
export async function skopeoInspectAll(workDir: string, host: string, res: Resources) {
  process.stderr.write(`skopeo: list-tags and ${TAG_COUNT} inspects\n`);
  const skopeo = skopeoRunner(join(workDir, 'skopeo-home'), res.skopeo);
  const start = performance.now();
  const listed = JSON.parse(
    await skopeo(['list-tags', '--tls-verify=false', `docker://${host}/${REPOSITORY}`]),
  ) as { Tags: string[] };
  const inspected = await mapLimited(listed.Tags, PARALLEL, async (tag) => {
    const out = await skopeo([
      'inspect',
      '--tls-verify=false',
      '--no-tags',
      `docker://${host}/${REPOSITORY}:${tag}`,
    ]);
    const image = JSON.parse(out) as { Digest: string; Os: string; Architecture: string };
    return { tag, ...image };
  });
  return { seconds: elapsed(start), inspected };
}

/** The first lines of a benchmark's report. */
export const reportHead = (
  title: string,
  registryVersion: string,
  seedSeconds: number,
  suffix = '',
) => [
  '',
  `${title}: ${TAG_COUNT} tags of ${REPOSITORY} on ${registryVersion}${suffix}`,
  `seeding: ${TAG_COUNT} distinct images pushed in ${seedSeconds.toFixed(1)} s`,
];

/** The report's row for skopeoInspectAll, laid out by `row`. */
export const skopeoRow = (
  row: (name: string, seconds: string, upstream: string, note: string) => string,
  seconds: number,
) => row(`skopeo list-tags + ${TAG_COUNT} x inspect`, seconds.toFixed(3), '-', '(not counted)');

/** The report's last lines when anything was wrong (none when nothing was). */
export const verificationLines = (problems: string[]) =>
  problems.length > 0 ? ['', 'VERIFICATION FAILED:', ...problems.map((p) => `  ${p}`)] : [];

/** Clock ticks per second, the unit of the CPU times in /proc (`getconf CLK_TCK`). */
export const CLOCK_TICKS = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
);

/** utime + stime of a running process, in seconds (CLK_TCK from `getconf`). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces; utime and stime
  // are fields 14 and 15 of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** A memory line of /proc/<pid>/status (VmRSS: now, VmHWM: peak), in MiB. */
export function processMemoryMib(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
  if (kb === undefined) throw new SetupError(`no ${key} in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

/** The pid of this process's one child running `command` (as /proc/<pid>/comm names it). */
export function childPidNamed(command: string): number {
  const children = readdirSync('/proc/self/task').flatMap((task) =>
    readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
  );
  const named = children.filter(
    (pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command.slice(0, 15),
  );
  if (named.length !== 1)
    throw new SetupError(`${named.length} child processes run ${command}, not one`);
  return Number(named[0]);
}

/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted: ArrayLike<number>, p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

/** Authorization for `repository`: none when /v2/ answers 200, else a token by its challenge. */
export async function authHeaders(
  server: { name: string; url: string; host: string; creds?: string },
  repository: string,
): Promise<Record<string, string>> {
  const base = await request(`${server.url}/v2/`);
  await base.body.dump();
  if (base.statusCode === 200) return {};
  const challenge = String(base.headers['www-authenticate'] ?? '');
  const param = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(challenge)?.[1];
  const realm = param('realm');
  if (base.statusCode !== 401 || !/^Bearer /i.test(challenge) || !realm)
    throw new SetupError(`${server.name}: GET /v2/ answered ${base.statusCode} "${challenge}"`);
  const tokenUrl = new URL(realm);
  // The realm names the public host (localhost): ask the address the server listens on instead.
  tokenUrl.host = server.host;
  tokenUrl.searchParams.set('service', param('service') ?? '');
  tokenUrl.searchParams.set('scope', `repository:${repository}:pull,push`);
  const basic = Buffer.from(server.creds ?? '').toString('base64');
  const res = await request(tokenUrl, { headers: { authorization: `Basic ${basic}` } });
  const body = await res.body.text();
  const token = res.statusCode === 200 ? (JSON.parse(body) as { token?: string }).token : null;
  if (!token)
    throw new SetupError(`${server.name}: GET ${tokenUrl} answered ${res.statusCode} ${body}`);
  return { authorization: `Bearer ${token}` };
}

/** Fails with the request and the whole answer unless the status is `expected`. */
export async function expectStatus(
  what: string,
  res: Awaited<ReturnType<typeof request>>,
  expected: number,
): Promise<void> {
  if (res.statusCode === expected) return void (await res.body.dump());
  const body = await res.body.text();
  throw new Error(
    `${what}: HTTP ${res.statusCode} (expected ${expected}), headers ${JSON.stringify(res.headers)}, body ${body.slice(0, 2000)}`,
  );
}
