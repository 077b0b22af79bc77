import type { CliIo } from '../../src/cli/cliIo';

/** A CliIo that keeps what the command prints, for calling runCli in-process. */
export function memoryIo(cwd: string, stdin = ''): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd,
    isTTY: false,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    readStdin: () => Promise.resolve(stdin),
  };
  return io;
}
