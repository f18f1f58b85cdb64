// Running programs: `exec(cmd, args...)`, `exec_at(dir, cmd, args...)`,
// `shell(cmd)`, `shell_at(dir, cmd)`, `exit(code)`, and `runProcessExec`,
// the `process.exec` host capability (argv or shell mode, env, timeout) for
// whoever wires `host_call`. A command runs asynchronously: the calling
// task parks while the others keep running, and if the task is cancelled
// or its `deadline` passes, the command and everything it started is
// killed (the wait carries a cancel hook). Commands start in the task's
// working directory with its execution-context environment on top of the
// host's, and stdin closed.

import { contextOf } from "../../runtime/task-context.ts";
import { display } from "../../vm/display.ts";
import { runtimeError, thrown } from "../../vm/errors.ts";
import { type CancellableWait, cancellable } from "../../vm/scheduler.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { intArg, textArg } from "../args.ts";
import { describeError } from "./fs.ts";
import type { ExecRequest, ExecResult, SystemHost } from "./host.ts";
import { executionRoot } from "./locations.ts";
import { resolveAgainst } from "./path-text.ts";
import { enforceProcessCwd, requireProcess } from "./sandbox.ts";

export interface CommandSpec {
  readonly program: string;
  readonly args: readonly string[];
  /** Working directory as the program gave it (relative to the task's cwd), or null for the task's cwd. */
  readonly dir: string | null;
  readonly env?: ReadonlyMap<string, string>;
  readonly clearEnv?: boolean;
  readonly timeoutMs?: number;
}

/**
 * Starts a command for the calling task and returns a wait the task can
 * park on; interrupting the wait kills the command's process group.
 * Spawn failures reject with the host's error.
 */
export function startCommand(
  ctx: BuiltinContext,
  host: SystemHost,
  spec: CommandSpec,
): Promise<ExecResult> & CancellableWait {
  const root = executionRoot(ctx, host);
  const cwd = spec.dir === null ? root : resolveAgainst(root, spec.dir);
  enforceProcessCwd(ctx, host, cwd);
  const taskEnv = contextOf(ctx.task).slots.executionContext?.env;
  const env = new Map(spec.clearEnv ? [] : (taskEnv ?? []));
  for (const [k, v] of spec.env ?? []) env.set(k, v);
  const controller = new AbortController();
  const request: ExecRequest = {
    program: spec.program,
    args: spec.args,
    cwd,
    env,
    signal: controller.signal,
    ...(spec.clearEnv && { clearEnv: true }),
    ...(spec.timeoutMs !== undefined && { timeoutMs: spec.timeoutMs }),
  };
  return cancellable(host.exec(request), () => controller.abort()) as Promise<ExecResult> & CancellableWait;
}

/** The `{stdout, stderr, status, success}` dict of exec/shell; a spawn failure throws `<prefix> failed: ...`. */
function commandResult(
  ctx: BuiltinContext,
  host: SystemHost,
  prefix: string,
  spec: CommandSpec,
): Promise<Value> {
  const wait = startCommand(ctx, host, spec);
  const result = wait.then(
    (r): Value =>
      Dict.of({ stdout: r.stdout, stderr: r.stderr, status: r.exitCode ?? -1, success: r.exitCode === 0 }),
    (e: unknown) => {
      throw thrown(`${prefix} failed: process spawn failed: ${describeError(e)}`);
    },
  );
  return cancellable(result, () => wait.cancel?.());
}

export function registerProcess(vm: Vm, host: SystemHost): void {
  const b = vm.registerBuiltin.bind(vm);
  const strings = (args: Value[], from: number): string[] => args.slice(from).map((a) => display(a));

  b("exec", (args, ctx) => {
    requireProcess(ctx, "exec");
    if (args.length === 0) throw thrown("exec: command is required");
    return commandResult(ctx, host, "exec", {
      program: display(args[0]!),
      args: strings(args, 1),
      dir: null,
    });
  });
  b("exec_at", (args, ctx) => {
    requireProcess(ctx, "exec_at");
    if (args.length < 2) throw thrown("exec_at: directory and command are required");
    const spec = { program: display(args[1]!), args: strings(args, 2), dir: display(args[0]!) };
    return commandResult(ctx, host, "exec", spec);
  });
  b("shell", (args, ctx) => {
    requireProcess(ctx, "shell");
    const command = textArg(args, 0);
    if (command === "") throw thrown("shell: command string is required");
    const { program, args: shellArgs } = host.shellInvocation(command);
    return commandResult(ctx, host, "shell", { program, args: shellArgs, dir: null });
  });
  b("shell_at", (args, ctx) => {
    requireProcess(ctx, "shell_at");
    if (args.length < 2) throw thrown("shell_at: directory and command string are required");
    const command = display(args[1]!);
    if (command === "") throw thrown("shell_at: command string is required");
    const { program, args: shellArgs } = host.shellInvocation(command);
    return commandResult(ctx, host, "shell", { program, args: shellArgs, dir: display(args[0]!) });
  });
  b("exit", (args) => host.exit(intArg(args, 0) ?? 0));
}

// ---- process.exec host capability -----------------------------------------

function stringParam(params: Dict, key: string): string | undefined {
  const v = params.get(key);
  return typeof v === "string" ? v : undefined;
}

function execFailure(detail: string): never {
  throw runtimeError(`host_call process.exec${detail}`);
}

function argvOf(params: Dict, host: SystemHost): [string, string[]] {
  const mode = stringParam(params, "mode") ?? "shell";
  if (mode === "shell") {
    const command = stringParam(params, "command");
    if (command === undefined) execFailure(" missing command");
    const { program, args } = host.shellInvocation(command);
    return [program, [...args]];
  }
  if (mode !== "argv") execFailure(` unsupported mode ${JSON.stringify(mode)}`);
  const argv = params.get("argv");
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== "string")) execFailure(" missing argv");
  const [program, ...rest] = argv as string[];
  if (program === undefined) execFailure(" argv must not be empty");
  if (program === "") execFailure(" argv[0] must not be empty");
  return [program, rest];
}

function envOf(params: Dict): Map<string, string> | undefined {
  const raw = params.map.get("env");
  if (raw === undefined) return undefined;
  if (!(raw instanceof Dict)) execFailure(" env must be a dict");
  const env = new Map<string, string>();
  for (const key of raw.keys()) {
    const v = raw.get(key);
    if (typeof v !== "string") execFailure(` env value for ${JSON.stringify(key)} must be a string`);
    env.set(key, v);
  }
  return env;
}

function timeoutOf(params: Dict): number | undefined {
  const v = params.get("timeout") ?? params.get("timeout_ms");
  const ms = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined;
  return ms !== undefined && ms > 0 ? ms : undefined;
}

/** `YYYY-MM-DDTHH:MM:SS.mmm+00:00`, the RFC 3339 form the reference reports. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/**
 * `host_call("process.exec", params)`: `mode` "shell" (default, `command`)
 * or "argv" (`argv` list), optional `cwd`, `env` (with `env_mode`
 * "replace", the default, or "merge") and `timeout`/`timeout_ms`. Returns
 * the reference's response dict; a timed-out command is killed and reported
 * with `status: "timed_out"` and the output it produced so far.
 */
export function runProcessExec(ctx: BuiltinContext, host: SystemHost, params: Dict): Promise<Value> {
  requireProcess(ctx, "host_call");
  const [program, args] = argvOf(params, host);
  const env = envOf(params);
  const timeoutMs = timeoutOf(params);
  const spec: CommandSpec = {
    program,
    args,
    dir: stringParam(params, "cwd") ?? null,
    ...(env !== undefined && { env, clearEnv: (stringParam(params, "env_mode") ?? "replace") === "replace" }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
  const started = host.nowMs();
  const wait = startCommand(ctx, host, spec);
  const response = wait.then(
    (r): Value => {
      const ended = host.nowMs();
      const exitCode = r.timedOut ? -1 : (r.exitCode ?? -1);
      return Dict.of({
        command_id: `cmd_${host.pid()}_${Math.round((ended - started) * 1e6)}`,
        status: r.timedOut ? "timed_out" : "completed",
        pid: r.pid,
        process_group_id: r.pid,
        handle_id: null,
        started_at: rfc3339(started),
        ended_at: rfc3339(ended),
        duration_ms: Math.round(ended - started),
        exit_code: exitCode,
        signal: r.signal,
        timed_out: r.timedOut,
        stdout: r.stdout,
        stderr: r.stderr,
        combined: `${r.stdout}${r.stderr}`,
        exit_status: exitCode,
        legacy_status: exitCode,
        success: !r.timedOut && r.exitCode === 0,
      });
    },
    (e: unknown) => execFailure(`: ${describeError(e)}`),
  );
  return cancellable(response, () => wait.cancel?.());
}
