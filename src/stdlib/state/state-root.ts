// Where the per-program state lives. The reference binds the key-value
// store and the metadata store to a base directory chosen when the program
// starts: the project root (nearest harn.toml) above the entry file, else
// the entry file's directory; `$HARN_STATE_DIR` (relative to that base)
// or `<base>/.harn` is the state root. Our builtins learn the entry file
// from the calling task's outermost Harn frame on first use.

import type { BuiltinContext } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { findProjectRoot, sourceRoot } from "../system/locations.ts";
import { joinPath, pathParent, resolveAgainst } from "../system/path-text.ts";

/** Directory of the program's entry file (the outermost frame that comes from a file). */
function entryDir(ctx: BuiltinContext, host: SystemHost): string {
  for (const frame of ctx.task.fiber.frames) {
    const file = frame.proto?.file ?? "";
    if (file !== "" && !file.startsWith("<") && !file.startsWith("std/")) {
      return resolveAgainst(host.cwd(), pathParent(file) || ".");
    }
  }
  return sourceRoot(ctx, host);
}

/** The base directory the store and metadata belong to. */
export function stateBaseDir(ctx: BuiltinContext, host: SystemHost): string {
  const dir = entryDir(ctx, host);
  return findProjectRoot(host, dir) ?? dir;
}

/** `$HARN_STATE_DIR` (relative to `base`) or `<base>/.harn`. */
export function stateRootOf(host: SystemHost, base: string): string {
  const configured = host.env("HARN_STATE_DIR");
  return configured !== undefined && configured.trim() !== ""
    ? resolveAgainst(base, configured)
    : joinPath(base, ".harn");
}
