import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { IO_CHUNK, sendFile } from '../../src/integrated-registry/send-file';

describe('sendFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'regql-send-file-'));
  const path = join(dir, 'blob');
  writeFileSync(path, Buffer.alloc(IO_CHUNK * 3, 7));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the whole file and ends the output', async () => {
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    await sendFile(path, out);
    expect(out.writableEnded).toBe(true);
    expect(Buffer.concat(chunks).equals(Buffer.alloc(IO_CHUNK * 3, 7))).toBe(true);
  });

  it('gives up when the client goes away while a read is pending', async () => {
    const out = new Writable({
      highWaterMark: IO_CHUNK * 8,
      write(_chunk, _encoding, done) {
        done();
        process.nextTick(() => out.destroy());
      },
    });
    await expect(sendFile(path, out)).rejects.toThrow('the client went away');
  });

  it('gives up when the client goes away while the output is full', async () => {
    const out = new Writable({
      highWaterMark: 1,
      write() {
        setTimeout(() => out.destroy(), 10);
      },
    });
    await expect(sendFile(path, out)).rejects.toThrow('the client went away');
  });
});
