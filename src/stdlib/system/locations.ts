// Where relative paths and environment lookups resolve for the calling
// task. Filesystem and process builtins resolve against the execution root:
// the task's execution-context cwd when one is set (TaskContext, DESIGN §4),
// else the host's cwd. Asset-style lookups (`source_dir`, `asset_root`)
// resolve against the directory of the calling Harn file instead. Keeping
// both rules here means a spawned worker with its own cwd never sees its
// parent's, and no builtin reads process-global state directly.

import { contextOf, type ExecutionContext } from "../../runtime/task-context.ts";
import type { BuiltinContext } from "../../vm/values.ts";
import { callerFile } from "../caller.ts";
import type { SystemHost } from "./host.ts";
import { joinPath, pathParent, resolveAgainst } from "./path-text.ts";

export function executionContextOf(ctx: BuiltinContext): ExecutionContext | null {
  return contextOf(ctx.task).slots.executionContext;
}

/** The task's working directory. */
export function executionRoot(ctx: BuiltinContext, host: SystemHost): string {
  const cwd = executionContextOf(ctx)?.cwd;
  return cwd !== undefined && cwd !== "" ? cwd : host.cwd();
}

/** The directory of the calling Harn file (the reference's "source dir"), absolute. */
export function sourceRoot(ctx: BuiltinContext, host: SystemHost): string {
  const file = callerFile(ctx);
  if (file !== "" && !file.startsWith("<")) {
    const dir = pathParent(file);
    return dir === "" ? host.cwd() : resolveAgainst(host.cwd(), dir);
  }
  const ec = executionContextOf(ctx);
  if (ec?.sourceDir) return ec.sourceDir;
  return executionRoot(ctx, host);
}

/** A path argument of a filesystem builtin, made absolute against the execution root. */
export function resolveFsPath(ctx: BuiltinContext, host: SystemHost, p: string): string {
  return resolveAgainst(executionRoot(ctx, host), p);
}

/** An environment variable: the task's execution-context overlay first, then the host. */
export function readEnv(ctx: BuiltinContext, host: SystemHost, name: string): string | undefined {
  return executionContextOf(ctx)?.env.get(name) ?? host.env(name);
}

/** The nearest directory at or above `base` holding a `harn.toml`. */
export function findProjectRoot(host: SystemHost, base: string): string | null {
  let dir = base;
  for (;;) {
    if (host.exists(joinPath(dir, "harn.toml"))) return dir;
    const parent = pathParent(dir);
    if (parent === "" || parent === dir) return null;
    dir = parent;
  }
}
