/**
 * Run as a child process by startup-failure.test.ts: starts regql from the REGQL_* environment,
 * failing right after the part named in argv[2] started (or, with "none", starting fully and then
 * closing), and reports on stdout as JSON lines. Once startApp has rejected (or close resolved),
 * nothing regql started may be left: the process must exit on its own. Resources are tracked with
 * async_hooks, so intervals that were unref'd (and would not hold the process) count too.
 */
import 'reflect-metadata';
import { createHook } from 'node:async_hooks';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { PartName } from '../../src/app';

/** REGQL_BUILT names a build (dist/) of the same sources, which loads faster than ts-node. */
const sources = process.env.REGQL_BUILT ?? join(__dirname, '..', '..');
/* eslint-disable @typescript-eslint/no-require-imports */
const { startApp } = require(join(sources, 'src', 'app')) as typeof import('../../src/app');
const { loadConfig } = require(join(sources, 'src', 'config')) as typeof import('../../src/config');
/* eslint-enable @typescript-eslint/no-require-imports */

const WATCHDOG_MS = Number(process.env.WATCHDOG_MS ?? 10_000);
const failAfter = process.argv[2] as PartName | 'none';

/** Handles and timers alive now, by type, with where each was made. */
const live = new Map<number, { type: string; resource: unknown; stack: string }>();
const watched = /^(Timeout|TCPWRAP|TCPSERVERWRAP|TCPCONNECTWRAP|PIPEWRAP|TLSWRAP|UDPWRAP)$/;
let tracking = false;
createHook({
  init(asyncId, type, _trigger, resource) {
    if (!tracking || !watched.test(type)) return;
    const stack = (new Error().stack ?? '').split('\n').slice(2, 12).join('\n');
    live.set(asyncId, { type, resource, stack });
  },
  destroy(asyncId) {
    live.delete(asyncId);
  },
}).enable();

interface TimerState {
  _destroyed?: boolean;
  _repeat?: number | null;
  hasRef(): boolean;
}

/**
 * What is still there: every socket and server, every interval (unref'd or not: it keeps running
 * while anything else holds the process), and every pending timer that holds the process. A
 * one-shot unref'd timer (Apollo's drain deadline, an AbortSignal.timeout) ends by itself and
 * holds nothing, so it is not counted.
 */
function leftOver(): { type: string; stack: string }[] {
  return [...live.values()]
    .filter(({ type, resource }) => {
      if (type !== 'Timeout') return true;
      const timer = resource as TimerState;
      // A timer that fired or was cleared is destroyed on a later tick; its flag says so at once.
      if (timer._destroyed) return false;
      return Boolean(timer._repeat) || timer.hasRef();
    })
    .map(({ type, stack }) => ({ type, stack }));
}

function report(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const config = loadConfig({ env: process.env });
  // Debug lines say which part stops when ("stopping"); warnings and errors go to stderr.
  const stopped: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as { level: number; msg?: string; part?: string };
        if (line.msg === 'stopping' && line.part) stopped.push(line.part);
        if (line.level >= 40) process.stderr.write(`${text}\n`);
      }
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  tracking = true;
  const parts: string[] = [];
  let app;
  try {
    app = await startApp(config, log, {
      afterPart: (part) => {
        parts.push(part);
        if (part === failAfter) throw new Error(`injected failure after ${part}`);
      },
    });
  } catch (err) {
    // Give closing sockets their last tick, then look.
    await new Promise((resolve) => setTimeout(resolve, 200));
    report({
      outcome: 'rejected',
      message: (err as Error).message,
      parts,
      stopped,
      left: leftOver(),
    });
  }
  if (app) {
    await app.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    report({ outcome: 'closed', parts, stopped, left: leftOver() });
  }
  tracking = false;
  // Holds nothing itself: if it ever fires, something else keeps the process alive.
  setTimeout(() => {
    report({
      outcome: 'still running',
      active: process.getActiveResourcesInfo(),
      left: leftOver(),
    });
    process.exit(3);
  }, WATCHDOG_MS).unref();
}

void main();
