import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import pino from 'pino';
import type { BusSignal } from '../../src/events/event-bus';
import { REDIS_EVENT_CHANNEL, RedisEventBus } from '../../src/events/redis-event-bus';
import {
  CreateTokenDocument,
  EventsDocument,
  RevokeTokenDocument,
  ViewerDocument,
} from '../generated/graphql';
import { CLI_TEST_TIMEOUT_MS, runCli, type CliProcess } from '../helpers/cli';
import { eventually } from '../helpers/events';
import { freePort } from '../helpers/processes';
import { startRedis, type RedisServer } from '../helpers/redis';
import { ADMIN_TOKEN, gqlAt, lineSink } from '../helpers/server';
import { basicAuth } from '../helpers/basic-auth';
import { pushSyntheticImage } from '../helpers/synthetic-images';
import { watchEvents, type EventWatch } from '../helpers/watch-events';

// Runs the built command: the helper's waits for its output are bounded (OUTPUT_TIMEOUT_MS),
// so the test's own timeout is longer and a stuck process fails with its output.
jest.setTimeout(CLI_TEST_TIMEOUT_MS);

function captureLogs(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: pino({ level: 'debug' }, lineSink(lines)), lines };
}

function record(bus: RedisEventBus): BusSignal[] {
  const seen: BusSignal[] = [];
  bus.onSignal((signal) => seen.push(signal));
  return seen;
}

describe('RedisEventBus on a real redis-server', () => {
  const password = 'bus-pass-41d8e2';
  let redis: RedisServer;
  const { log, lines } = captureLogs();
  let buses: RedisEventBus[] = [];
  const open = async () => {
    const bus = new RedisEventBus(redis.url, log);
    buses.push(bus);
    await bus.connect();
    return bus;
  };

  beforeAll(async () => {
    redis = await startRedis({ password });
  });
  afterEach(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    buses = [];
  });
  afterAll(() => redis.stop());

  it("delivers every bus's signals to the others, and to its own listeners once and at once", async () => {
    const [a, b] = [await open(), await open()];
    const [atA, atB] = [record(a), record(b)];

    a.signal({ kind: 'appended' });
    expect(atA).toEqual([{ kind: 'appended' }]);
    await eventually(() => atB.length === 1, 'b to hear a');
    b.signal({ kind: 'revoked', tokenId: 'tok_1' });
    expect(atB).toEqual([{ kind: 'appended' }, { kind: 'revoked', tokenId: 'tok_1' }]);
    await eventually(() => atA.length === 2, 'a to hear b');
    a.signal({ kind: 'revoked', tokenId: 'tok_2' });
    await eventually(() => atB.length === 3, 'b to hear a again');
    b.signal({ kind: 'appended' });
    await eventually(() => atA.length === 4, 'a to hear b again');

    expect(atA).toEqual([
      { kind: 'appended' },
      { kind: 'revoked', tokenId: 'tok_1' },
      { kind: 'revoked', tokenId: 'tok_2' },
      { kind: 'appended' },
    ]);
    expect(atB).toEqual(atA);
  });

  it('ignores malformed messages on the channel and goes on', async () => {
    const bus = await open();
    const seen = record(bus);
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      for (const message of [
        'not json',
        '[]',
        '{"from":"elsewhere"}',
        '{"from":"elsewhere","signal":{"kind":"exploded"}}',
        '{"from":"elsewhere","signal":{"kind":"revoked"}}',
        '{"from":"elsewhere","signal":{"kind":"revoked","tokenId":"tok_ok"}}',
      ]) {
        await raw.publish(REDIS_EVENT_CHANNEL, message);
      }
    } finally {
      raw.destroy();
    }
    await eventually(() => seen.length === 1, 'the one well-formed message');
    expect(seen).toEqual([{ kind: 'revoked', tokenId: 'tok_ok' }]);
    const ignored = lines.filter((line) => line.includes('ignored a malformed bus message'));
    expect(ignored.length).toBeGreaterThanOrEqual(5);
    expect(ignored.every((line) => JSON.parse(line).level === 20)).toBe(true);
  });

  it('delivers locally while redis is down, and wakes its listeners when redis is back', async () => {
    const [a, b] = [await open(), await open()];
    const [atA, atB] = [record(a), record(b)];
    const lost = () => lines.filter((l) => l.includes('lost the redis connection')).length;
    const restored = () => lines.filter((l) => l.includes('redis connection restored')).length;
    const [lostBefore, restoredBefore] = [lost(), restored()];

    await redis.pause();
    await eventually(() => lost() >= lostBefore + 2, 'both buses to notice');
    a.signal({ kind: 'appended' });
    expect(atA).toEqual([{ kind: 'appended' }]);

    await redis.start();
    await eventually(() => restored() >= restoredBefore + 2, 'both buses to reconnect');
    await eventually(() => atA.length >= 2 && atB.length >= 1, 'the wake-up on reconnection');
    for (const seen of [atA, atB])
      expect(new Set(seen.map((s) => s.kind))).toEqual(new Set(['appended']));

    b.signal({ kind: 'revoked', tokenId: 'tok_back' });
    await eventually(() => atA.some((s) => s.kind === 'revoked'), 'signals to flow again');
    expect(atA.at(-1)).toEqual({ kind: 'revoked', tokenId: 'tok_back' });
    expect(lines.join('\n')).not.toContain(password);
  });

  it('publishes wake-ups again once a dropped publisher connection is back', async () => {
    const [a, b] = [await open(), await open()];
    const atB = record(b);
    const restored = () => lines.filter((l) => l.includes('redis connection restored')).length;
    const restoredBefore = restored();
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      expect(
        await raw.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']),
      ).toBeGreaterThanOrEqual(2);
    } finally {
      raw.destroy();
    }
    await eventually(() => restored() >= restoredBefore + 2, 'both publishers to reconnect');
    const wokenOnReconnect = atB.length;
    a.signal({ kind: 'appended' });
    await eventually(() => atB.length === wokenOnReconnect + 1, "b to hear a's wake-up");
  });

  it('refuses to start when redis does not answer, naming the URL without its password', async () => {
    const port = await freePort();
    const bus = new RedisEventBus(`redis://ci:hunter2-secret@127.0.0.1:${port}/3`, log);
    await expect(bus.connect()).rejects.toThrow(
      `events.redisUrl: redis at redis://127.0.0.1:${port}/3 does not answer`,
    );
    await bus.close();
    expect(lines.join('\n')).toContain(`redis://127.0.0.1:${port}/3`);
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});

describe('two regql processes sharing one store and one redis', () => {
  const password = 'redis-pass-7f3a9c';
  let redis: RedisServer;
  let dataDir: string;
  const processes: CliProcess[] = [];
  const watches: EventWatch[] = [];
  let a: string;
  let b: string;
  let editor: string;
  const push = (url: string, stream: string, tag: string) =>
    pushSyntheticImage(url, `team-a/${stream}`, tag, { authorization: basicAuth('ci', editor) });
  const token = async (namespace: string, role: 'EDITOR' | 'VIEWER') =>
    (await gqlAt(a, CreateTokenDocument, { input: { namespace, role } })).data!.createToken;
  const logged = async () =>
    (await gqlAt(a, EventsDocument, { namespace: 'team-a', first: 500 })).data!.events.edges.map(
      (e) => e.node,
    );

  const serve = async (): Promise<string> => {
    const serving = runCli(['serve'], {
      REGQL_PORT: String(await freePort()),
      REGQL_DATA_DIR: dataDir,
      REGQL_ADMIN_TOKEN: ADMIN_TOKEN,
      REGQL_SECRET_KEY: 'ab'.repeat(32),
      REGQL_REDIS_URL: redis.url,
      REGQL_EVENT_POLL_MS: '600000',
      REGQL_LOG_LEVEL: 'debug',
    });
    processes.push(serving);
    await serving.waitForOutput(/event bus connected to redis/);
    return (JSON.parse(await serving.waitForOutput(/regql listening/)) as { url: string }).url;
  };

  beforeAll(async () => {
    redis = await startRedis({ password });
    dataDir = mkdtempSync(join(tmpdir(), 'regql-two-'));
    a = await serve();
    b = await serve();
    editor = (await token('team-a', 'EDITOR')).token;
  });
  afterAll(async () => {
    await Promise.all(watches.map((w) => w.stop()));
    for (const serving of processes) {
      if (serving.child.exitCode === null && serving.child.signalCode === null) {
        serving.child.kill('SIGTERM');
        const force = setTimeout(() => serving.child.kill('SIGKILL'), 5000);
        await serving.exited;
        clearTimeout(force);
      }
    }
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers pushes made to either process to subscribers of both, every event once and in id order', async () => {
    const atA = watchEvents(a, ADMIN_TOKEN, { namespace: 'team-a', after: '0' });
    const atB = watchEvents(b, ADMIN_TOKEN, { namespace: 'team-a', after: '0' });
    watches.push(atA, atB);
    await push(a, 'app', 'v0');
    await eventually(
      () => atA.events.length === 2 && atB.events.length === 2,
      'both subscriptions to be live',
    );

    const pushes: [string, string][] = [
      [b, 'v1'],
      [a, 'v2'],
      [b, 'v3'],
      [a, 'v4'],
    ];
    for (const [url, tag] of pushes) {
      const before = atA.events.length;
      await push(url, 'app', tag);
      await eventually(
        () => atA.events.length === before + 2 && atB.events.length === before + 2,
        `the push of ${tag} to ${url === a ? 'A' : 'B'} on both`,
        5000,
      );
    }
    await Promise.all([push(a, 'from-a', 'c1'), push(b, 'from-b', 'c1')]);
    await eventually(
      () => atA.events.length === 14 && atB.events.length === 14,
      'concurrent pushes on both',
      5000,
    );
    // A last push as a marker, instead of a pause: events reach a subscriber in id order, so once
    // both have the marker's, whatever else was on its way to them (a duplicate, say) is there too.
    await push(a, 'marker', 'm1');
    await eventually(
      () => atA.events.length >= 16 && atB.events.length >= 16,
      'the marker on both',
    );

    const log = await logged();
    expect(log).toHaveLength(16);
    expect(log.slice(14).map((e) => e.stream)).toEqual(['marker', 'marker']);
    const ids = log.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
    for (const seen of [atA, atB]) {
      expect(seen.errors).toEqual([]);
      expect(seen.events.map((e) => [e.id, e.type, e.stream, e.tag])).toEqual(
        log.map((e) => [e.id, e.type, e.stream, e.tag]),
      );
    }
    expect(atA.events.slice(0, 10).map((e) => e.tag)).toEqual(
      ['v0', 'v1', 'v2', 'v3', 'v4'].flatMap((tag) => [tag, tag]),
    );
  });

  it('ends a subscription on one process when its token is revoked on the other, and that process refuses the token', async () => {
    const viewer = await token('team-a', 'VIEWER');
    expect((await gqlAt(b, ViewerDocument, {}, viewer.token)).data?.viewer?.role).toBe('VIEWER');
    const atB = watchEvents(b, viewer.token, {
      namespace: 'team-a',
      after: (await logged()).at(-1)!.id,
    });
    watches.push(atB);
    await push(a, 'revoke', 'r1');
    await eventually(() => atB.events.length === 2, 'the subscription on B to be live', 5000);

    expect((await gqlAt(a, RevokeTokenDocument, { id: viewer.id })).data).toEqual({
      revokeToken: true,
    });
    await eventually(() => atB.errors.length === 1, 'the subscription on B to end', 5000);
    expect(atB.errors[0]).toMatchObject({ code: 4403, reason: 'token revoked' });
    const delivered = atB.events.length;
    // A witness on B, instead of a pause: once it has the push made after the revocation, B's
    // feed has fanned that push out, and the ended subscription must not have had it.
    const witness = watchEvents(b, ADMIN_TOKEN, {
      namespace: 'team-a',
      after: (await logged()).at(-1)!.id,
    });
    watches.push(witness);
    await push(a, 'revoke', 'after');
    await eventually(() => witness.events.length === 2, 'the push after the revocation on B');
    expect(witness.events.map((e) => e.tag)).toEqual(['after', 'after']);
    expect(atB.events).toHaveLength(delivered);
    const refused = await gqlAt(b, ViewerDocument, {}, viewer.token);
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('never logs the redis password', () => {
    for (const serving of processes) {
      expect(serving.stdout()).toContain('event bus connected to redis');
      expect(serving.stdout() + serving.stderr()).not.toContain(password);
    }
  });
});
