/** The CLI's I/O, passed in so commands can be tested without spawning processes. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  readStdin(): Promise<string>;
  isTTY: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** A usage or I/O problem: printed as one clear line, exit code 2, never a stack trace. */
export class UsageError extends Error {}

/**
 * A standard stream that never throws or crashes the process when its reader goes away: the first
 * write error (EPIPE when `| head` has read enough, ENOSPC on a full disk) is remembered and every
 * later write is dropped. The command itself goes on to its end (an apply is never abandoned half
 * way because nobody reads its output any more).
 */
export class GuardedStream {
  /** The error code of the first failed write, if any. */
  failure: string | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.failure ??= e.code ?? 'EIO';
    });
  }

  write(text: string): void {
    if (this.failure || this.stream.destroyed) return;
    try {
      this.stream.write(text);
    } catch (e) {
      this.failure ??= (e as NodeJS.ErrnoException).code ?? 'EIO';
    }
  }

  /**
   * Resolves when what was written has been handed to the system or the stream failed. Write errors
   * arrive after the write returned (a file on a full disk reports ENOSPC on the next tick), so an
   * empty write is queued behind them and one more turn of the event loop lets 'error' land.
   */
  async flush(): Promise<void> {
    if (!this.failure && !this.stream.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        this.stream.once('error', done);
        try {
          this.stream.write('', () => {
            this.stream.off('error', done);
            resolve();
          });
        } catch {
          resolve();
        }
      });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** A write failure the user must hear about: anything but a reader that went away. */
  get lostOutput(): string | undefined {
    return this.failure && this.failure !== 'EPIPE' ? this.failure : undefined;
  }
}

export interface ProcessIo extends CliIo {
  readonly out: GuardedStream;
  readonly err: GuardedStream;
}

export function processIo(): ProcessIo {
  const out = new GuardedStream(process.stdout);
  const err = new GuardedStream(process.stderr);
  return {
    out,
    err,
    stdout: (t) => out.write(t),
    stderr: (t) => err.write(t),
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY),
    readStdin: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c: Buffer) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
  };
}

const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EBADF: 'standard output is closed',
  EFBIG: 'the file is too large',
};

/** The line that says standard output was lost (exit status 2 follows). */
export function lostOutputMessage(code: string): string {
  return `kube-topology: cannot write the output (${code}: ${WRITE_ERRORS[code] ?? 'write error'}); it is incomplete\n`;
}
