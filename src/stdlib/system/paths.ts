// The `path_*` builtins: pure string manipulation (path-text.ts) plus the
// workspace classification helpers, whose default root is the task's
// working directory. Missing arguments read as empty strings, as in the
// reference.

import { type BuiltinContext, Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { textArg } from "../args.ts";
import type { SystemHost } from "./host.ts";
import { executionRoot } from "./locations.ts";
import {
  classifyWorkspacePath,
  isAbsolutePath,
  normalizePath,
  pathBasename,
  pathExtension,
  pathParent,
  pathRelativeTo,
  pathStem,
  pathWithExtension,
  pathWithStem,
  resolveAgainst,
  splitSegments,
  toPosix,
  type WorkspacePathInfo,
} from "./path-text.ts";

function infoValue(info: WorkspacePathInfo): Dict {
  return Dict.of({
    input: info.input,
    kind: info.kind,
    normalized: info.normalized,
    workspace_path: info.workspacePath,
    host_path: info.hostPath,
    recovered_root_drift: info.recoveredRootDrift,
    reason: info.reason,
  });
}

export function registerPaths(vm: Vm, host: SystemHost): void {
  const unary = (name: string, fn: (p: string) => string | boolean | string[]): void =>
    vm.registerBuiltin(name, (args) => fn(textArg(args, 0)));
  unary("path_parent", pathParent);
  unary("path_basename", pathBasename);
  unary("path_stem", pathStem);
  unary("path_extension", pathExtension);
  unary("path_is_absolute", isAbsolutePath);
  unary("path_is_relative", (p) => !isAbsolutePath(p));
  unary("path_normalize", normalizePath);
  unary("path_to_posix", toPosix);
  // Harn paths use `/` on every OS; kept as a separate name for hosts that may specialise it.
  unary("path_to_native", toPosix);
  unary("path_segments", (p) => splitSegments(p).segments);

  vm.registerBuiltin("path_parts", (args) => {
    const p = textArg(args, 0);
    return Dict.of({
      dir: pathParent(p),
      file: pathBasename(p),
      stem: pathStem(p),
      ext: pathExtension(p),
      segments: splitSegments(p).segments,
    });
  });
  vm.registerBuiltin("path_with_extension", (args) => pathWithExtension(textArg(args, 0), textArg(args, 1)));
  vm.registerBuiltin("path_with_stem", (args) => pathWithStem(textArg(args, 0), textArg(args, 1)));
  vm.registerBuiltin("path_relative_to", (args) => pathRelativeTo(textArg(args, 0), textArg(args, 1)));

  // A nil root means "the working directory" (the reference would use a directory named `nil`).
  const classify = (args: Value[], ctx: BuiltinContext): WorkspacePathInfo => {
    const cwd = executionRoot(ctx, host);
    const given = args[1] === undefined || args[1] === null ? "" : textArg(args, 1);
    const root = given === "" ? cwd : resolveAgainst(cwd, given);
    return classifyWorkspacePath(textArg(args, 0), root, (p) => host.exists(p));
  };
  vm.registerBuiltin("path_workspace_info", (args, ctx) => infoValue(classify(args, ctx)));
  vm.registerBuiltin("path_workspace_normalize", (args, ctx) => classify(args, ctx).workspacePath);
}
