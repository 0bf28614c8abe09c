#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { startApp } from './app';
import { Identities } from './auth/identities';
import { roles, type Role } from './auth/roles';
import { loadConfig, type Config } from './config';
import { ConfigError } from './core/errors';
import { assertDnsLabel } from './domain/names';
import { createLogger } from './core/logger';
import { openStore } from './store/open-store';
import { TokenStore } from './store/token-store';
import Keyv from 'keyv';
import { join } from 'node:path';
import { BlobStore } from './integrated-registry/blob-store';
import { collectGarbage } from './integrated-registry/gc';
import { RegistryGcStore } from './store/registry-gc-store';
import { RegistryUploadStore } from './store/registry-upload-store';

const usage = `usage:
  regql serve [--config FILE]
      run the gateway (GraphQL on /graphql, health on /healthz and /readyz, metrics on /metrics)
  regql token create --namespace NS --role viewer|editor|admin [--description TEXT] [--config FILE]
      print a new token (NS "*" with role admin makes a cluster admin)
  regql gc [--grace-seconds N] [--config FILE]
      remove integrated-registry blobs no manifest references (younger ones stay), and
      uploads nobody wrote to for registry.uploadMaxAgeSeconds

Configuration: defaults < YAML file (--config) < environment (REGQL_*); see docs/configuration.md.`;

async function serve(config: Config): Promise<void> {
  // Every chunk of an upload body is a new ArrayBuffer. With the default background sweeping,
  // their memory counts as live until a sweeper thread gets CPU, which on a busy machine is late
  // enough to start a full collection every ~30 MiB received: pushes cost a third more CPU.
  setFlagsFromString('--no-concurrent-array-buffer-sweeping');
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log);
  if (app.admin.tokenFile) {
    log.info({ tokenFile: app.admin.tokenFile }, `admin token is in ${app.admin.tokenFile}`);
  } else if (config.adminToken) {
    log.info('admin token taken from REGQL_ADMIN_TOKEN');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining connections');
    const force = setTimeout(() => {
      log.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5000);
    force.unref();
    const exit = (code: number) => log.flush(() => process.exit(code));
    app.close().then(
      () => {
        log.info('stopped');
        exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function createToken(
  config: Config,
  namespace: string,
  role: Role,
  description: string,
): Promise<void> {
  if (namespace !== '*') assertDnsLabel('namespace', namespace);
  const store = await openStore(config.dataDir, { databaseUrl: config.databaseUrl });
  try {
    const identities = new Identities(new TokenStore(store.db), new Keyv());
    const { identity, token } = await identities.create(namespace, role, description);
    process.stderr.write(`created token ${identity.id}: ${role} in namespace ${namespace}\n`);
    process.stdout.write(`${token}\n`);
  } finally {
    await store.close();
  }
}

async function gc(config: Config, graceSeconds: number): Promise<void> {
  const store = await openStore(config.dataDir, { databaseUrl: config.databaseUrl });
  try {
    const blobs = new BlobStore(join(config.dataDir, 'registry'));
    await blobs.init();
    const result = await collectGarbage(
      blobs,
      { gc: new RegistryGcStore(store.db), uploads: new RegistryUploadStore(store.db) },
      { graceMs: graceSeconds * 1000, uploadMaxAgeMs: config.registry.uploadMaxAgeSeconds * 1000 },
      createLogger('warn'),
    );
    process.stdout.write(
      `removed ${result.removedBlobs} blobs (${result.freedBytes} bytes), kept ${result.keptBlobs}\n` +
        `removed ${result.removedUploads} abandoned uploads (${result.freedUploadBytes} bytes)\n`,
    );
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      namespace: { type: 'string', short: 'n' },
      role: { type: 'string', short: 'r' },
      description: { type: 'string', short: 'd' },
      'grace-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'serve', sub] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const config = loadConfig({ file: values.config });
  if (command === 'serve') return serve(config);
  if (command === 'token' && sub === 'create') {
    const role = roles.find((r) => r === values.role?.toUpperCase());
    if (!values.namespace || !role)
      throw new ConfigError(`token create needs --namespace and --role\n${usage}`);
    return createToken(
      config,
      values.namespace,
      role,
      values.description ?? 'created with regql token create',
    );
  }
  if (command === 'gc') {
    const grace = Number(values['grace-seconds'] ?? config.registry.gcGraceSeconds);
    if (!Number.isInteger(grace) || grace < 0)
      throw new ConfigError('--grace-seconds must be a whole number of seconds');
    return gc(config, grace);
  }
  throw new ConfigError(`unknown command "${positionals.join(' ')}"\n${usage}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const known =
    err instanceof ConfigError ||
    (err instanceof Error && 'code' in err && err.code === 'BAD_USER_INPUT');
  process.stderr.write(
    `regql: ${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(2);
});
