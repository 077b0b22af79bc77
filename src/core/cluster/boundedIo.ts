/**
 * Reading what we do not control with a ceiling: files named by a kubeconfig (which may be
 * /dev/zero, a FIFO or a 12 GB file), response bodies (which may never end) and watch streams
 * (whose lines may never end). Past the ceiling the read stops and says how much it allowed.
 */
import * as fs from 'node:fs';

export const KiB = 1024;
export const MiB = 1024 * KiB;

export class TooLargeError extends Error {
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`${what} is larger than ${formatBytes(limit)}; gave up reading it`);
    this.name = 'TooLargeError';
  }
}

export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

/**
 * Reads a file synchronously, at most `limit` bytes. A regular file whose size is over the limit
 * is refused without reading; devices and pipes are read until the limit (so /dev/zero ends at
 * once). Directories fail with EISDIR like readFileSync.
 */
export function readFileCapped(file: string, limit: number, what = file): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: ${file} is a directory`), { code: 'EISDIR' });
    if (st.isFile() && st.size > limit) throw new TooLargeError(what, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(Math.min(64 * KiB, limit + 1));
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new TooLargeError(what, limit);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** A body as undici (Node stream) or fetch (web stream) hands it over: both iterate as byte chunks. */
export type ByteStream = AsyncIterable<Uint8Array>;

/** Reads a whole body, refusing more than `limit` bytes (the stream is closed at that point). */
export async function readCapped(body: ByteStream, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    // Leaving the loop closes the stream (return() on the iterator): nothing more is read.
    if (total > limit) throw new TooLargeError(what, limit);
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks, total);
}

/**
 * Splits a byte stream into lines (a watch: one JSON event per line), each at most `limit` bytes.
 * `onChunk` is called for every chunk that arrives (for an inactivity timer).
 */
export async function* cappedLines(body: ByteStream, limit: number, what: string, onChunk?: () => void): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const raw of body) {
    onChunk?.();
    let chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a)) {
      if (pendingBytes + nl > limit) throw new TooLargeError(what, limit);
      const line = Buffer.concat([...pending, chunk.subarray(0, nl)]).toString('utf8');
      pending = [];
      pendingBytes = 0;
      chunk = chunk.subarray(nl + 1);
      if (line.trim()) yield line;
    }
    pendingBytes += chunk.length;
    if (pendingBytes > limit) throw new TooLargeError(what, limit);
    if (chunk.length) pending.push(Buffer.from(chunk));
  }
  const last = Buffer.concat(pending).toString('utf8');
  if (last.trim()) yield last;
}
