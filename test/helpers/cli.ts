import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testDatabaseEnv } from './postgres';

const root = join(__dirname, '..', '..');
/** The built command; test/global-setup.ts builds it (incrementally) once per jest run. */
const MAIN = join(root, 'dist', 'src', 'main.js');

/**
 * How long a wait for output lasts at most: only a stuck process takes this long, a slow one on a
 * loaded machine is waited for. Tests that start the command give themselves a longer timeout
 * (CLI_TEST_TIMEOUT_MS) so this message, with the process's output, is what they fail with.
 */
export const OUTPUT_TIMEOUT_MS = 120_000;
export const CLI_TEST_TIMEOUT_MS = 3 * OUTPUT_TIMEOUT_MS;

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /**
   * Resolves with the first stdout line matching, as soon as it is written; rejects if the
   * process exits without writing it, or after `timeoutMs`.
   */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Runs the real `regql` command, as built into dist/. */
export function runCli(args: string[], env: Record<string, string>): CliProcess {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: jest's global setup builds it (npm run build does too)`);
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...(env.REGQL_DATA_DIR ? testDatabaseEnv(env.REGQL_DATA_DIR) : {}),
      ...env,
    },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let closed = false;
  // 'close' comes after the exit and after the last of the process's output.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  // Whole lines only while the process runs (a line may arrive in pieces); all of them at the end.
  const matching = (pattern: RegExp) =>
    out
      .split('\n')
      .find((line, i, lines) => (closed || i < lines.length - 1) && pattern.test(line));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput: (pattern, timeoutMs = OUTPUT_TIMEOUT_MS) =>
      new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.off('close', onClose);
        };
        const fail = (why: string) => {
          done();
          reject(
            new Error(`no output matching ${pattern} (${why}); stdout: ${out}; stderr: ${err}`),
          );
        };
        const onData = () => {
          const line = matching(pattern);
          if (line === undefined) return;
          done();
          resolve(line);
        };
        const onClose = () => {
          const line = matching(pattern);
          if (line === undefined) return fail('the process exited');
          done();
          resolve(line);
        };
        const timer = setTimeout(() => fail(`waited ${timeoutMs} ms`), timeoutMs);
        child.stdout.on('data', onData);
        child.on('close', onClose);
        if (closed) onClose();
        else onData();
      }),
  };
}
