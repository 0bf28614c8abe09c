import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** Large reads and writes: fewer system calls and socket writes per GiB than Node's 64 KiB default. */
export const IO_CHUNK = 1024 * 1024;

function drained(out: Writable): Promise<void> {
  // A client can go away while a read is pending; its 'close' is then already behind us.
  if (out.destroyed) return Promise.reject(new Error('the client went away'));
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the client went away'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * Copies to `out` what `read` puts into a buffer (the bytes at `position`; 0 at the end), through
 * two reused buffers. A stream would allocate a new buffer per read, and in a process with a
 * large heap that garbage (a GiB per GiB sent) costs more in collections than the copy itself.
 * Two buffers take turns, and a full `out` is waited for, so a buffer is read into again only
 * once `out` has written what it held.
 */
export async function copyThrough(
  out: Writable,
  read: (buffer: Buffer, position: number) => Promise<number>,
): Promise<void> {
  const buffers = [Buffer.allocUnsafeSlow(IO_CHUNK), Buffer.allocUnsafeSlow(IO_CHUNK)];
  for (let position = 0, turn = 0; ; turn++) {
    if (out.destroyed) throw new Error('the client went away');
    const buffer = buffers[turn % 2];
    const bytesRead = await read(buffer, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    if (!out.write(buffer.subarray(0, bytesRead))) await drained(out);
  }
  out.end();
}

/** Copies a file to `out` (see copyThrough). */
export async function sendFile(path: string, out: Writable): Promise<void> {
  const file = await open(path, 'r');
  try {
    await copyThrough(
      out,
      async (buffer, position) => (await file.read(buffer, 0, IO_CHUNK, position)).bytesRead,
    );
  } finally {
    await file.close();
  }
}
