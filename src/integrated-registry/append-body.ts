import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { finished, type Readable } from 'node:stream';
import { IO_CHUNK } from './send-file';

/** A body's chunks are written once this many bytes have come, in one writev. */
const WRITE_BATCH = IO_CHUNK;
/** The body pauses while a write is under way and this many bytes wait for the next one. */
const MAX_WAITING = 4 * IO_CHUNK;

/** Writes all of `buffers` at the file's position (its end, when opened to append), however many calls it takes. */
export async function writeAll(file: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await file.writev(rest);
    if (bytesWritten === 0) throw new Error('the file took none of a write');
    while (rest.length > 0 && bytesWritten >= rest[0].length) {
      bytesWritten -= rest[0].length;
      rest = rest.slice(1);
    }
    if (bytesWritten > 0) rest = [rest[0].subarray(bytesWritten), ...rest.slice(1)];
  }
}

/**
 * Appends `body` to `file` (opened to append) and feeds it to `hash` on the way; resolves to the
 * number of bytes. `admit` may refuse any chunk by throwing. The body's chunks (Node's HTTP parser
 * makes a new buffer of each, often a few KiB) are gathered into writes of at least WRITE_BATCH,
 * one at a time: each write costs the event loop a trip to the thread pool, and at the chunks'
 * size those trips were about a third of an upload's CPU. At most MAX_WAITING bytes wait while
 * a write is under way, so memory stays bounded whatever the body's size.
 *
 * On a refusal the body is left paused, not destroyed, so that the refusal can still be answered;
 * a failing body (a client that goes away) fails the copy. Either way the promise settles only
 * once no write is under way, so the caller may cut the file back at once.
 */
export function appendBody(
  body: Readable,
  file: FileHandle,
  hash: Hash,
  admit: (bytes: number) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    let waiting: Buffer[] = [];
    let waitingBytes = 0;
    let writing: Promise<void> | null = null;
    let ended = false;
    let settled = false;

    const detach = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      stopWatching();
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      detach();
      if (!body.destroyed) body.pause();
      void (writing ?? Promise.resolve()).then(
        () => reject(err),
        () => reject(err),
      );
    };
    const write = () => {
      const buffers = waiting;
      waiting = [];
      waitingBytes = 0;
      const done = writeAll(file, buffers);
      writing = done;
      done.then(() => {
        writing = null;
        if (settled) return;
        if (ended) return waitingBytes > 0 ? write() : finish();
        if (waitingBytes >= WRITE_BATCH) write();
        if (body.isPaused()) body.resume();
      }, fail);
    };
    const finish = () => {
      settled = true;
      resolve(received);
    };
    const onData = (chunk: Buffer) => {
      try {
        admit(chunk.length);
      } catch (err) {
        return fail(err);
      }
      received += chunk.length;
      hash.update(chunk);
      waiting.push(chunk);
      waitingBytes += chunk.length;
      if (!writing) {
        if (waitingBytes >= WRITE_BATCH) write();
      } else if (waitingBytes >= MAX_WAITING) {
        body.pause();
      }
    };
    const onEnd = () => {
      ended = true;
      detach();
      if (writing) return;
      if (waitingBytes > 0) write();
      else finish();
    };
    const stopWatching = finished(body, (err) => {
      if (err) fail(err);
    });
    body.on('data', onData);
    body.on('end', onEnd);
    body.resume();
  });
}
