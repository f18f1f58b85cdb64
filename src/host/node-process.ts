// Process-level services for the CLI: argv, environment, exit codes and
// buffered writes to stdout/stderr. Output is buffered and flushed in large
// chunks because programs print line by line.

import process from "node:process";

export function argv(): string[] {
  return process.argv.slice(2);
}

export function cwd(): string {
  return process.cwd();
}

export function env(name: string): string | undefined {
  return process.env[name];
}

export function setExitCode(code: number): void {
  process.exitCode = code;
}

export function now(): number {
  return performance.now();
}

/**
 * Keeps Node's event loop alive until the returned function is called. A
 * Harn program may wait on sockets and servers that do not hold the loop
 * open themselves (so that a server left running cannot stop the CLI from
 * exiting); without this, such a wait would end the process silently.
 */
export function keepAlive(): () => void {
  const timer = setInterval(() => {}, 1 << 30);
  return () => clearInterval(timer);
}

/** A writer that batches small writes into larger ones. */
export class BufferedWriter {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  write = (text: string): void => {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > 1 << 16) this.flush();
  };

  flush(): void {
    if (this.chunks.length === 0) return;
    this.stream.write(this.chunks.join(""));
    this.chunks = [];
    this.size = 0;
  }
}

export const stdout = new BufferedWriter(process.stdout);
export const stderr = new BufferedWriter(process.stderr);

export function stderrIsTty(): boolean {
  return process.stderr.isTTY === true;
}
