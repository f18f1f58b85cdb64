// Policy checks shared by the filesystem and process builtins (seed §1.4).
// Two layers, as in the reference: the capability ceiling of the active
// execution policy (`requireCapability`: workspace.read_text, process.exec,
// side-effect level, ...), then the path sandbox: with `workspace_roots`
// set (or a path-scope root in the task's execution context), a path must
// lie inside one of them after symlinks are resolved, so `root/link/..`
// tricks cannot escape. Refusals are `tool_rejected` errors.

import { activePolicy, requireCapability } from "../../runtime/policy/enforce.ts";
import { categorized, type VmError } from "../../vm/errors.ts";
import type { BuiltinContext } from "../../vm/values.ts";
import type { SystemHost } from "./host.ts";
import { executionContextOf, executionRoot } from "./locations.ts";
import { joinPath, normalizePath, pathBasename, pathParent, resolveAgainst } from "./path-text.ts";

export type FsAccess = "read" | "write" | "delete";

/** Capability operation each kind of filesystem builtin needs. */
export type FsOperation = "read_text" | "list" | "exists" | "write_text" | "delete";

const LEVEL: Record<FsOperation, string> = {
  read_text: "read_only",
  list: "read_only",
  exists: "read_only",
  write_text: "workspace_write",
  delete: "workspace_write",
};

/** Checks the capability ceiling for a filesystem builtin (throws `tool_rejected`). */
export function requireFs(ctx: BuiltinContext, builtin: string, op: FsOperation): void {
  requireCapability(ctx, builtin, "workspace", op, LEVEL[op]);
}

export function requireProcess(ctx: BuiltinContext, builtin: string): void {
  requireCapability(ctx, builtin, "process", "exec", "process_exec");
}

/**
 * Absolute, lexically normalized, and canonical as far as the path exists:
 * the deepest existing ancestor is resolved through symlinks and the
 * missing rest is appended (a file about to be created is checked where it
 * will really land).
 */
function canonicalForPolicy(host: SystemHost, base: string, p: string): string {
  const absolute = normalizePath(resolveAgainst(base, p));
  const suffix: string[] = [];
  let existing = absolute;
  for (;;) {
    const real = host.realPath(existing);
    if (real !== null) return normalizePath(suffix.reduceRight((acc, name) => joinPath(acc, name), real));
    const parent = pathParent(existing);
    if (parent === "" || parent === existing) return absolute;
    suffix.push(pathBasename(existing));
    existing = parent;
  }
}

function within(p: string, root: string): boolean {
  return root === "/" || p === root || p.startsWith(`${root}/`);
}

interface Roots {
  readonly roots: string[];
  readonly describe: string;
}

function sandboxRoots(ctx: BuiltinContext, host: SystemHost): Roots[] {
  const base = executionRoot(ctx, host);
  const out: Roots[] = [];
  const policyRoots = activePolicy(ctx)?.workspaceRoots ?? [];
  if (policyRoots.length > 0) {
    const roots = policyRoots.map((r) => canonicalForPolicy(host, base, r));
    out.push({ roots, describe: `workspace_roots [${roots.join(", ")}]` });
  }
  const scope = executionContextOf(ctx)?.pathScopeRoot;
  if (scope) {
    const root = canonicalForPolicy(host, base, scope);
    out.push({ roots: [root], describe: `path scope root [${root}]` });
  }
  return out;
}

/** Why `builtin` may not touch `path`, or undefined when the sandbox allows it. */
export function fsPathRefusal(
  ctx: BuiltinContext,
  host: SystemHost,
  builtin: string,
  path: string,
  access: FsAccess,
): VmError | undefined {
  const limits = sandboxRoots(ctx, host);
  if (limits.length === 0) return undefined;
  const candidate = canonicalForPolicy(host, executionRoot(ctx, host), path);
  for (const { roots, describe } of limits) {
    if (roots.some((root) => within(candidate, root))) continue;
    return categorized(
      "tool_rejected",
      `sandbox violation: builtin '${builtin}' attempted to ${access} '${candidate}' outside ${describe}`,
    );
  }
  return undefined;
}

/** Throws when `path` lies outside the sandbox roots. */
export function enforceFsPath(
  ctx: BuiltinContext,
  host: SystemHost,
  builtin: string,
  path: string,
  access: FsAccess,
): void {
  const refusal = fsPathRefusal(ctx, host, builtin, path, access);
  if (refusal) throw refusal;
}

/** A command's working directory must lie inside the sandbox roots too. */
export function enforceProcessCwd(ctx: BuiltinContext, host: SystemHost, dir: string): void {
  const limits = sandboxRoots(ctx, host);
  if (limits.length === 0) return;
  const candidate = canonicalForPolicy(host, executionRoot(ctx, host), dir);
  for (const { roots, describe } of limits) {
    if (!roots.some((root) => within(candidate, root))) {
      throw categorized(
        "tool_rejected",
        `sandbox violation: process cwd '${candidate}' is outside ${describe}`,
      );
    }
  }
}
