import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DockerRegistry } from '../test/helpers/docker-registry';
import { pushSyntheticImage } from '../test/helpers/synthetic-images';

/** What the benchmarks share: building regql, running it and other servers as children, timing. */

const ROOT = resolve(__dirname, '..');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const TSC_TIMEOUT_MS = 300_000;
const TSC_EMITTED_WITH_ERRORS = 2;

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

/** Runs `work` over `items` with at most `limit` at a time; the first failure rejects. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

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
  const digests = await pool(tags, parallel, async (tag) => {
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
