import { performance } from 'node:perf_hooks';
import { elapsed, graphql, processCpuSeconds, sleep } from './support';

/** The mirror part of bench/registry.ts: mirrorImage against skopeo copy, registry to registry. */

export interface MirrorEndpoint {
  url: string;
  host: string;
  pid: number;
  creds?: string;
}

export interface MirrorPartOptions {
  registry: MirrorEndpoint;
  regql: MirrorEndpoint;
  adminToken: string;
  /** The image's manifest digest and blob count, to check each copy against. */
  manifestDigest: string;
  blobCount: number;
  bytes: number;
  runs: number;
  /** The source repository in docker-registry, holding the image under `tag`. */
  sourceRepository: string;
  tag: string;
  skopeo: (args: string[]) => Promise<string>;
  log: (line: string) => void;
}

export interface MirrorFigures {
  skopeoSeconds: number[];
  mirrorSeconds: number[];
  skopeoCpu: number;
  mirrorCpu: number;
  problems: string[];
}

interface JobNode {
  id: string;
  state: string;
  blobsCopied: number;
  digest: string | null;
  message: string | null;
}

const JOB_FIELDS = 'id state blobsCopied digest message';

/** Runs mirrorImage and polls its job every 20 ms until it ends. */
async function mirrorOnce(options: MirrorPartOptions, destination: string): Promise<JobNode> {
  const { regql, adminToken, registry, sourceRepository, tag } = options;
  const started = await graphql<{ mirrorImage: JobNode }>(regql.url, adminToken, {
    query: `mutation($i: MirrorImageInput!) { mirrorImage(input: $i) { ${JOB_FIELDS} } }`,
    variables: {
      i: { namespace: 'bench', source: `${registry.host}/${sourceRepository}:${tag}`, destination },
    },
  });
  const job = started.reply.data?.mirrorImage;
  if (!job) throw new Error(`mirrorImage: ${JSON.stringify(started.reply.errors)}`);
  for (;;) {
    const { reply } = await graphql<{
      mirrorJobs: { edges: { node: JobNode }[] };
    }>(regql.url, adminToken, {
      query: `{ mirrorJobs(namespace: "bench", first: 5) { edges { node { ${JOB_FIELDS} } } } }`,
    });
    const node = reply.data?.mirrorJobs.edges.find((e) => e.node.id === job.id)?.node;
    if (node && (node.state === 'SUCCEEDED' || node.state === 'FAILED')) return node;
    await sleep(20);
  }
}

/**
 * Copies the image from docker-registry into regql's integrated registry RUNS times each way,
 * alternating: skopeo copy (empty blob-info cache, --preserve-digests) and mirrorImage, every copy
 * to a fresh repository so that nothing is skipped; regql's CPU time is read around each copy.
 */
export async function runMirrorPart(options: MirrorPartOptions): Promise<MirrorFigures> {
  const { registry, regql, adminToken, runs, tag, log } = options;
  const added = await graphql(regql.url, adminToken, {
    query: 'mutation($i: AddRegistryInput!) { addRegistry(input: $i) { name } }',
    variables: { i: { name: 'bench-source', kind: 'DISTRIBUTION', url: registry.url } },
  });
  if (added.reply.errors) throw new Error(`addRegistry: ${JSON.stringify(added.reply.errors)}`);
  const figures: MirrorFigures = {
    skopeoSeconds: [],
    mirrorSeconds: [],
    skopeoCpu: 0,
    mirrorCpu: 0,
    problems: [],
  };
  const mibps = (seconds: number) => `${(options.bytes / 1024 / 1024 / seconds).toFixed(0)} MiB/s`;
  for (let run = 1; run <= runs; run++) {
    let cpu = processCpuSeconds(regql.pid);
    let start = performance.now();
    const debug = await options.skopeo([
      'copy',
      '--preserve-digests',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      ...(regql.creds ? ['--dest-creds', regql.creds] : []),
      `docker://${registry.host}/${options.sourceRepository}:${tag}`,
      `docker://${regql.host}/bench/skopeo-mirror-${run}:${tag}`,
    ]);
    figures.skopeoSeconds.push(elapsed(start));
    figures.skopeoCpu += processCpuSeconds(regql.pid) - cpu;
    const uploaded = debug.match(/Upload of layer sha256:[0-9a-f]+ complete/g)?.length ?? 0;
    if (uploaded !== options.blobCount)
      figures.problems.push(`skopeo copy run ${run} uploaded ${uploaded} blobs`);

    cpu = processCpuSeconds(regql.pid);
    start = performance.now();
    const job = await mirrorOnce(options, `${regql.host}/bench/mirror-${run}:${tag}`);
    figures.mirrorSeconds.push(elapsed(start));
    figures.mirrorCpu += processCpuSeconds(regql.pid) - cpu;
    if (job.state !== 'SUCCEEDED') figures.problems.push(`mirror run ${run}: ${job.message}`);
    if (job.blobsCopied !== options.blobCount)
      figures.problems.push(`mirror run ${run} copied ${job.blobsCopied} blobs`);
    if (job.digest !== options.manifestDigest)
      figures.problems.push(`mirror run ${run} copied ${job.digest}`);
    log(
      `mirror run ${run}: skopeo copy ${mibps(figures.skopeoSeconds.at(-1)!)}, mirrorImage ${mibps(figures.mirrorSeconds.at(-1)!)}`,
    );
  }
  return figures;
}
