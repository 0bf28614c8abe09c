import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PARTS, type PartName } from '../../src/app';
import { testDatabaseEnv } from '../helpers/postgres';
import { startRedis, type RedisServer } from '../helpers/redis';
import { ADMIN_TOKEN, startTestServer } from '../helpers/server';

const root = join(__dirname, '..', '..');
/** After startApp rejected (or close resolved), how long the child may take to exit by itself. */
const EXIT_WITHIN_MS = 10_000;

/**
 * dist/, when it holds a build of every source as it is now (jest's global setup builds it where
 * that is set up): children then load it instead of compiling the sources through ts-node.
 */
function freshBuild(): string | undefined {
  const dist = join(root, 'dist');
  const tsFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return tsFiles(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
  const fresh = ['src', 'plugins'].every((folder) =>
    tsFiles(join(root, folder)).every((file) => {
      const built = join(dist, relative(root, file)).replace(/\.ts$/, '.js');
      return existsSync(built) && statSync(built).mtimeMs >= statSync(file).mtimeMs;
    }),
  );
  return fresh ? dist : undefined;
}
const built = freshBuild();

interface Outcome {
  outcome: 'rejected' | 'closed' | 'still running';
  message?: string;
  /** The parts started, in order, as afterPart saw them. */
  parts?: string[];
  /** The parts stopped, in order. */
  stopped?: string[];
  /** Sockets, servers, intervals and process-holding timers made by regql and still there. */
  left?: { type: string; stack: string }[];
  active?: string[];
}

interface Run {
  code: number | null;
  /** Every line the child reported, in order. */
  lines: Outcome[];
  /** From the first report (startApp settled) to the exit. */
  exitMs: number | null;
  stderr: string;
}

/**
 * Starts regql in a child process that fails right after `failAfter` (or closes after a full
 * start, with "none"), through test/wiring/start-and-stop.ts.
 */
function startAndStop(
  failAfter: PartName | 'none',
  env: Record<string, string> = {},
): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'regql-wiring-'));
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'start-and-stop.ts'), failAfter],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        REGQL_PORT: '0',
        REGQL_HOST: '127.0.0.1',
        REGQL_DATA_DIR: dataDir,
        REGQL_ADMIN_TOKEN: ADMIN_TOKEN,
        WATCHDOG_MS: String(EXIT_WITHIN_MS),
        ...(built && { REGQL_BUILT: built }),
        ...testDatabaseEnv(dataDir),
        ...env,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  let settledAt: number | null = null;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    settledAt ??= Date.now();
  });
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({
        code,
        lines: stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Outcome),
        exitMs: settledAt === null ? null : Date.now() - settledAt,
        stderr,
      });
    });
  });
}

/** Runs `work` for each item, at most `limit` at once (the machine may have two cores). */
function limited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) {
  let free = limit;
  const waiting: (() => void)[] = [];
  const acquire = (): Promise<void> => {
    if (free > 0) {
      free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  return new Map(
    items.map((item) => [
      item,
      acquire()
        .then(() => work(item))
        .finally(release),
    ]),
  );
}

function expectNothingLeft(run: Run, outcome: 'rejected' | 'closed'): void {
  const [first, ...rest] = run.lines;
  // The stderr tail and the watchdog's report say what kept the process when this fails.
  expect({ ...first, after: rest, stderr: first ? '' : run.stderr }).toMatchObject({
    outcome,
    left: [],
    after: [],
  });
  expect(run.code).toBe(0);
  expect(run.exitMs).not.toBeNull();
  expect(run.exitMs!).toBeLessThan(EXIT_WITHIN_MS);
  // What started is what stops, last first: the same on a failed start as on close.
  expect(first.stopped).toEqual([...(first.parts ?? [])].reverse());
}

describe('starting regql', () => {
  const cases = [...PARTS, 'none'] as const;
  let runs: Map<PartName | 'none', Promise<Run>>;

  beforeAll(() => {
    // Each child compiles the sources through ts-node: start them all, two at a time.
    runs = limited(cases, 2, (part) => startAndStop(part));
  });

  it.each(PARTS)(
    'stops everything it started when it fails right after the %s part started',
    async (part) => {
      const run = await runs.get(part)!;
      expectNothingLeft(run, 'rejected');
      const [reported] = run.lines;
      expect(reported.message).toBe(`injected failure after ${part}`);
      expect(reported.parts).toEqual(PARTS.slice(0, PARTS.indexOf(part) + 1));
      expect(reported.stopped).toEqual(PARTS.slice(0, PARTS.indexOf(part) + 1).reverse());
    },
    180_000,
  );

  it('stops everything on close after a full start', async () => {
    const run = await runs.get('none')!;
    expectNothingLeft(run, 'closed');
    expect(run.lines[0].parts).toEqual([...PARTS]);
    expect(run.lines[0].stopped).toEqual([...PARTS].reverse());
  }, 180_000);

  describe('with the Redis event bus', () => {
    let redis: RedisServer;

    beforeAll(async () => {
      redis = await startRedis();
    });

    afterAll(async () => {
      await redis?.stop();
    });

    it.each(['events', 'http'] as const)(
      'closes its Redis connections when it fails after the %s part',
      async (part) => {
        await Promise.all(runs.values()); // one child compiling at a time is enough
        const run = await startAndStop(part, { REGQL_REDIS_URL: redis.url });
        expectNothingLeft(run, 'rejected');
        expect(run.lines[0].message).toBe(`injected failure after ${part}`);
      },
      180_000,
    );
  });

  it('rejects with the error of a part that fails, having stopped the parts before it', async () => {
    // Nothing answers on this port: the events part fails connecting the bus.
    const run = await startAndStop('none', { REGQL_REDIS_URL: 'redis://127.0.0.1:1' });
    expectNothingLeft(run, 'rejected');
    expect(run.lines[0].message).toMatch(/redis/);
    expect(run.lines[0].parts).toEqual(['listener', 'store', 'federation']);
    expect(run.lines[0].stopped).toEqual(['federation', 'store', 'listener']);
  }, 180_000);
});

describe('closing regql', () => {
  it('stops the parts in the reverse order of their start', async () => {
    const server = await startTestServer();
    const stopping = () =>
      server.logs
        .map((line) => JSON.parse(line) as { msg?: string; part?: string })
        .filter((line) => line.msg === 'stopping')
        .map((line) => line.part);
    await server.close();
    expect(stopping()).toEqual([...PARTS].reverse());
  });
});
