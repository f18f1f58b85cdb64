// The Node implementation of SystemHost: files, processes, environment and
// standard streams for the system builtins. Two choices follow
// reference/deps.md: a command runs in its own process group (`detached`)
// and a timeout or cancellation kills the whole group, because a grandchild
// holding the pipes would otherwise delay completion until it exits; and
// `writeText` is atomic (temp file in the same directory, fsync, rename,
// fsync of the directory). Errors become HostIoError with Rust's io::Error
// wording, which the reference's messages embed.

import type { ChildProcessByStdio } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import type { Readable } from "node:stream";
import {
  type DirEntry,
  type ExecRequest,
  type ExecResult,
  type FileInfo,
  HostIoError,
  type ShellInvocation,
  type StdStream,
  type SystemHost,
} from "../stdlib/system/host.ts";
import { stderr, stdout } from "./node-process.ts";
import { lazyBuiltin } from "./lazy-builtin.ts";

const childProcess = lazyBuiltin<typeof import("node:child_process")>("node:child_process");
const os = lazyBuiltin<typeof import("node:os")>("node:os");
const tty = lazyBuiltin<typeof import("node:tty")>("node:tty");
const util = lazyBuiltin<typeof import("node:util")>("node:util");

/**
 * glibc's strerror texts (which Rust prints) where libuv words them
 * differently; for other codes libuv's text, capitalized, is the same.
 */
const STRERROR: Record<string, string> = {
  EEXIST: "File exists",
  EXDEV: "Invalid cross-device link",
  EISDIR: "Is a directory",
  ENAMETOOLONG: "File name too long",
  ELOOP: "Too many levels of symbolic links",
  EIO: "Input/output error",
  EBUSY: "Device or resource busy",
  ETXTBSY: "Text file busy",
  ENOMEM: "Cannot allocate memory",
};

/** Turns a Node error into a HostIoError worded like Rust's `io::Error`. */
export function hostError(e: unknown): HostIoError {
  if (e instanceof HostIoError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === "string" ? err.code : "EUNKNOWN";
  const errno = typeof err?.errno === "number" ? err.errno : undefined;
  const libuv = errno === undefined ? undefined : util().getSystemErrorMap().get(errno)?.[1];
  const raw = err instanceof Error ? err.message : String(e);
  const text = STRERROR[code] ?? (libuv ? libuv[0]!.toUpperCase() + libuv.slice(1) : raw);
  return new HostIoError(errno === undefined ? text : `${text} (os error ${Math.abs(errno)})`, code);
}

function io<T>(op: () => T): T {
  try {
    return op();
  } catch (e) {
    throw hostError(e);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function readText(file: string): string {
  const bytes = io(() => fs.readFileSync(file));
  try {
    return utf8.decode(bytes);
  } catch {
    throw new HostIoError("stream did not contain valid UTF-8", "EILSEQ");
  }
}

let tempCounter = 0;

/**
 * Atomic replace: write a temp file beside the target, fsync it, rename it
 * over the target, fsync the directory. A symlink is written through (its
 * target is replaced), an existing file keeps its permission bits, and
 * special files (devices, fifos) or a directory we may not create files in
 * get a plain write, as `std::fs::write` would do.
 */
function writeAtomic(file: string, data: string | Uint8Array): void {
  let target = file;
  let mode: number | undefined;
  try {
    if (fs.lstatSync(file).isSymbolicLink()) target = fs.realpathSync(file);
    const info = fs.statSync(target);
    if (info.isDirectory())
      throw Object.assign(new Error("EISDIR: is a directory"), { code: "EISDIR", errno: -21 });
    if (!info.isFile()) return io(() => fs.writeFileSync(target, data));
    mode = info.mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw hostError(e);
  }
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.harn-tmp-${process.pid}-${++tempCounter}`);
  let fd: number;
  try {
    fd = fs.openSync(temp, "wx", 0o666);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM" || code === "EROFS")
      return io(() => fs.writeFileSync(target, data));
    throw hostError(e);
  }
  try {
    try {
      if (mode !== undefined) fs.fchmodSync(fd, mode);
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw hostError(e);
  }
  syncDirectory(dir);
}

/** Makes a rename durable; some filesystems cannot fsync a directory, which is harmless. */
function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not supported here (e.g. some network filesystems): the rename itself still happened.
  }
}

function fileInfo(file: string): FileInfo {
  const s = io(() => fs.statSync(file));
  return {
    size: s.size,
    isFile: s.isFile(),
    isDir: s.isDirectory(),
    readonly: (s.mode & 0o222) === 0,
    modifiedMs: Number.isFinite(s.mtimeMs) ? s.mtimeMs : null,
  };
}

function listDir(dir: string): DirEntry[] {
  return io(() => fs.readdirSync(dir, { withFileTypes: true })).map((e) => ({
    name: e.name,
    isDir: e.isDirectory(),
    isFile: e.isFile(),
    isSymlink: e.isSymbolicLink(),
  }));
}

// ---- processes --------------------------------------------------------------

/** Kill functions of running commands, so none outlives this process. */
const running = new Set<() => void>();
let exitHookInstalled = false;

function trackChild(kill: () => void): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const k of running) k();
    });
  }
  running.add(kill);
}

function exec(request: ExecRequest): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    if (request.signal?.aborted) {
      resolve({ pid: null, stdout: "", stderr: "", exitCode: null, signal: "SIGKILL", timedOut: false });
      return;
    }
    const overlay = Object.fromEntries(request.env ?? []);
    const env = request.clearEnv ? overlay : request.env?.size ? { ...process.env, ...overlay } : process.env;
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = childProcess().spawn(request.program, [...request.args], {
        ...(request.cwd !== undefined && { cwd: request.cwd }),
        env,
        detached: process.platform !== "win32",
        stdio: ["ignore", "pipe", "pipe"],
        windowsHide: true,
      });
    } catch (e) {
      reject(hostError(e));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    let closed = false;
    // The group, not just the child: a finished shell may have left a background job holding the pipes.
    const killGroup = (): void => {
      if (child.pid === undefined || closed) return;
      try {
        process.kill(process.platform === "win32" ? child.pid : -child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer =
      request.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup();
          }, request.timeoutMs);
    request.signal?.addEventListener("abort", killGroup, { once: true });
    trackChild(killGroup);
    const finish = (): void => {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", killGroup);
      running.delete(killGroup);
    };
    child.on("error", (e) => {
      finish();
      reject(hostError(e));
    });
    child.on("close", (code, signal) => {
      closed = true;
      finish();
      resolve({
        pid: child.pid ?? null,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        exitCode: code,
        signal,
        timedOut,
      });
    });
  });
}

function isExecutable(candidate: string): boolean {
  if (candidate.includes("/") || candidate.includes("\\")) {
    try {
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  }
  const dirs = (process.env["PATH"] ?? "").split(path.delimiter).filter((d) => d !== "");
  return dirs.some((d) => isExecutable(path.join(d, candidate)));
}

function etcShells(): string[] {
  try {
    return fs
      .readFileSync("/etc/shells", "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
  } catch {
    return [];
  }
}

const FALLBACK_SHELLS = ["/bin/zsh", "/bin/bash", "/bin/sh", "/usr/bin/zsh", "/usr/bin/bash", "/usr/bin/sh"];

/** The reference's default shell: configured, $SHELL, /etc/shells, then well-known paths. */
function shellInvocation(command: string): ShellInvocation {
  const configured = [process.env["HARN_DEFAULT_SHELL"], process.env["SHELL"]].filter(
    (s): s is string => s !== undefined && s !== "",
  );
  const candidates =
    process.platform === "win32"
      ? [...configured, process.env["COMSPEC"] ?? "cmd.exe"]
      : [...configured, ...etcShells(), ...FALLBACK_SHELLS];
  const program = candidates.find(isExecutable) ?? candidates[0] ?? "/bin/sh";
  const id = path
    .basename(program)
    .toLowerCase()
    .replace(/\.exe$/, "");
  const args =
    id === "cmd" ? ["/C"] : id === "pwsh" || id === "powershell" ? ["-NoProfile", "-Command"] : ["-c"];
  return { program, args: [...args, command] };
}

function exit(code: number): never {
  stdout.flush();
  stderr.flush();
  process.exit(code);
}

// ---- stdin ------------------------------------------------------------------

/** Bytes read from fd 0 but not yet handed out (stdin belongs to the whole process). */
let pending: Buffer = Buffer.alloc(0);
let stdinEnded = false;

/** Reads one more chunk of stdin into `pending`; false at end of input. */
function readChunk(): Promise<boolean> {
  if (stdinEnded) return Promise.resolve(false);
  const buffer = Buffer.alloc(64 * 1024);
  return new Promise((resolve) => {
    const attempt = (): void => {
      fs.read(0, buffer, 0, buffer.length, null, (e, n) => {
        if (e && (e.code === "EAGAIN" || e.code === "EWOULDBLOCK")) {
          setTimeout(attempt, 10);
          return;
        }
        if (e || n === 0) {
          stdinEnded = true;
          resolve(false);
          return;
        }
        pending = Buffer.concat([pending, buffer.subarray(0, n)]);
        resolve(true);
      });
    };
    attempt();
  });
}

async function readStdin(): Promise<string | null> {
  while (await readChunk()) {
    // Keep reading until end of input.
  }
  const text = pending.toString("utf8");
  pending = Buffer.alloc(0);
  return text;
}

async function readStdinLine(): Promise<string | null> {
  for (;;) {
    const newline = pending.indexOf(10);
    if (newline >= 0) {
      const line = pending.subarray(0, newline).toString("utf8");
      pending = pending.subarray(newline + 1);
      return line.endsWith("\r") ? line.slice(0, -1) : line;
    }
    if (!(await readChunk())) {
      if (pending.length === 0) return null;
      const rest = pending.toString("utf8");
      pending = Buffer.alloc(0);
      return rest;
    }
  }
}

function accountName(): string {
  try {
    return os().userInfo().username;
  } catch {
    return "";
  }
}

const RUST_ARCH: Record<string, string> = {
  x64: "x86_64",
  arm64: "aarch64",
  ia32: "x86",
  ppc64: "powerpc64",
};

const STREAM_FD: Record<StdStream, number> = { stdin: 0, stdout: 1, stderr: 2 };

export const nodeSystemHost: SystemHost = {
  readText,
  readBytes: (file) => new Uint8Array(io(() => fs.readFileSync(file))),
  writeText: (file, text) => writeAtomic(file, text),
  writeBytes: (file, bytes) => writeAtomic(file, bytes),
  appendText: (file, text) => io(() => fs.appendFileSync(file, text)),
  exists: (file) => fs.existsSync(file),
  stat: fileInfo,
  listDir,
  makeDir: (dir) => void io(() => fs.mkdirSync(dir, { recursive: true })),
  removeFile: (file) => io(() => fs.unlinkSync(file)),
  removeTree: (dir) => io(() => fs.rmSync(dir, { recursive: true })),
  copyFile: (from, to) => io(() => fs.copyFileSync(from, to)),
  rename: (from, to) => io(() => fs.renameSync(from, to)),
  realPath: (file) => {
    try {
      return fs.realpathSync(file);
    } catch {
      return null;
    }
  },
  tempDir: () => os().tmpdir(),
  exec,
  shellInvocation,
  exit,
  env: (name) => process.env[name],
  cwd: () => process.cwd(),
  username: () => process.env["USER"] ?? process.env["USERNAME"] ?? accountName(),
  hostname: () => process.env["HOSTNAME"] ?? process.env["COMPUTERNAME"] ?? os().hostname(),
  platform: () => (process.platform === "win32" ? "windows" : process.platform),
  arch: () => RUST_ARCH[process.arch] ?? process.arch,
  pid: () => process.pid,
  nowMs: () => Date.now(),
  isTty: (stream) => tty().isatty(STREAM_FD[stream]),
  readStdin,
  readStdinLine,
};
