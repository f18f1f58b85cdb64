// The native builtins behind `std/project`: `project_fingerprint`,
// `project_scan_native`, `project_scan_tree_native`,
// `project_walk_tree_native` and `project_catalog_native`. Paths resolve
// against the task's working directory; a file path means its directory.
// Scanning lists the workspace, so it needs `workspace.list` at the
// `read_only` side-effect level when a policy is active.

import { requireCapability } from "../../runtime/policy/enforce.ts";
import { thrown } from "../../vm/errors.ts";
import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { executionRoot, resolveFsPath } from "../system/locations.ts";
import { pathParent } from "../system/path-text.ts";
import { textOr } from "./options.ts";
import { catalogEntryValue, PROJECT_CATALOG } from "./project-catalog.ts";
import { projectFingerprint } from "./project-fingerprint.ts";
import { exists, isDir } from "./project-fs.ts";
import { parseScanOptions } from "./project-options.ts";
import { evidenceValue, scanExactDirectory } from "./project-scan.ts";
import { scanProjectTree, walkProjectTree } from "./project-walk.ts";

/** The directory a scan path names (a file's parent), canonical; throws when it does not exist. */
export function existingDirectory(ctx: BuiltinContext, host: SystemHost, raw: string, label: string): string {
  const resolved = resolveFsPath(ctx, host, raw);
  const target = isDir(host, resolved) ? resolved : pathParent(resolved) || ".";
  if (!exists(host, target)) throw thrown(`${label}: path does not exist: ${target}`);
  const canonical = host.realPath(target);
  if (canonical === null) throw thrown(`${label}: failed to resolve path: ${target}`);
  return canonical;
}

export function registerProject(vm: Vm, host: SystemHost): void {
  const b = (name: string, fn: (args: Value[], ctx: BuiltinContext) => Value): void =>
    vm.registerBuiltin(name, (args, ctx) => {
      requireCapability(ctx, name, "workspace", "list", "read_only");
      return fn(args, ctx);
    });
  const dirArg = (args: Value[], ctx: BuiltinContext): string =>
    existingDirectory(ctx, host, textOr(args, 0, "."), "project.scan");

  b("project_fingerprint", (args, ctx) => {
    if (args.length > 1) throw thrown("project_fingerprint: expected at most 1 argument");
    return projectFingerprint(host, dirArg(args, ctx));
  });
  b("project_scan_native", (args, ctx) =>
    evidenceValue(scanExactDirectory(host, dirArg(args, ctx), parseScanOptions(args[1]))),
  );
  b("project_scan_tree_native", (args, ctx) => {
    const tree = scanProjectTree(host, dirArg(args, ctx), parseScanOptions(args[1]));
    const out = new Map<string, Value>();
    for (const [rel, evidence] of tree) out.set(rel, evidenceValue(evidence));
    return new Dict(out);
  });
  b("project_walk_tree_native", (args, ctx) => {
    const base = dirArg(args, ctx);
    const cwd = executionRoot(ctx, host);
    return walkProjectTree(host, base, host.realPath(cwd) ?? cwd, parseScanOptions(args[1]));
  });
  b("project_catalog_native", () => PROJECT_CATALOG.map(catalogEntryValue));
}
