import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/helpers/processes';
import { NAMESPACE, STREAM_COUNT, TAGS_PER_STREAM, streamSpecs } from './bare-apollo';
import {
  SetupError,
  buildWithTsc,
  randomAdminToken,
  runBenchmark,
  startChild,
  startRegql,
  stopChild,
  waitReady,
  type Child,
} from './support';

/**
 * Throughput of the heaviest image stream read: regql against itself ({ __typename }) and against
 * a bare Apollo Server serving the same data from memory. Both servers are built into a temp
 * directory and run as child processes, so autocannon has this process's event loop to itself.
 *
 *   BENCH_SECONDS=10 npx ts-node --transpile-only bench/query.ts
 */

const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const ADMIN_TOKEN = randomAdminToken();

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

interface GraphQLReply {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
}

interface ImageStreamsData {
  imageStreams: { edges: { node: { tags: unknown[] } }[] };
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

async function run(workDir: string, children: Child[]): Promise<boolean> {
  const seconds = benchSeconds();
  process.stderr.write('building src/ and bench/bare-apollo.ts with tsc\n');
  const outDir = buildWithTsc(workDir, ['src', 'bench/bare-apollo.ts']);
  const [regqlPort, barePort] = await Promise.all([freePort(), freePort()]);

  const regql = startRegql({ outDir, workDir, port: regqlPort, adminToken: ADMIN_TOKEN });
  children.push(regql);
  const bare = startChild('bare Apollo', join(outDir, 'bench', 'bare-apollo.js'), [], {
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
  return true;
}

const children: Child[] = [];
runBenchmark(
  'regql-bench-',
  (workDir) => run(workDir, children),
  () => Promise.all(children.map(stopChild)),
);
