// Filesystem builtins (reference: builtins.md "File I/O"): read_file and
// friends, write/append/copy/move/delete, directory listing, walking and
// globbing, `stat`, `mkdir`, `path_join`, `temp_dir`. Relative paths resolve
// against the task's working directory (locations.ts). Every builtin first
// checks the execution policy (capability ceiling, then the path sandbox);
// failures are thrown strings worded like the reference's, e.g.
// `Failed to read file /abs/x.txt: No such file or directory (os error 2)`.

import { display, typeName } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import {
  type BuiltinContext,
  BytesValue,
  compareKeys,
  Dict,
  err,
  HFloat,
  ok,
  type Value,
} from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import { intArg, textArg } from "../args.ts";
import { lines } from "../text.ts";
import { GlobError, globMatches, walkTree } from "./glob.ts";
import type { SystemHost } from "./host.ts";
import { resolveFsPath } from "./locations.ts";
import { joinPath } from "./path-text.ts";
import { enforceFsPath, type FsAccess, type FsOperation, fsPathRefusal, requireFs } from "./sandbox.ts";

/** The host's error text (Rust io::Error wording). */
export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Runs a host operation; a failure becomes a thrown string `<prefix>: <io error>`. */
function attempt<T>(prefix: string, op: () => T): T {
  try {
    return op();
  } catch (e) {
    throw thrown(`${prefix}: ${describeError(e)}`);
  }
}

function option(v: Value | undefined, key: string): Value {
  return v instanceof Dict ? v.get(key) : null;
}

export function registerFs(vm: Vm, host: SystemHost): void {
  /** Policy checks for one path argument, then its absolute form. */
  const target = (
    ctx: BuiltinContext,
    builtin: string,
    op: FsOperation,
    access: FsAccess,
    raw: string,
  ): string => {
    requireFs(ctx, builtin, op);
    const path = resolveFsPath(ctx, host, raw);
    enforceFsPath(ctx, host, builtin, path, access);
    return path;
  };
  const b = vm.registerBuiltin.bind(vm);

  b("read_file", (args, ctx) => {
    const path = target(ctx, "read_file", "read_text", "read", textArg(args, 0));
    return attempt(`Failed to read file ${path}`, () => host.readText(path));
  });
  b("read_file_result", (args, ctx) => {
    requireFs(ctx, "read_file_result", "read_text");
    const path = resolveFsPath(ctx, host, textArg(args, 0));
    const refusal = fsPathRefusal(ctx, host, "read_file_result", path, "read");
    if (refusal) return err(refusal.display(display));
    try {
      return ok(host.readText(path));
    } catch (e) {
      return err(`Failed to read file ${path}: ${describeError(e)}`);
    }
  });
  b("read_file_bytes", (args, ctx) => {
    const path = target(ctx, "read_file_bytes", "read_text", "read", textArg(args, 0));
    return new BytesValue(attempt(`Failed to read file ${path}`, () => host.readBytes(path)));
  });
  b("read_lines", (args, ctx) => {
    const path = target(ctx, "read_lines", "read_text", "read", textArg(args, 0));
    return lines(attempt(`read_lines: ${path}`, () => host.readText(path)));
  });

  b("write_file", (args, ctx) => {
    if (args.length < 2) return null;
    const path = target(ctx, "write_file", "write_text", "write", display(args[0]!));
    const text = display(args[1]!);
    attempt(`Failed to write file ${path}`, () => host.writeText(path, text));
    return null;
  });
  b("write_file_bytes", (args, ctx) => {
    if (args.length < 2) return null;
    const content = args[1]!;
    if (!(content instanceof BytesValue)) {
      throw thrown(`write_file_bytes expects bytes content, got ${typeName(content)}`);
    }
    const path = target(ctx, "write_file_bytes", "write_text", "write", display(args[0]!));
    attempt(`Failed to write file ${path}`, () => host.writeBytes(path, content.bytes));
    return null;
  });
  b("append_file", (args, ctx) => {
    if (args.length < 2) return null;
    const path = target(ctx, "append_file", "write_text", "write", display(args[0]!));
    const text = display(args[1]!);
    attempt(`Failed to open file ${path}`, () => host.appendText(path, text));
    return null;
  });

  b("file_exists", (args, ctx) =>
    host.exists(target(ctx, "file_exists", "exists", "read", textArg(args, 0))),
  );
  b("stat", (args, ctx) => {
    const path = target(ctx, "stat", "exists", "read", textArg(args, 0));
    const info = attempt(`Failed to stat ${path}`, () => host.stat(path));
    return Dict.of({
      size: info.size,
      is_file: info.isFile,
      is_dir: info.isDir,
      readonly: info.readonly,
      ...(info.modifiedMs !== null && { modified: new HFloat(info.modifiedMs / 1000) }),
    });
  });
  b("list_dir", (args, ctx) => {
    const path = target(ctx, "list_dir", "list", "read", textArg(args, 0, "."));
    const entries = attempt(`Failed to list directory ${path}`, () => host.listDir(path));
    return entries.map((e) => e.name).sort(compareKeys);
  });
  b("mkdir", (args, ctx) => {
    const path = target(ctx, "mkdir", "write_text", "write", textArg(args, 0));
    attempt(`Failed to create directory ${path}`, () => host.makeDir(path));
    return null;
  });

  b("delete_file", (args, ctx) => {
    const path = target(ctx, "delete_file", "delete", "delete", textArg(args, 0));
    let isDir = false;
    try {
      isDir = host.stat(path).isDir;
    } catch {
      // Missing: removing it below reports the error.
    }
    if (isDir) attempt(`Failed to delete directory ${path}`, () => host.removeTree(path));
    else attempt(`Failed to delete file ${path}`, () => host.removeFile(path));
    return null;
  });
  b("copy_file", (args, ctx) => {
    if (args.length < 2) return null;
    requireFs(ctx, "copy_file", "write_text");
    const from = resolveFsPath(ctx, host, display(args[0]!));
    const to = resolveFsPath(ctx, host, display(args[1]!));
    enforceFsPath(ctx, host, "copy_file", from, "read");
    enforceFsPath(ctx, host, "copy_file", to, "write");
    attempt(`Failed to copy ${from} to ${to}`, () => host.copyFile(from, to));
    return null;
  });
  b("move_file", (args, ctx) => {
    if (args.length < 2) throw thrown("move_file: src and dst are required");
    requireFs(ctx, "move_file", "write_text");
    const from = resolveFsPath(ctx, host, display(args[0]!));
    const to = resolveFsPath(ctx, host, display(args[1]!));
    enforceFsPath(ctx, host, "move_file", from, "write");
    enforceFsPath(ctx, host, "move_file", to, "write");
    try {
      host.rename(from, to);
    } catch {
      // Different filesystems (or a failure the copy will report): copy, then delete.
      attempt("move_file: copy failed", () => host.copyFile(from, to));
      attempt("move_file: remove src failed", () => host.removeFile(from));
    }
    return null;
  });

  b("path_join", (args) => args.reduce<string>((acc, part) => joinPath(acc, display(part)), ""));
  b("temp_dir", () => host.tempDir());

  b("walk_dir", (args, ctx) => {
    const raw = textArg(args, 0);
    if (raw === "") throw thrown("walk_dir: root path is required");
    const root = target(ctx, "walk_dir", "list", "read", raw);
    const depth = intArg([option(args[1], "max_depth")], 0);
    const entries = walkTree(host, root, {
      ...(depth !== undefined && depth >= 0 && { maxDepth: depth }),
      followSymlinks: option(args[1], "follow_symlinks") === true,
    });
    return entries.map((e) =>
      Dict.of({ path: e.path.replaceAll("\\", "/"), is_dir: e.isDir, is_file: e.isFile, depth: e.depth }),
    );
  });
  b("glob", (args, ctx) => {
    const pattern = textArg(args, 0);
    if (pattern === "") throw thrown("glob: pattern is required");
    const second = args[1] ?? null;
    let base = ".";
    if (second instanceof Dict) {
      const given = second.get("base");
      if (typeof given === "string") base = given;
    } else if (second !== null && display(second) !== "") {
      base = display(second);
    }
    const root = target(ctx, "glob", "list", "read", base);
    try {
      return globMatches(host, pattern, root);
    } catch (e) {
      if (e instanceof GlobError) throw thrown(`glob: ${e.message}`);
      throw e;
    }
  });
}
