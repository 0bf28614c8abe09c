import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './core/errors';
import { builtInPlugins, configurableKinds } from '../plugins';
import type { RegistryPlugin } from '../plugins/plugin';
import { parseCidr } from './egress/cidr';

const boolFromString = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

const commaString = z.string().transform((v) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

/** A list, in a file as a list and in the environment comma-separated. */
const commaList = z.union([z.array(z.string()), commaString]);

/** `true`, `false` (none), or CIDRs as a list or comma-separated. */
const privateNetworks = z
  .union([boolFromString, z.array(z.string()), commaString])
  .transform((v) => (v === false ? [] : v))
  .superRefine((v, ctx) => {
    if (v === true) return;
    for (const entry of v)
      if (!parseCidr(entry))
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not an address or CIDR` });
  });

/** An IPv4 or IPv6 network, `address/prefix` or a bare address. */
const cidr = z
  .string()
  .refine(
    (value) => parseCidr(value) !== null,
    'must be an address or a CIDR network like 10.0.0.0/8',
  );

/** The configuration's schema, its registry kinds those of `plugins` (see `configurableKinds`). */
export const configSchemaFor = (plugins: readonly RegistryPlugin[]) =>
  z
    .object({
      port: z.coerce
        .number()
        .int()
        .min(0)
        .max(65535)
        .default(4000)
        .describe('TCP port (0 picks a free one)'),
      host: z
        .string()
        .min(1)
        .default('127.0.0.1')
        .describe('address to bind; `0.0.0.0` for every interface'),
      dataDir: z
        .string()
        .min(1)
        .default('./data')
        .describe('SQLite store, admin token file, secret key, integrated-registry blobs'),
      databaseUrl: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional()
        .meta({
          description: '`postgres://user:password@host:port/db`: keep the store in PostgreSQL',
          defaultText: 'none (SQLite)',
        }),
      publicUrl: z.url().optional().meta({
        description: 'how clients reach regql; names the integrated registry in pull specs',
        defaultText: '`http(s)://localhost:<port>`',
      }),
      adminToken: z.string().min(16, 'must be at least 16 characters').optional().meta({
        description: 'a cluster-admin token (16 characters or more)',
        defaultText: 'generated on first start',
      }),
      secretKey: z.string().min(1).optional().meta({
        description: 'key that encrypts stored credentials and trigger secrets',
        defaultText: 'a key file in `dataDir`',
      }),
      sharedNamespace: z
        .string()
        .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label')
        .default('shared')
        .describe('namespace whose credentials every namespace may use'),
      logLevel: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .describe('log level'),
      shutdownTimeoutMs: z.coerce
        .number()
        .int()
        .min(0)
        .default(10000)
        .describe('grace period for open connections on shutdown'),
      tls: z
        .object({
          cert: z.string().min(1).describe('PEM certificate file; with `tls.key`, serve HTTPS'),
          key: z.string().min(1).describe('PEM private key file'),
        })
        .strict()
        .optional(),
      graphql: z
        .object({
          introspection: boolFromString.default(true).describe('allow `__schema` queries'),
          maxDepth: z.coerce
            .number()
            .int()
            .min(1)
            .default(12)
            .describe('deepest field nesting allowed'),
          maxComplexity: z.coerce
            .number()
            .int()
            .min(1)
            .default(20000)
            .describe('cost limit (1 a field, connections times their page size)'),
          maxItems: z.coerce
            .number()
            .int()
            .min(100)
            .default(10000)
            .describe('image stream tags and history entries one operation may return'),
          maxBodyBytes: z.coerce
            .number()
            .int()
            .min(1024)
            .default(1024 * 1024)
            .describe('HTTP body and WebSocket message limit'),
          maxTokens: z.coerce
            .number()
            .int()
            .min(100)
            .default(5000)
            .describe('tokens a query may hold; parsing stops past this (HTTP and WebSocket)'),
          metricOperations: commaList
            .pipe(z.array(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'must be a GraphQL name')))
            .default([])
            .describe(
              'more operation names (comma list) /metrics labels as themselves; any other is `other`',
            ),
        })
        .strict()
        .prefault({}),
      server: z
        .object({
          trustedProxies: commaList
            .pipe(z.array(cidr))
            .default([])
            .describe(
              'proxies (addresses or CIDRs, comma list) whose `X-Forwarded-For` names the client',
            ),
          authFailuresPerMinute: z.coerce
            .number()
            .int()
            .min(1)
            .default(20)
            .describe(
              'refused credentials one client address may present a minute; then 429 until the minute ends',
            ),
        })
        .strict()
        .prefault({}),
      upstream: z
        .object({
          timeoutMs: z.coerce
            .number()
            .int()
            .min(100)
            .default(30000)
            .describe('one request to a registry'),
          retries: z.coerce
            .number()
            .int()
            .min(0)
            .max(10)
            .default(3)
            .describe('retries of idempotent requests (429, 5xx, resets)'),
          retryBaseMs: z.coerce
            .number()
            .int()
            .min(0)
            .default(250)
            .describe('first retry delay (doubles; `Retry-After` wins)'),
          maxConnections: z.coerce
            .number()
            .int()
            .min(1)
            .max(256)
            .default(8)
            .describe('keep-alive connections per registry'),
          privateNetworks: privateNetworks.default([]).meta({
            description:
              'more addresses regql may connect to: CIDR list, or `true` for every loopback and private range; link-local and metadata addresses only by an explicit entry',
            defaultText: 'none (public only)',
          }),
        })
        .strict()
        .prefault({}),
      imports: z
        .object({
          intervalSeconds: z.coerce
            .number()
            .min(1)
            .default(900)
            .describe('scheduled import interval'),
          ratePerMinute: z.coerce
            .number()
            .int()
            .min(1)
            .default(60)
            .describe('scheduled and webhook imports started a minute, at most (per process)'),
          perRegistryConcurrency: z.coerce
            .number()
            .int()
            .min(1)
            .max(64)
            .default(4)
            .describe('scheduled imports at once per registry'),
          jitter: z.coerce
            .number()
            .min(0)
            .max(1)
            .default(0.1)
            .describe('fraction of the interval added at random'),
          maxBackoffSeconds: z.coerce
            .number()
            .min(1)
            .default(3600)
            .describe('longest wait after repeated failures'),
          maxRevisions: z.coerce
            .number()
            .int()
            .min(1)
            .max(100000)
            .default(100)
            .describe('history entries kept per tag'),
          maxTagsPerStream: z.coerce
            .number()
            .int()
            .min(1000)
            .max(10000)
            .default(1000)
            .describe('tags one image stream may hold (1,000 to 10,000)'),
          defaultPlatform: z
            .string()
            .regex(
              /^[a-z0-9_.-]+\/[a-z0-9_.-]+(\/[a-z0-9_.-]+)?$/,
              'must be os/architecture[/variant]',
            )
            .default('linux/amd64')
            .describe('platform a LEGACY import takes from a manifest list'),
        })
        .strict()
        .prefault({}),
      registry: z
        .object({
          publicNamespaces: commaList
            .default([])
            .describe('namespaces of the integrated registry anyone may pull (comma list)'),
          pullThroughWithoutCopy: commaList
            .default([])
            .describe(
              'namespaces whose images pulled through the integrated registry are streamed without keeping a local copy (comma list)',
            ),
          tokenTtlSeconds: z.coerce
            .number()
            .int()
            .min(10)
            .max(86400)
            .default(300)
            .describe("life of the integrated registry's bearer tokens"),
          gcGraceSeconds: z.coerce
            .number()
            .int()
            .min(0)
            .default(3600)
            .describe('blobs younger than this survive garbage collection'),
          uploadMaxAgeSeconds: z.coerce
            .number()
            .int()
            .min(1)
            .default(86400)
            .describe(
              'an upload session nobody wrote to for this long is removed (gc and a background sweep)',
            ),
          maxUploadsPerNamespace: z.coerce
            .number()
            .int()
            .min(1)
            .default(100)
            .describe('open upload sessions per namespace; one more answers 429'),
          namespaceQuotaBytes: z.coerce
            .number()
            .int()
            .min(0)
            .default(100 * 1024 ** 3)
            .describe('bytes a namespace may hold in the integrated registry; `0`: no quota'),
        })
        .strict()
        .prefault({}),
      events: z
        .object({
          retentionDays: z.coerce
            .number()
            .min(0.001)
            .default(7)
            .describe('how long the event log keeps events'),
          subscriberBuffer: z.coerce
            .number()
            .int()
            .min(1)
            .max(100000)
            .default(1000)
            .describe('events a subscriber may fall behind before its subscription ends'),
          pollMs: z.coerce
            .number()
            .int()
            .min(50)
            .default(1000)
            .describe('how often the log is read without a signal (and tokens re-checked)'),
          triggerTimeoutMs: z.coerce
            .number()
            .int()
            .min(100)
            .default(10000)
            .describe('one trigger POST, connect to end of response'),
          triggerRetryBaseMs: z.coerce
            .number()
            .int()
            .min(10)
            .default(1000)
            .describe('first retry delay; doubles (with jitter) after each failure'),
          triggerMaxRetrySeconds: z.coerce
            .number()
            .min(0)
            .default(3600)
            .describe('a delivery is FAILED once retries would go past this'),
          triggerPrivateNetworks: boolFromString
            .default(false)
            .describe(
              'let triggers call loopback and private addresses (link-local: see `upstream.privateNetworks`)',
            ),
          redisUrl: z
            .url({
              protocol: /^rediss?$/,
              hostname: /^.+$/,
              error: 'must be redis://[user:password@]host:port[/db]',
            })
            .optional()
            .meta({
              description:
                '`redis://[user:password@]host:port[/db]`: share events across processes',
              defaultText: 'none (in-process)',
            }),
        })
        .strict()
        .prefault({}),
      cache: z
        .object({
          tagTtlSeconds: z.coerce
            .number()
            .int()
            .min(0)
            .default(30)
            .describe("how long a tag's answer is cached for browsing (imports never use it)"),
          maxEntries: z.coerce
            .number()
            .int()
            .min(100)
            .default(5000)
            .describe('answers the in-memory browsing cache keeps (least recently used go first)'),
        })
        .strict()
        .prefault({}),
      registries: z
        .array(
          z
            .object({
              name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a DNS label'),
              kind: z.enum(configurableKinds(plugins)),
              url: z.url(),
              insecure: z.boolean().default(false),
              apiUrl: z.url().optional(),
              caFile: z.string().min(1).optional(),
            })
            .strict(),
        )
        .default([])
        .describe('registries to federate (see below)'),
    })
    .strict();

export const configSchema = configSchemaFor(builtInPlugins);

export type Config = z.infer<typeof configSchema>;

/** Environment variables and the configuration key each one sets. */
export const environmentKeys: Record<string, string[]> = {
  REGQL_PORT: ['port'],
  REGQL_HOST: ['host'],
  REGQL_DATA_DIR: ['dataDir'],
  REGQL_DATABASE_URL: ['databaseUrl'],
  REGQL_PUBLIC_URL: ['publicUrl'],
  REGQL_ADMIN_TOKEN: ['adminToken'],
  REGQL_SECRET_KEY: ['secretKey'],
  REGQL_SHARED_NAMESPACE: ['sharedNamespace'],
  REGQL_UPSTREAM_TIMEOUT_MS: ['upstream', 'timeoutMs'],
  REGQL_UPSTREAM_RETRIES: ['upstream', 'retries'],
  REGQL_UPSTREAM_RETRY_BASE_MS: ['upstream', 'retryBaseMs'],
  REGQL_UPSTREAM_MAX_CONNECTIONS: ['upstream', 'maxConnections'],
  REGQL_UPSTREAM_PRIVATE_NETWORKS: ['upstream', 'privateNetworks'],
  REGQL_TAG_CACHE_SECONDS: ['cache', 'tagTtlSeconds'],
  REGQL_CACHE_MAX_ENTRIES: ['cache', 'maxEntries'],
  REGQL_PUBLIC_NAMESPACES: ['registry', 'publicNamespaces'],
  REGQL_PULL_THROUGH_WITHOUT_COPY: ['registry', 'pullThroughWithoutCopy'],
  REGQL_REGISTRY_TOKEN_SECONDS: ['registry', 'tokenTtlSeconds'],
  REGQL_GC_GRACE_SECONDS: ['registry', 'gcGraceSeconds'],
  REGQL_UPLOAD_MAX_AGE_SECONDS: ['registry', 'uploadMaxAgeSeconds'],
  REGQL_MAX_UPLOADS_PER_NAMESPACE: ['registry', 'maxUploadsPerNamespace'],
  REGQL_NAMESPACE_QUOTA_BYTES: ['registry', 'namespaceQuotaBytes'],
  REGQL_IMPORT_INTERVAL_SECONDS: ['imports', 'intervalSeconds'],
  REGQL_IMPORT_RATE_PER_MINUTE: ['imports', 'ratePerMinute'],
  REGQL_IMPORT_REGISTRY_CONCURRENCY: ['imports', 'perRegistryConcurrency'],
  REGQL_IMPORT_JITTER: ['imports', 'jitter'],
  REGQL_IMPORT_MAX_BACKOFF_SECONDS: ['imports', 'maxBackoffSeconds'],
  REGQL_MAX_REVISIONS: ['imports', 'maxRevisions'],
  REGQL_MAX_TAGS_PER_STREAM: ['imports', 'maxTagsPerStream'],
  REGQL_DEFAULT_PLATFORM: ['imports', 'defaultPlatform'],
  REGQL_EVENT_RETENTION_DAYS: ['events', 'retentionDays'],
  REGQL_EVENT_SUBSCRIBER_BUFFER: ['events', 'subscriberBuffer'],
  REGQL_TRIGGER_TIMEOUT_MS: ['events', 'triggerTimeoutMs'],
  REGQL_TRIGGER_RETRY_BASE_MS: ['events', 'triggerRetryBaseMs'],
  REGQL_TRIGGER_MAX_RETRY_SECONDS: ['events', 'triggerMaxRetrySeconds'],
  REGQL_TRIGGER_PRIVATE_NETWORKS: ['events', 'triggerPrivateNetworks'],
  REGQL_EVENT_POLL_MS: ['events', 'pollMs'],
  REGQL_REDIS_URL: ['events', 'redisUrl'],
  REGQL_LOG_LEVEL: ['logLevel'],
  REGQL_SHUTDOWN_TIMEOUT_MS: ['shutdownTimeoutMs'],
  REGQL_TLS_CERT: ['tls', 'cert'],
  REGQL_TLS_KEY: ['tls', 'key'],
  REGQL_INTROSPECTION: ['graphql', 'introspection'],
  REGQL_MAX_DEPTH: ['graphql', 'maxDepth'],
  REGQL_MAX_COMPLEXITY: ['graphql', 'maxComplexity'],
  REGQL_MAX_ITEMS: ['graphql', 'maxItems'],
  REGQL_MAX_BODY_BYTES: ['graphql', 'maxBodyBytes'],
  REGQL_MAX_TOKENS: ['graphql', 'maxTokens'],
  REGQL_METRIC_OPERATIONS: ['graphql', 'metricOperations'],
  REGQL_TRUSTED_PROXIES: ['server', 'trustedProxies'],
  REGQL_AUTH_FAILURES_PER_MINUTE: ['server', 'authFailuresPerMinute'],
};

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError(
      `configuration file ${file} is not valid YAML: ${(err as Error).message}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`configuration file ${file} must hold a mapping of keys`);
  }
  return parsed as Record<string, unknown>;
}

function describeKey(path: PropertyKey[]): string {
  const key = path.map(String).join('.');
  const variable = Object.entries(environmentKeys).find(([, p]) => p.join('.') === key)?.[0];
  return variable ? `${key} (${variable})` : key || '(root)';
}

/** Defaults < YAML file < environment, validated once. */
export function loadConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; plugins?: readonly RegistryPlugin[] } = {},
): Config {
  const env = options.env ?? process.env;
  const raw: Record<string, unknown> = options.file ? readFile(options.file) : {};
  for (const [variable, path] of Object.entries(environmentKeys)) {
    const value = env[variable];
    if (value !== undefined && value !== '') setPath(raw, path, value);
  }
  const schema = options.plugins ? configSchemaFor(options.plugins) : configSchema;
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `${describeKey([...issue.path, k])}: unknown key`).join('; ');
      }
      return `${describeKey(issue.path)}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}
