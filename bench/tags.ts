import { Agent, request } from 'undici';
import { OCI_MANIFEST } from '../src/oci/media-types';
import type { DockerRegistry } from '../test/helpers/docker-registry';
import {
  PARALLEL,
  REGISTRY,
  REPOSITORY,
  TAG_COUNT,
  elapsed,
  getText,
  graphql,
  readMetrics,
  mapLimited,
  randomAdminToken,
  releaseResources,
  reportHead,
  runBenchmark,
  setUpSeededRegistry,
  skopeoInspectAll,
  skopeoRow,
  startRegqlFor,
  verificationLines,
  type GraphqlReply,
  type Resources,
} from './support';

/**
 * Listing one repository of 1,000 tags with digest, size, os and architecture: one regql query
 * (cold, then warm) against skopeo (list-tags, then one inspect per tag), both reading the same
 * real docker-registry in the same run. regql is built into a temp directory and runs as a child
 * process; the upstream requests it makes are read from its /metrics.
 *
 *   npx ts-node --transpile-only bench/tags.ts
 */

const UPSTREAM_PAGE = 100;
const GOAL_RATIO = 10;
const QUERY_TIMEOUT_MS = 300_000;
const ADMIN_TOKEN = randomAdminToken();

const TAGS_QUERY = `{ registry(name: "${REGISTRY}") { repository(name: "${REPOSITORY}") { tags(first: ${TAG_COUNT}) { edges { node { name digest image { size os architecture } } } pageInfo { hasNextPage } } } } }`;

interface TagNode {
  name: string;
  digest: string | null;
  image: { size: number | null; os: string | null; architecture: string | null } | null;
}

interface TagsData {
  registry: {
    repository: { tags: { edges: { node: TagNode }[]; pageInfo: { hasNextPage: boolean } } };
  } | null;
}

interface RegqlRun {
  seconds: number;
  upstream: number;
  nodes: TagNode[];
}

/** How many tags docker-registry answers to one `tags/list?n=100`: all of them if it ignores n. */
async function firstPageSize(registry: DockerRegistry): Promise<number> {
  const page = await getText(`${registry.url}/v2/${REPOSITORY}/tags/list?n=${UPSTREAM_PAGE}`);
  return (JSON.parse(page.text) as { tags: string[] }).tags.length;
}

/** regql_upstream_requests_total for the bench registry, summed over statuses. */
async function upstreamRequests(regqlUrl: string): Promise<number> {
  const samplesOf = await readMetrics(regqlUrl);
  return samplesOf('regql_upstream_requests_total')
    .filter(({ labels }) => labels.get('registry') === REGISTRY)
    .reduce((sum, { value }) => sum + value, 0);
}

/** Every problem with a tags answer, compared with what was pushed (empty when it is right). */
function problemsOf(
  label: string,
  status: number,
  reply: GraphqlReply<TagsData>,
  pushed: Map<string, string>,
) {
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
  const { status, reply } = await graphql<TagsData>(
    regqlUrl,
    ADMIN_TOKEN,
    { query: TAGS_QUERY },
    QUERY_TIMEOUT_MS,
  );
  const seconds = elapsed(start);
  const upstream = (await upstreamRequests(regqlUrl)) - before;
  problems.push(...problemsOf(label, status, reply, pushed));
  const nodes = reply.data?.registry?.repository.tags.edges.map((e) => e.node) ?? [];
  return { seconds, upstream, nodes };
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
  await mapLimited(tags, PARALLEL, async (tag) => {
    const manifest = JSON.parse(await get(`/v2/${REPOSITORY}/manifests/${tag}`, OCI_MANIFEST)) as {
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
    ...reportHead(
      'tags benchmark',
      figures.registryVersion,
      figures.seedSeconds,
      `, ${PARALLEL} at a time`,
    ),
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
    skopeoRow(row, skopeoSeconds),
    '',
    pageTags > UPSTREAM_PAGE
      ? `pages: docker-registry answered tags/list?n=${UPSTREAM_PAGE} with all ${pageTags} tags (it ignores n), so regql reads 1 page and pages locally, not ${briefPages}`
      : `pages: docker-registry honours n (${pageTags} tags for n=${UPSTREAM_PAGE}), so regql reads ${briefPages} pages`,
    `digests: regql's equal the pushed ones for ${figures.samePushed} of ${TAG_COUNT} tags, and skopeo's for ${figures.sameSkopeo}`,
    `skopeo / regql cold = ${ratio.toFixed(1)} x; goal >= ${GOAL_RATIO} x: ${verdict}`,
    `skopeo / regql warm = ${(skopeoSeconds / warm.seconds).toFixed(1)} x`,
    `regql cold / bare client = ${(cold.seconds / figures.bareSeconds).toFixed(2)} x (1.00 = no overhead over the registry's own speed)`,
    `skopeo / bare client = ${(skopeoSeconds / figures.bareSeconds).toFixed(1)} x (the best ratio any client could reach here)`,
    ...verificationLines(figures.problems),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function run(workDir: string, res: Resources): Promise<boolean> {
  const { outDir, registry, registryVersion, pushed, seedSeconds } = await setUpSeededRegistry(
    workDir,
    res,
  );
  const pageTags = await firstPageSize(registry);
  const { url: regqlUrl } = await startRegqlFor({
    outDir,
    workDir,
    registryUrl: registry.url,
    adminToken: ADMIN_TOKEN,
    res,
  });

  const problems: string[] = [];
  process.stderr.write('regql: cold query\n');
  const cold = await queryTags(regqlUrl, 'regql cold', pushed, problems);
  process.stderr.write('regql: warm query\n');
  const warm = await queryTags(regqlUrl, 'regql warm', pushed, problems);

  const fromSkopeo = await skopeoInspectAll(workDir, registry.host, res);
  const skopeoDigests = new Map(fromSkopeo.inspected.map((i) => [i.tag, i.Digest]));
  problems.push(...compareDigests(cold.nodes, skopeoDigests));
  const platforms = new Set(fromSkopeo.inspected.map((i) => `${i.Os}/${i.Architecture}`));
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
    sameSkopeo: cold.nodes.filter((n) => skopeoDigests.get(n.name) === n.digest).length,
    problems,
  });
  return problems.length === 0;
}

const resources: Resources = { regql: [], skopeo: new Set() };
runBenchmark(
  'regql-bench-tags-',
  (workDir) => run(workDir, resources),
  () => releaseResources(resources),
);
