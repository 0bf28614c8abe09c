import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import pino from 'pino';
import { startApp, type App } from '../../src/app';
import type { Clock } from '../../src/core/clock';
import { loadConfig } from '../../src/config';
import { ManualClock } from './clock';
import { testDatabaseEnv } from './postgres';

export const ADMIN_TOKEN = 'rgq_test-admin-token-0123456789abcdef';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

export interface TestServer {
  app: App;
  url: string;
  dataDir: string;
  /** Every log line the server wrote. */
  logs: string[];
  gql<T, V extends Record<string, unknown>>(
    doc: TypedDocumentNode<T, V>,
    variables: V,
    token?: string | null,
  ): Promise<GraphQLResponse<T>>;
  raw(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResponse<unknown>>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  configFile?: string;
  dataDir?: string;
  /**
   * Test registries listen on loopback, so by default the egress policy lets regql reach it
   * (upstream.privateNetworks); false starts the server with the strict default.
   */
  loopbackEgress?: boolean;
  /** The import scheduler's clock (default: real time); a test can drive the ticks with it. */
  schedulerClock?: Clock;
  /**
   * Holds still the background loops that issue statements on their own, so the store's
   * statement count moves only with the test's requests: the import scheduler runs on a clock
   * that is never advanced, and the event feed's safety-net poll is an hour away (a commit's
   * signal still wakes it). Event retention runs at start and then hourly, the upload reaper every
   * five minutes, and the trigger delivery worker sleeps while no delivery is queued.
   */
  backgroundPaused?: boolean;
}

const LOOPBACK_NETWORKS = '127.0.0.0/8,::1/128';

/** A stream that keeps every line written to it (a logger's output) in `lines`. */
export function lineSink(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
}

async function post(
  url: string,
  body: unknown,
  token: string | null | undefined,
): Promise<GraphQLResponse<unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== null) headers.authorization = `Bearer ${token ?? ADMIN_TOKEN}`;
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

/** One operation on the server at `url`, as the admin unless `token` is given (null: none). */
export function gqlAt<T, V extends Record<string, unknown>>(
  url: string,
  doc: TypedDocumentNode<T, V>,
  variables: V,
  token?: string | null,
): Promise<GraphQLResponse<T>> {
  return post(url, { query: print(doc), variables }, token) as Promise<GraphQLResponse<T>>;
}

/** Starts the real server on an ephemeral loopback port with a throwaway data directory. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'regql-test-'));
  const logs: string[] = [];
  const sink = lineSink(logs);
  const config = loadConfig({
    file: options.configFile,
    env: {
      REGQL_PORT: '0',
      REGQL_DATA_DIR: dataDir,
      REGQL_ADMIN_TOKEN: ADMIN_TOKEN,
      REGQL_LOG_LEVEL: 'debug',
      ...(options.loopbackEgress !== false && {
        REGQL_UPSTREAM_PRIVATE_NETWORKS: LOOPBACK_NETWORKS,
      }),
      ...testDatabaseEnv(dataDir),
      ...(options.backgroundPaused && { REGQL_EVENT_POLL_MS: String(3_600_000) }),
      ...options.env,
    },
  });
  const schedulerClock =
    options.schedulerClock ?? (options.backgroundPaused ? new ManualClock() : undefined);
  const start = () => startApp(config, pino({ level: config.logLevel }, sink), { schedulerClock });
  let app = await start();

  return {
    get app() {
      return app;
    },
    get url() {
      return app.url;
    },
    dataDir,
    logs,
    gql: (doc, variables, token) => gqlAt(app.url, doc, variables, token),
    raw: (query, variables, token) => post(app.url, { query, variables }, token),
    restart: async () => {
      await app.close();
      app = await start();
    },
    close: async () => {
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function errorCodes(response: GraphQLResponse<unknown>): (string | undefined)[] {
  return (response.errors ?? []).map((e) => e.extensions?.code);
}
