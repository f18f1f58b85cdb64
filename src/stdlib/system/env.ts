// Environment and system builtins (reference: builtins.md "Environment and
// system"): `env`, `env_or`, the working-directory family (`cwd`,
// `execution_root`, `asset_root`, `source_dir`, `project_root`,
// `runtime_paths`) and machine facts (`username`, `hostname`, `platform`,
// `arch`, `home_dir`, `pid`, `date_iso`). Variables come from the task's
// execution-context overlay before the host's environment, so a worker
// started with its own env sees it and its siblings do not.

import { Dict } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { textArg } from "../args.ts";
import type { SystemHost } from "./host.ts";
import { executionContextOf, executionRoot, findProjectRoot, readEnv, sourceRoot } from "./locations.ts";
import { joinPath, resolveAgainst } from "./path-text.ts";

/** A runtime directory: `$<envKey>` (relative to `base` unless absolute) or `base/<fallback>`. */
function configuredRoot(host: SystemHost, base: string, envKey: string, fallback: () => string): string {
  const value = host.env(envKey);
  return value !== undefined && value.trim() !== "" ? resolveAgainst(base, value) : fallback();
}

function runtimePaths(host: SystemHost, execution: string, assets: string): Dict {
  const base = findProjectRoot(host, execution) ?? findProjectRoot(host, assets) ?? assets;
  const stateRoot = configuredRoot(host, base, "HARN_STATE_DIR", () => joinPath(base, ".harn"));
  return Dict.of({
    execution_root: execution,
    asset_root: assets,
    state_root: stateRoot,
    run_root: configuredRoot(host, base, "HARN_RUN_DIR", () => joinPath(base, ".harn-runs")),
    worktree_root: configuredRoot(host, base, "HARN_WORKTREE_DIR", () => joinPath(stateRoot, "worktrees")),
  });
}

export function registerEnv(vm: Vm, host: SystemHost): void {
  const b = vm.registerBuiltin.bind(vm);
  b("env", (args, ctx) => readEnv(ctx, host, textArg(args, 0)) ?? null);
  b("env_or", (args, ctx) => readEnv(ctx, host, textArg(args, 0)) ?? args[1] ?? null);

  b("cwd", (_args, ctx) => executionRoot(ctx, host));
  b("execution_root", (_args, ctx) => executionRoot(ctx, host));
  b("asset_root", (_args, ctx) => sourceRoot(ctx, host));
  b("source_dir", (_args, ctx) => sourceRoot(ctx, host));
  // The reference looks from the execution context's cwd first, then the source directory.
  b("project_root", (_args, ctx) => {
    const cwd = executionContextOf(ctx)?.cwd;
    return findProjectRoot(host, cwd ? cwd : sourceRoot(ctx, host));
  });
  b("runtime_paths", (_args, ctx) => runtimePaths(host, executionRoot(ctx, host), sourceRoot(ctx, host)));

  b("username", () => host.username());
  b("hostname", () => host.hostname());
  b("platform", () => host.platform());
  b("arch", () => host.arch());
  b("home_dir", () => host.env("HOME") ?? host.env("USERPROFILE") ?? "");
  b("pid", () => host.pid());
  b("date_iso", () => new Date(host.nowMs()).toISOString());
}
