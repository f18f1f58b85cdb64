// The Node McpHost: starts an MCP server as a child process and exposes
// its stdio as a line transport (HTTP servers use the Node HTTP host's
// transport). stdout is split into lines as it
// arrives; stderr passes through to ours, as MCP servers log there. The
// child gets its own process group so closing the client also stops any
// helpers it started, and a failed spawn (missing binary) rejects with the
// OS error text instead of crashing the run.

import type { ChildProcessByStdio } from "node:child_process";
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import type { LineTransport } from "../llm/mcp/client.ts";
import type { McpHost, McpStdioSpec } from "../llm/mcp/host.ts";
import { nodeHttpHost } from "./http-host.ts";
import { lazyBuiltin } from "./lazy-builtin.ts";
import { hostError } from "./system-host.ts";

const childProcess = lazyBuiltin<typeof import("node:child_process")>("node:child_process");

type Child = ChildProcessByStdio<Writable, Readable, null>;

/** Buffers stdout into lines and hands them to readers in order. */
class ChildLines implements LineTransport {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | null) => void)[] = [];
  private partial = "";
  private ended = false;

  constructor(private readonly child: Child) {
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => this.take(chunk));
    child.stdout.on("end", () => this.finish());
    child.on("exit", () => this.finish());
    // Writes after the server died surface as "server closed connection" on the next read.
    child.stdin.on("error", () => this.finish());
  }

  private take(chunk: string): void {
    const parts = (this.partial + chunk).split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) this.push(line);
  }

  private push(line: string | null): void {
    const reader = this.waiting.shift();
    if (reader) reader(line);
    else if (line !== null) this.lines.push(line);
    if (this.waiting.length === 0) this.hold(false);
  }

  /**
   * An idle server must not keep the run alive once the program is done
   * with it, but a pending read must: the process and its stdout pipe are
   * referenced only while someone waits for a line.
   */
  private hold(waiting: boolean): void {
    const pipe = this.child.stdout as unknown as { ref?: () => void; unref?: () => void };
    if (waiting) {
      this.child.ref();
      pipe.ref?.();
    } else {
      this.child.unref();
      pipe.unref?.();
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.partial !== "") this.push(this.partial);
    this.partial = "";
    while (this.waiting.length > 0) this.push(null);
  }

  /** Releases the process and pipe until the next read (see `hold`). */
  idle(): void {
    if (this.waiting.length === 0) this.hold(false);
  }

  writeLine(line: string): void {
    if (this.ended || this.child.stdin.destroyed) return;
    this.child.stdin.write(`${line}\n`);
  }

  readLine(): Promise<string | null> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(null);
    this.hold(true);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): void {
    this.finish();
    this.child.stdin.end();
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      this.child.kill("SIGTERM");
    }
  }
}

export const nodeMcpHost: McpHost = {
  // HTTP servers share the http_* builtins' transport (and so its proxy settings).
  http: nodeHttpHost.transport,
  spawnStdio(spec: McpStdioSpec): Promise<LineTransport> {
    return new Promise((resolve, reject) => {
      let child: Child;
      try {
        child = childProcess().spawn(spec.command, [...spec.args], {
          stdio: ["pipe", "pipe", "inherit"],
          env: { ...process.env, ...Object.fromEntries(spec.env) },
          detached: true,
        });
      } catch (e) {
        reject(new Error(hostError(e).message));
        return;
      }
      child.once("error", (e) => reject(new Error(hostError(e).message)));
      child.once("spawn", () => {
        const lines = new ChildLines(child);
        lines.idle();
        resolve(lines);
      });
    });
  },
};
