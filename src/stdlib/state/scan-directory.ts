// `scan_directory(path?, pattern_or_options?, options?)`: a recursive file
// listing relative to the working directory, each entry
// `{path, size, modified, is_dir}`. Options: `pattern` (substring, `*` or
// `**` glob on the relative path; a non-matching directory is still
// descended), `max_depth` (default 5), `include_hidden`, `include_dirs`,
// `include_files`. Entries are visited in name order so results are stable.

import { Dict, type Value } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { SystemHost } from "../system/host.ts";
import { executionRoot } from "../system/locations.ts";
import { joinPath } from "../system/path-text.ts";
import { dictArg, optionBool, optionInt, optionText, textOr } from "./options.ts";
import { relativePosix } from "./project-fs.ts";

interface ScanOptions {
  pattern: string | undefined;
  maxDepth: number;
  includeHidden: boolean;
  includeDirs: boolean;
  includeFiles: boolean;
}

function applyOptions(into: ScanOptions, d: Dict | undefined): void {
  if (d === undefined) return;
  into.pattern = optionText(d, "pattern") ?? into.pattern;
  const depth = optionInt(d, "max_depth");
  if (depth !== undefined && depth >= 0) into.maxDepth = depth;
  into.includeHidden = optionBool(d, "include_hidden", into.includeHidden);
  into.includeDirs = optionBool(d, "include_dirs", into.includeDirs);
  into.includeFiles = optionBool(d, "include_files", into.includeFiles);
}

/** The reference's simple matcher: `a**b` prefix/suffix, `a*b` prefix/suffix, else substring. */
export function simplePatternMatch(pattern: string, path: string): boolean {
  const deep = pattern.split("**");
  if (deep.length === 2) {
    const prefix = deep[0]!.replace(/\/+$/, "");
    const suffix = deep[1]!.replace(/^\/+/, "");
    return (prefix === "" || path.startsWith(prefix)) && (suffix === "" || path.endsWith(suffix));
  }
  const star = pattern.split("*");
  if (star.length === 2) return path.startsWith(star[0]!) && path.endsWith(star[1]!);
  return path.includes(pattern);
}

export function registerScanDirectory(vm: Vm, host: SystemHost): void {
  vm.registerBuiltin("scan_directory", (args, ctx) => {
    const options: ScanOptions = {
      pattern: undefined,
      maxDepth: 5,
      includeHidden: false,
      includeDirs: true,
      includeFiles: true,
    };
    if (typeof args[1] === "string" && args[1] !== "") options.pattern = args[1];
    else applyOptions(options, dictArg(args[1]));
    applyOptions(options, dictArg(args[2]));
    const base = executionRoot(ctx, host);
    const rel = textOr(args, 0, "");
    const results: Value[] = [];
    walk(host, rel === "" ? base : joinPath(base, rel), base, options, 0, results);
    return results;
  });
}

function walk(
  host: SystemHost,
  dir: string,
  base: string,
  o: ScanOptions,
  depth: number,
  out: Value[],
): void {
  if (depth > o.maxDepth) return;
  let entries: string[];
  try {
    entries = host
      .listDir(dir)
      .map((e) => e.name)
      .sort();
  } catch {
    return;
  }
  for (const name of entries) {
    if (!o.includeHidden && name.startsWith(".")) continue;
    const full = joinPath(dir, name);
    let info: ReturnType<SystemHost["stat"]>;
    try {
      info = host.stat(full);
    } catch {
      continue;
    }
    const rel = relativePosix(base, full);
    if (o.pattern !== undefined && !simplePatternMatch(o.pattern, rel)) {
      if (info.isDir) walk(host, full, base, o, depth + 1, out);
      continue;
    }
    if (info.isDir ? o.includeDirs : o.includeFiles) {
      out.push(
        Dict.of({
          path: rel,
          size: info.size,
          modified: Math.floor((info.modifiedMs ?? 0) / 1000),
          is_dir: info.isDir,
        }),
      );
    }
    if (info.isDir) walk(host, full, base, o, depth + 1, out);
  }
}
