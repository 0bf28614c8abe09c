import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { NAMESPACE, STREAM_COUNT, TAGS_PER_STREAM, streamSpecs } from './bare-apollo';

/**
 * Throughput of the heaviest image stream read: regql against itself ({ __typename }) and against
 * a bare Apollo Server serving the same data from memory. Both servers are built into a temp
 * directory and run as child processes, so autocannon has this process's event loop to itself.
 *
 *   BENCH_SECONDS=10 npx ts-node --transpile-only bench/query.ts
 */

const ROOT = resolve(__dirname, '..');
const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const TSC_EMITTED_WITH_ERRORS = 2;
const ADMIN_TOKEN = `rgq_bench-admin-${randomBytes(16).toString('hex')}`;

const TAG_FIELDS = `
  fragment TagFields on ImageStreamTag {
    name
    from { kind name }
    reference
    importPolicy { scheduled insecure importMode }
    referencePolicy
    generation
    current { image dockerImageReference created generation }
    items(first: 10) {
      edges { cursor node { image dockerImageReference generation } }
      pageInfo { hasNextPage endCursor }
    }
    conditions { type status reason message }
    pullSpec
  }`;

const IMAGE_STREAMS = `
  query ImageStreams($namespace: String!, $first: Int) {
    imageStreams(namespace: $namespace, first: $first) {
      edges {
        cursor
        node { namespace name dockerImageRepository tags { ...TagFields } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
  ${TAG_FIELDS}`;

const CREATE_IMAGE_STREAM = `
  mutation CreateImageStream($input: CreateImageStreamInput!) {
    createImageStream(input: $input) { name tags { name } }
  }`;

const TYPENAME = '{ __typename }';

class SetupError extends Error {}

interface GraphQLReply {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
}

interface ImageStreamsData {
  imageStreams: { edges: { node: { tags: unknown[] } }[] };
}

interface Child {
  name: string;
  process: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

interface Scenario {
  label: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

function benchSeconds(): number {
  const raw = process.env.BENCH_SECONDS;
  if (raw === undefined || raw === '') return 10;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new SetupError(`BENCH_SECONDS must be a positive integer, not "${raw}"`);
  }
  return seconds;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? done(address.port)
          : fail(new SetupError('no free port')),
      );
    });
  });
}

/**
 * Compiles src/ and the bare Apollo server with tsc into `outDir`, next to a node_modules link.
 * Type errors (src/ may be mid-edit) only warn: tsc still emits, and the emitted code is what runs.
 */
function build(workDir: string): string {
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
      include: [join(ROOT, 'src'), join(ROOT, 'bench', 'bare-apollo.ts')],
    }),
  );
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (tsc.status === TSC_EMITTED_WITH_ERRORS) {
    process.stderr.write(
      `warning: type errors, benchmarking the emitted code anyway:\n${tsc.stdout}`,
    );
  } else if (tsc.status !== 0) {
    throw new SetupError(`tsc failed (exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  }
  symlinkSync(join(ROOT, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  return outDir;
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('REGQL_')),
  );
  return { ...env, NODE_ENV: 'production', ...extra };
}

function startChild(name: string, script: string, env: Record<string, string>): Child {
  if (!existsSync(script)) throw new SetupError(`${script} was not built`);
  const child = spawn(process.execPath, [script], {
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

const hasExited = (child: Child) =>
  child.process.exitCode !== null || child.process.signalCode !== null;

async function stopChild(child: Child): Promise<void> {
  if (hasExited(child) || child.process.pid === undefined) return;
  child.process.kill('SIGTERM');
  const force = setTimeout(() => child.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(force);
}

async function waitReady(child: Child, probe: () => Promise<boolean>): Promise<void> {
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

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<GraphQLReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

function expectOk(reply: GraphQLReply, what: string): Record<string, unknown> {
  if (reply.status !== 200 || reply.errors?.length || !reply.data) {
    throw new SetupError(
      `${what}: HTTP ${reply.status} ${JSON.stringify(reply.errors ?? reply.data)}`,
    );
  }
  return reply.data;
}

async function seed(graphqlUrl: string): Promise<void> {
  for (const spec of streamSpecs()) {
    const input = { namespace: NAMESPACE, ...spec };
    const reply = await post(graphqlUrl, CREATE_IMAGE_STREAM, { input }, ADMIN_TOKEN);
    const data = expectOk(reply, `createImageStream ${spec.name}`) as {
      createImageStream: { tags: unknown[] };
    };
    if (data.createImageStream.tags.length !== TAGS_PER_STREAM) {
      throw new SetupError(
        `createImageStream ${spec.name} kept ${data.createImageStream.tags.length} tags`,
      );
    }
  }
}

async function fetchImageStreams(
  graphqlUrl: string,
  first: number,
  what: string,
  token?: string,
): Promise<ImageStreamsData> {
  const reply = await post(graphqlUrl, IMAGE_STREAMS, { namespace: NAMESPACE, first }, token);
  const data = expectOk(reply, what) as unknown as ImageStreamsData;
  const edges = data.imageStreams.edges;
  const expected = Math.min(first, STREAM_COUNT);
  if (edges.length !== expected || edges.some((e) => e.node.tags.length !== TAGS_PER_STREAM)) {
    const tags = edges.map((e) => e.node.tags.length).join(',');
    throw new SetupError(
      `${what}: expected ${expected} edges x ${TAGS_PER_STREAM} tags, got ${edges.length} edges (tags: ${tags})`,
    );
  }
  return data;
}

function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (found) return found;
  }
  return null;
}

async function storeQueries(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const match = /^regql_store_queries (\d+)$/m.exec(text);
  if (!match) throw new SetupError('regql_store_queries is missing from /metrics');
  return Number(match[1]);
}

/** The first request fills regql's token cache, so the second one counts only its own reads. */
async function storeReadsPerRequest(baseUrl: string, first: number): Promise<number> {
  const graphqlUrl = `${baseUrl}/graphql`;
  await fetchImageStreams(graphqlUrl, first, `regql imageStreams(first: ${first})`, ADMIN_TOKEN);
  const before = await storeQueries(baseUrl);
  await fetchImageStreams(graphqlUrl, first, `regql imageStreams(first: ${first})`, ADMIN_TOKEN);
  return (await storeQueries(baseUrl)) - before;
}

async function measure(scenario: Scenario, seconds: number): Promise<autocannon.Result> {
  const options: autocannon.Options = {
    url: scenario.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...scenario.headers },
    body: scenario.body,
    connections: CONNECTIONS,
  };
  process.stderr.write(`${scenario.label}: ${WARMUP_SECONDS} s warm-up, ${seconds} s measured\n`);
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  const result = await autocannon({ ...options, duration: seconds, title: scenario.label });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0 || result['2xx'] === 0) {
    throw new SetupError(
      `${scenario.label}: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return result;
}

function report(
  seconds: number,
  scenarios: Scenario[],
  results: autocannon.Result[],
  reads: { first: number; reads: number }[],
): void {
  const [a, b, c] = results.map((r) => r.requests.mean);
  const width = Math.max(...scenarios.map((s) => s.label.length));
  const lines = [
    '',
    `regql query benchmark: ${CONNECTIONS} connections, ${seconds} s per run after a ${WARMUP_SECONDS} s warm-up`,
    `${STREAM_COUNT} image streams x ${TAGS_PER_STREAM} spec tags in namespace "${NAMESPACE}"`,
    '',
    `${'scenario'.padEnd(width)}  ${'req/s (mean)'.padStart(12)}  ${'p99 (ms)'.padStart(8)}  ${'KiB/resp'.padStart(8)}`,
    ...scenarios.map((s, i) => {
      const r = results[i];
      const size = r.requests.mean > 0 ? r.throughput.mean / r.requests.mean / 1024 : 0;
      return `${s.label.padEnd(width)}  ${r.requests.mean.toFixed(1).padStart(12)}  ${String(r.latency.p99).padStart(8)}  ${size.toFixed(1).padStart(8)}`;
    }),
    '',
    `(a)/(c) = ${(a / c).toFixed(3)}`,
    `(a)/(b) = ${(a / b).toFixed(3)}`,
    '',
    ...reads.map(
      ({ first, reads: n }) => `store reads per request, imageStreams(first: ${first}): ${n}`,
    ),
    `N+1 check: ${new Set(reads.map((r) => r.reads)).size === 1 ? 'ok, same count for every page size' : 'FAILED, reads grow with the page size'}`,
    '',
    `goal (a) >= 0.5 x (c): ${a >= 0.5 * c ? 'MET' : 'NOT MET'} (${(a / c).toFixed(3)} x)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function run(workDir: string, children: Child[]): Promise<void> {
  const seconds = benchSeconds();
  process.stderr.write('building src/ and bench/bare-apollo.ts with tsc\n');
  const outDir = build(workDir);
  const [regqlPort, barePort] = await Promise.all([freePort(), freePort()]);

  const regql = startChild('regql', join(outDir, 'src', 'main.js'), {
    REGQL_PORT: String(regqlPort),
    REGQL_DATA_DIR: join(workDir, 'data'),
    REGQL_ADMIN_TOKEN: ADMIN_TOKEN,
    REGQL_LOG_LEVEL: 'warn',
    REGQL_SHUTDOWN_TIMEOUT_MS: '2000',
  });
  children.push(regql);
  const bare = startChild('bare Apollo', join(outDir, 'bench', 'bare-apollo.js'), {
    PORT: String(barePort),
    REGISTRY_HOST: `localhost:${regqlPort}`,
  });
  children.push(bare);

  const regqlBase = `http://127.0.0.1:${regqlPort}`;
  const regqlGraphql = `${regqlBase}/graphql`;
  const bareGraphql = `http://127.0.0.1:${barePort}/`;
  await Promise.all([
    waitReady(regql, async () => (await fetch(`${regqlBase}/readyz`)).status === 200),
    waitReady(bare, async () => (await post(bareGraphql, TYPENAME, {})).status === 200),
  ]);

  process.stderr.write(`seeding ${STREAM_COUNT} image streams through createImageStream\n`);
  await seed(regqlGraphql);

  const fromRegql = await fetchImageStreams(regqlGraphql, 100, '(a) regql', ADMIN_TOKEN);
  const fromBare = await fetchImageStreams(bareGraphql, 100, '(c) bare Apollo');
  const difference = firstDifference(fromRegql, fromBare);
  if (difference) {
    process.stderr.write(`warning: (a) and (c) answer differently at ${difference}\n`);
  }
  const typename = expectOk(await post(regqlGraphql, TYPENAME, {}, ADMIN_TOKEN), '(b) regql');
  if (typename.__typename !== 'Query') throw new SetupError('(b) regql: __typename is not Query');

  const reads: { first: number; reads: number }[] = [];
  for (const first of [10, 100]) {
    reads.push({ first, reads: await storeReadsPerRequest(regqlBase, first) });
  }

  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const imageStreamsBody = JSON.stringify({
    query: IMAGE_STREAMS,
    variables: { namespace: NAMESPACE, first: 100 },
  });
  const scenarios: Scenario[] = [
    {
      label: '(a) regql imageStreams(first: 100)',
      url: regqlGraphql,
      body: imageStreamsBody,
      headers: auth,
    },
    {
      label: '(b) regql { __typename }',
      url: regqlGraphql,
      body: JSON.stringify({ query: TYPENAME }),
      headers: auth,
    },
    {
      label: '(c) bare Apollo imageStreams(first: 100)',
      url: bareGraphql,
      body: imageStreamsBody,
      headers: {},
    },
  ];
  const results: autocannon.Result[] = [];
  for (const scenario of scenarios) results.push(await measure(scenario, seconds));
  report(seconds, scenarios, results, reads);
}

async function main(): Promise<number> {
  const workDir = mkdtempSync(join(tmpdir(), 'regql-bench-'));
  const children: Child[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= Promise.all(children.map(stopChild)).then(() =>
      rmSync(workDir, { recursive: true, force: true }),
    ));
  const interrupt = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    await run(workDir, children);
    return 0;
  } catch (err) {
    const message = err instanceof SetupError ? err.message : String((err as Error)?.stack ?? err);
    process.stderr.write(`bench failed: ${message}\n`);
    return 1;
  } finally {
    await cleanup();
  }
}

void main().then((code) => process.exit(code));
