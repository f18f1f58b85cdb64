// What the system builtins (files, paths, processes, environment, stdio)
// need from the machine they run on. The standard library never imports
// node:*; the CLI passes the Node implementation (src/host/system-host.ts)
// and embedders or a browser build pass their own. File operations are
// synchronous, like the reference's (a local read or write is shorter than
// a task switch and keeps interleaved tasks deterministic); processes and
// stdin are asynchronous so the calling task parks and the others run.

/** Metadata of a path (symlinks followed), as `stat()` reports it. */
export interface FileInfo {
  readonly size: number;
  readonly isFile: boolean;
  readonly isDir: boolean;
  /** No write permission bit set for anyone (Rust's `Permissions::readonly`). */
  readonly readonly: boolean;
  /** Modification time in ms since the epoch, when the platform knows it. */
  readonly modifiedMs: number | null;
}

/** One directory entry; the kinds describe the entry itself (a symlink is neither file nor dir). */
export interface DirEntry {
  readonly name: string;
  readonly isDir: boolean;
  readonly isFile: boolean;
  readonly isSymlink: boolean;
}

export interface ExecRequest {
  readonly program: string;
  readonly args: readonly string[];
  /** Working directory; the host's own cwd when absent. */
  readonly cwd?: string;
  /** Variables set on top of the inherited environment (or instead of it, with `clearEnv`). */
  readonly env?: ReadonlyMap<string, string>;
  /** Start from an empty environment instead of inheriting the host's. */
  readonly clearEnv?: boolean;
  /** Kill the process (and everything it started) after this many ms. */
  readonly timeoutMs?: number;
  /** Aborting kills the process and everything it started. */
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  /** Process id (also its process-group id), when it started. */
  readonly pid: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code, or null when the process was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** True when `timeoutMs` elapsed and the process was killed. */
  readonly timedOut: boolean;
}

/** How to run a command line through the user's shell: `program args... command`. */
export interface ShellInvocation {
  readonly program: string;
  readonly args: readonly string[];
}

export type StdStream = "stdin" | "stdout" | "stderr";

/**
 * A failed host operation. `message` reads like Rust's `io::Error`
 * (`No such file or directory (os error 2)`), because the reference puts
 * that text into its error messages; `code` is the symbolic name (ENOENT).
 */
export class HostIoError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface SystemHost {
  // ---- files (paths are absolute) -----------------------------------------
  readText(path: string): string;
  readBytes(path: string): Uint8Array;
  /** Replace a file's contents atomically (a crash leaves the old or the new contents). */
  writeText(path: string, text: string): void;
  writeBytes(path: string, bytes: Uint8Array): void;
  /** Append, creating the file when missing. */
  appendText(path: string, text: string): void;
  exists(path: string): boolean;
  stat(path: string): FileInfo;
  /** Entries of a directory, in no particular order. */
  listDir(path: string): DirEntry[];
  /** Create a directory and its missing parents. */
  makeDir(path: string): void;
  removeFile(path: string): void;
  /** Remove a directory and everything under it. */
  removeTree(path: string): void;
  copyFile(from: string, to: string): void;
  /** Rename within one filesystem; throws (EXDEV) across filesystems. */
  rename(from: string, to: string): void;
  /** The canonical path (symlinks resolved), or null when it does not exist. */
  realPath(path: string): string | null;
  tempDir(): string;

  // ---- processes -------------------------------------------------------------
  /** Run a program to completion; rejects with HostIoError when it cannot start. */
  exec(request: ExecRequest): Promise<ExecResult>;
  shellInvocation(command: string): ShellInvocation;
  /** Ends the whole program (after flushing output). */
  exit(code: number): never;

  // ---- environment -----------------------------------------------------------
  env(name: string): string | undefined;
  cwd(): string;
  /** The login name (`$USER`, else the account's name), or "" when unknown. */
  username(): string;
  hostname(): string;
  /** `darwin`, `linux`, `windows`, or the OS's own name. */
  platform(): string;
  /** Rust's names: `x86_64`, `aarch64`, ... */
  arch(): string;
  pid(): number;
  /** Milliseconds since the epoch (wall clock). */
  nowMs(): number;

  // ---- standard streams -------------------------------------------------------
  isTty(stream: StdStream): boolean;
  /** The rest of stdin, or null when it cannot be read. */
  readStdin(): Promise<string | null>;
  /** One line of stdin without its line break, or null at end of input. */
  readStdinLine(): Promise<string | null>;
}
