import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { startDockerRegistry, type DockerRegistry } from '../test/helpers/docker-registry';
import { freePort } from '../test/helpers/processes';
import { pushSyntheticImage } from '../test/helpers/synthetic-images';
import {
  SetupError,
  buildWithTsc,
  elapsed,
  pool,
  randomAdminToken,
  runBenchmark,
  startRegql,
  stopChild,
  waitReady,
  type Child,
} from './support';

/**
 * Listing one repository of 1,000 tags with digest, size, os and architecture: one regql query
 * (cold, then warm) against skopeo (list-tags, then one inspect per tag), both reading the same
 * real docker-registry in the same run. regql is built into a temp directory and runs as a child
 * process; the upstream requests it makes are read from its /metrics.
 *
 *   npx ts-node --transpile-only bench/tags.ts
 */

const REGISTRY = 'bench';
const REPOSITORY = 'bench/app';
const TAG_COUNT = 1000;
const PARALLEL = 8;
const UPSTREAM_PAGE = 100;
const GOAL_RATIO = 10;
const HTTP_TIMEOUT_MS = 30_000;
const QUERY_TIMEOUT_MS = 300_000;
const SKOPEO_TIMEOUT_MS = 60_000;
const ADMIN_TOKEN = randomAdminToken();

const TAGS_QUERY = `{ registry(name: "${REGISTRY}") { repository(name: "${REPOSITORY}") { tags(first: ${TAG_COUNT}) { edges { node { name digest image { size os architecture } } } pageInfo { hasNextPage } } } } }`;

interface TagNode {
  name: string;
  digest: string | null;
  image: { size: number | null; os: string | null; architecture: string | null } | null;
}

interface TagsReply {
  data?: {
    registry: {
      repository: { tags: { edges: { node: TagNode }[]; pageInfo: { hasNextPage: boolean } } };
    } | null;
  } | null;
  errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[];
}

interface RegqlRun {
  seconds: number;
  upstream: number;
  nodes: TagNode[];
}

interface Image {
  os: string;
  architecture: string;
}

const tagName = (n: number) => `v${String(n).padStart(4, '0')}`;

async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  return { status: res.status, text: await res.text() };
}

/** Pushes TAG_COUNT distinct images; returns the manifest digest of each tag. */
async function seed(registry: DockerRegistry): Promise<Map<string, string>> {
  const tags = Array.from({ length: TAG_COUNT }, (_, n) => tagName(n));
  const digests = await pool(tags, PARALLEL, async (tag) => {
    const image = await pushSyntheticImage(registry.url, REPOSITORY, tag, {
      labels: { 'io.regql.bench.tag': tag },
    });
    return image.digest;
  });
  const listed = await getText(`${registry.url}/v2/${REPOSITORY}/tags/list`);
  const count = (JSON.parse(listed.text) as { tags?: string[] }).tags?.length;
  if (count !== TAG_COUNT)
    throw new SetupError(`docker-registry lists ${count} tags after seeding`);
  return new Map(tags.map((tag, i) => [tag, digests[i]]));
}

/** How many tags docker-registry answers to one `tags/list?n=100`: all of them if it ignores n. */
async function firstPageSize(registry: DockerRegistry): Promise<number> {
  const page = await getText(`${registry.url}/v2/${REPOSITORY}/tags/list?n=${UPSTREAM_PAGE}`);
  return (JSON.parse(page.text) as { tags: string[] }).tags.length;
}

/** regql_upstream_requests_total for the bench registry, summed over statuses. */
async function upstreamRequests(regqlUrl: string): Promise<number> {
  const { status, text } = await getText(`${regqlUrl}/metrics`);
  if (status !== 200) throw new SetupError(`GET /metrics: HTTP ${status}`);
  let sum = 0;
  for (const [, labels, value] of text.matchAll(
    /^regql_upstream_requests_total\{([^}]*)\} (\S+)$/gm,
  )) {
    if (labels.split(',').includes(`registry="${REGISTRY}"`)) sum += Number(value);
  }
  return sum;
}

/** Every problem with a tags answer, compared with what was pushed (empty when it is right). */
function problemsOf(label: string, status: number, reply: TagsReply, pushed: Map<string, string>) {
  const problems: string[] = [];
  if (status !== 200) problems.push(`HTTP ${status}`);
  for (const error of reply.errors ?? []) {
    problems.push(
      `error ${error.extensions?.code ?? '?'} at ${JSON.stringify(error.path)}: ${error.message}`,
    );
  }
  const tags = reply.data?.registry?.repository.tags;
  if (!tags) problems.push(`no tags in data: ${JSON.stringify(reply.data)}`);
  else {
    if (tags.edges.length !== TAG_COUNT) problems.push(`${tags.edges.length} edges`);
    if (tags.pageInfo.hasNextPage) problems.push('hasNextPage is true');
    const incomplete = tags.edges.filter(
      ({ node: n }) => !n.digest || !n.image?.size || !n.image.os || !n.image.architecture,
    );
    if (incomplete.length > 0) {
      problems.push(
        `${incomplete.length} nodes lack digest/size/os/architecture, e.g. ${JSON.stringify(incomplete[0].node)}`,
      );
    }
    const wrong = tags.edges.filter(({ node: n }) => n.digest && pushed.get(n.name) !== n.digest);
    if (wrong.length > 0) {
      problems.push(
        `${wrong.length} digests differ from the pushed ones, e.g. ${wrong[0].node.name}`,
      );
    }
  }
  return problems.slice(0, 10).map((p) => `${label}: ${p}`);
}

async function queryTags(
  regqlUrl: string,
  label: string,
  pushed: Map<string, string>,
  problems: string[],
): Promise<RegqlRun> {
  const before = await upstreamRequests(regqlUrl);
  const start = performance.now();
  const res = await fetch(`${regqlUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query: TAGS_QUERY }),
    signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
  });
  const reply = (await res.json()) as TagsReply;
  const seconds = elapsed(start);
  const upstream = (await upstreamRequests(regqlUrl)) - before;
  problems.push(...problemsOf(label, res.status, reply, pushed));
  const nodes = reply.data?.registry?.repository.tags.edges.map((e) => e.node) ?? [];
  return { seconds, upstream, nodes };
}

/** skopeo with a private, empty home (so no shared cache or credentials), killed on clean-up. */
function skopeoRunner(home: string, running: Set<ChildProcess>) {
  mkdirSync(home, { recursive: true });
  const env = { ...process.env, HOME: home, XDG_DATA_HOME: home, XDG_RUNTIME_DIR: home };
  return (args: string[]) =>
    new Promise<string>((done, fail) => {
      const child = execFile(
        'skopeo',
        args,
        { env, timeout: SKOPEO_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          running.delete(child);
          if (err) fail(new Error(`skopeo ${args.join(' ')}: ${err.message}\n${stderr}`));
          else done(stdout);
        },
      );
      running.add(child);
    });
}

/**
 * The same work with skopeo: list the tags, then inspect each one, PARALLEL at a time. `--no-tags`
 * keeps each inspect from listing all 1,000 tags again (regql does not either).
 */
async function skopeoTags(
  skopeo: (args: string[]) => Promise<string>,
  host: string,
): Promise<{ seconds: number; digests: Map<string, string>; images: Image[] }> {
  const start = performance.now();
  const listed = JSON.parse(
    await skopeo(['list-tags', '--tls-verify=false', `docker://${host}/${REPOSITORY}`]),
  ) as { Tags: string[] };
  const inspected = await pool(listed.Tags, PARALLEL, async (tag) => {
    const out = await skopeo([
      'inspect',
      '--tls-verify=false',
      '--no-tags',
      `docker://${host}/${REPOSITORY}:${tag}`,
    ]);
    const image = JSON.parse(out) as { Digest: string; Os: string; Architecture: string };
    return { tag, ...image };
  });
  const seconds = elapsed(start);
  return {
    seconds,
    digests: new Map(inspected.map((i) => [i.tag, i.Digest])),
    images: inspected.map((i) => ({ os: i.Os, architecture: i.Architecture })),
  };
}

function compareDigests(nodes: TagNode[], skopeo: Map<string, string>): string[] {
  const problems: string[] = [];
  if (skopeo.size !== TAG_COUNT) problems.push(`skopeo: listed ${skopeo.size} tags`);
  const differing = nodes.filter((n) => skopeo.get(n.name) !== n.digest);
  if (differing.length > 0) {
    const n = differing[0];
    problems.push(
      `skopeo vs regql: ${differing.length} digests differ, e.g. ${n.name}: ${skopeo.get(n.name)} vs ${n.digest}`,
    );
  }
  return problems;
}

/**
 * The same 1 + 2,000 GETs from a bare undici client with the same connection count: what the
 * registry itself allows on this machine, so what no client can beat.
 */
async function bareClientSeconds(registry: DockerRegistry, tags: string[]): Promise<number> {
  const agent = new Agent({ connections: PARALLEL });
  const get = async (path: string, accept?: string) => {
    const res = await request(`${registry.url}${path}`, {
      dispatcher: agent,
      headers: accept ? { accept } : {},
    });
    if (res.statusCode !== 200) throw new Error(`bare client: ${path} answered ${res.statusCode}`);
    return res.body.text();
  };
  const started = performance.now();
  await get(`/v2/${REPOSITORY}/tags/list?n=${UPSTREAM_PAGE}`);
  await pool(tags, PARALLEL, async (tag) => {
    const manifest = JSON.parse(
      await get(`/v2/${REPOSITORY}/manifests/${tag}`, 'application/vnd.oci.image.manifest.v1+json'),
    ) as {
      config: { digest: string };
    };
    await get(`/v2/${REPOSITORY}/blobs/${manifest.config.digest}`);
  });
  const seconds = elapsed(started);
  await agent.close();
  return seconds;
}

function report(figures: {
  registryVersion: string;
  seedSeconds: number;
  pageTags: number;
  cold: RegqlRun;
  warm: RegqlRun;
  skopeoSeconds: number;
  bareSeconds: number;
  samePushed: number;
  sameSkopeo: number;
  problems: string[];
}): void {
  const { cold, warm, skopeoSeconds, pageTags } = figures;
  const briefPages = TAG_COUNT / UPSTREAM_PAGE;
  const pages = pageTags > UPSTREAM_PAGE ? 1 : briefPages;
  const images = 2 * TAG_COUNT;
  const ratio = skopeoSeconds / cold.seconds;
  const verdict =
    figures.problems.length > 0
      ? 'NOT JUDGED (regql did not answer the whole query, see below)'
      : ratio >= GOAL_RATIO
        ? 'MET'
        : 'NOT MET';
  const row = (name: string, seconds: string, upstream: string, target: string) =>
    `${name.padEnd(34)}  ${seconds.padStart(8)}  ${upstream.padStart(9)}  ${target}`;
  const lines = [
    '',
    `tags benchmark: ${TAG_COUNT} tags of ${REPOSITORY} on ${figures.registryVersion}, ${PARALLEL} at a time`,
    `seeding: ${TAG_COUNT} distinct images pushed in ${figures.seedSeconds.toFixed(1)} s`,
    '',
    row('run', 'seconds', 'upstream', 'target upstream requests'),
    row(
      'regql cold (1 query)',
      cold.seconds.toFixed(3),
      String(cold.upstream),
      `${briefPages + images} (${briefPages} pages + ${TAG_COUNT} manifests + ${TAG_COUNT} configs, +1 ping); here ${pages + images}`,
    ),
    row('regql warm (same query again)', warm.seconds.toFixed(3), String(warm.upstream), '0'),
    row(
      'bare HTTP client, same GETs',
      figures.bareSeconds.toFixed(3),
      String(1 + images),
      '(the floor: what the registry serves)',
    ),
    row(
      `skopeo list-tags + ${TAG_COUNT} x inspect`,
      skopeoSeconds.toFixed(3),
      '-',
      '(not counted)',
    ),
    '',
    pageTags > UPSTREAM_PAGE
      ? `pages: docker-registry answered tags/list?n=${UPSTREAM_PAGE} with all ${pageTags} tags (it ignores n), so regql reads 1 page and pages locally, not ${briefPages}`
      : `pages: docker-registry honours n (${pageTags} tags for n=${UPSTREAM_PAGE}), so regql reads ${briefPages} pages`,
    `digests: regql's equal the pushed ones for ${figures.samePushed} of ${TAG_COUNT} tags, and skopeo's for ${figures.sameSkopeo}`,
    `skopeo / regql cold = ${ratio.toFixed(1)} x; goal >= ${GOAL_RATIO} x: ${verdict}`,
    `skopeo / regql warm = ${(skopeoSeconds / warm.seconds).toFixed(1)} x`,
    `regql cold / bare client = ${(cold.seconds / figures.bareSeconds).toFixed(2)} x (1.00 = no overhead over the registry's own speed)`,
    `skopeo / bare client = ${(skopeoSeconds / figures.bareSeconds).toFixed(1)} x (the best ratio any client could reach here)`,
  ];
  if (figures.problems.length > 0) {
    lines.push('', 'VERIFICATION FAILED:', ...figures.problems.map((p) => `  ${p}`));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

interface Resources {
  registry?: DockerRegistry;
  regql?: Child;
  skopeo: Set<ChildProcess>;
}

async function run(workDir: string, res: Resources): Promise<boolean> {
  process.stderr.write('building src/ and plugins/ with tsc\n');
  const outDir = buildWithTsc(workDir, ['src', 'plugins']);

  process.stderr.write('starting docker-registry\n');
  const registryVersion = execFileSync('docker-registry', ['--version'], { encoding: 'utf8' })
    .trim()
    .replace(/^.* /, 'docker-registry ');
  const registry = (res.registry = await startDockerRegistry());

  process.stderr.write(`pushing ${TAG_COUNT} tags to ${registry.host}/${REPOSITORY}\n`);
  const seedStart = performance.now();
  const pushed = await seed(registry);
  const seedSeconds = elapsed(seedStart);
  process.stderr.write(`seeded ${TAG_COUNT} tags in ${seedSeconds.toFixed(1)} s\n`);
  const pageTags = await firstPageSize(registry);

  const configFile = join(workDir, 'regql.yaml');
  writeFileSync(
    configFile,
    [
      'registries:',
      `  - name: ${REGISTRY}`,
      '    kind: DISTRIBUTION',
      `    url: ${registry.url}`,
      '    insecure: true',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const regql = (res.regql = startRegql({
    outDir,
    workDir,
    port,
    adminToken: ADMIN_TOKEN,
    args: ['serve', '--config', configFile],
    env: { REGQL_MAX_COMPLEXITY: '100000' },
  }));
  const regqlUrl = `http://127.0.0.1:${port}`;
  await waitReady(regql, async () => (await getText(`${regqlUrl}/readyz`)).status === 200);

  const problems: string[] = [];
  process.stderr.write('regql: cold query\n');
  const cold = await queryTags(regqlUrl, 'regql cold', pushed, problems);
  process.stderr.write('regql: warm query\n');
  const warm = await queryTags(regqlUrl, 'regql warm', pushed, problems);

  process.stderr.write(`skopeo: list-tags and ${TAG_COUNT} inspects\n`);
  const skopeo = skopeoRunner(join(workDir, 'skopeo-home'), res.skopeo);
  const fromSkopeo = await skopeoTags(skopeo, registry.host);
  problems.push(...compareDigests(cold.nodes, fromSkopeo.digests));
  const platforms = new Set(fromSkopeo.images.map((i) => `${i.os}/${i.architecture}`));
  if (platforms.size !== 1 || !platforms.has('linux/amd64')) {
    problems.push(`skopeo: platforms ${[...platforms].join(', ')}`);
  }

  process.stderr.write('bare client: the same GETs\n');
  const bareSeconds = await bareClientSeconds(registry, [...pushed.keys()]);

  report({
    registryVersion,
    bareSeconds,
    seedSeconds,
    pageTags,
    cold,
    warm,
    skopeoSeconds: fromSkopeo.seconds,
    samePushed: cold.nodes.filter((n) => pushed.get(n.name) === n.digest).length,
    sameSkopeo: cold.nodes.filter((n) => fromSkopeo.digests.get(n.name) === n.digest).length,
    problems,
  });
  return problems.length === 0;
}

const resources: Resources = { skopeo: new Set() };
runBenchmark(
  'regql-bench-tags-',
  (workDir) => run(workDir, resources),
  async () => {
    for (const child of resources.skopeo) child.kill('SIGKILL');
    await Promise.allSettled([
      resources.regql && stopChild(resources.regql),
      resources.registry && resources.registry.stop(),
    ]);
  },
);
