// Walking a project's directory tree for `project_scan_tree` and the
// deep scan: depth-first in name order, not following symlinks, skipping
// hidden entries, vendor directories and paths the root `.gitignore`
// excludes (each unless the options say otherwise). Gitignore matching
// uses the `ignore` package, which implements git's pattern rules.

import { sha256 } from "@noble/hashes/sha2.js";
import ignore, { type Ignore } from "ignore";
import { Dict } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { readBytesIfPresent, readTextIfPresent, relativePosix, sortedEntries } from "./project-fs.ts";
import type { ProjectScanOptions } from "./project-options.ts";
import { VENDOR_DIRS } from "./project-options.ts";
import { isProjectRootCandidate, type ProjectEvidence, scanExactDirectory } from "./project-scan.ts";

/** The matcher for `<base>/.gitignore`, or null when gitignore is off or the file is absent. */
function gitignoreOf(host: SystemHost, base: string, o: ProjectScanOptions): Ignore | null {
  if (!o.respectGitignore) return null;
  const text = readTextIfPresent(host, joinPath(base, ".gitignore"));
  return text === null ? null : ignore().add(text);
}

/** Should the walk see the entry `name` (a directory when `dir`) at `path` below `base`? */
function included(
  base: string,
  path: string,
  name: string,
  dir: boolean,
  gitignore: Ignore | null,
  o: ProjectScanOptions,
): boolean {
  if (!o.includeHidden && name.startsWith(".")) return false;
  const rel = relativePosix(base, path);
  if (gitignore !== null && rel !== "." && gitignore.ignores(dir ? `${rel}/` : rel)) return false;
  return !(dir && !o.includeVendor && VENDOR_DIRS.has(name));
}

/** Every directory below `base` the walk reaches (not `base` itself), in walk order. */
export function walkDirectories(host: SystemHost, base: string, o: ProjectScanOptions): string[] {
  const gitignore = gitignoreOf(host, base, o);
  const out: string[] = [];
  const visit = (dir: string, depth: number): void => {
    if (o.depth !== null && depth >= o.depth) return;
    for (const entry of sortedEntries(host, dir)) {
      if (!entry.isDir) continue;
      const path = joinPath(dir, entry.name);
      if (!included(base, path, entry.name, true, gitignore, o)) continue;
      out.push(path);
      visit(path, depth + 1);
    }
  };
  visit(base, 0);
  return out;
}

/** Evidence for `base` (key `.`) and each nested project root the walk finds, keyed by relative path. */
export function scanProjectTree(
  host: SystemHost,
  base: string,
  o: ProjectScanOptions,
): Map<string, ProjectEvidence> {
  const tree = new Map<string, ProjectEvidence>([[".", scanExactDirectory(host, base, o)]]);
  for (const dir of walkDirectories(host, base, o)) {
    if (!isProjectRootCandidate(host, dir)) continue;
    const rel = relativePosix(base, dir);
    if (!tree.has(rel)) tree.set(rel, scanExactDirectory(host, dir, o));
  }
  return tree;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const encoder = new TextEncoder();

/** Hash of the included entries' names and kinds (changes when entries come or go). */
function structureHash(
  host: SystemHost,
  base: string,
  dir: string,
  gitignore: Ignore | null,
  o: ProjectScanOptions,
): string {
  const parts: string[] = [];
  for (const e of sortedEntries(host, dir)) {
    if (!included(base, joinPath(dir, e.name), e.name, e.isDir, gitignore, o)) continue;
    parts.push(`${e.name}:${e.isDir ? "dir" : "file"}`);
  }
  const h = sha256.create();
  for (const part of parts.sort()) h.update(encoder.encode(part)).update(Uint8Array.of(0xff));
  return hex(h.digest());
}

/** Hash of the included files' names and bytes (changes when any file's content changes). */
function contentHash(
  host: SystemHost,
  base: string,
  dir: string,
  gitignore: Ignore | null,
  o: ProjectScanOptions,
): string {
  const h = sha256.create();
  for (const e of sortedEntries(host, dir)) {
    if (e.isDir) continue;
    const path = joinPath(dir, e.name);
    if (!included(base, path, e.name, false, gitignore, o)) continue;
    h.update(encoder.encode(e.name)).update(Uint8Array.of(0));
    const bytes = readBytesIfPresent(host, path);
    if (bytes !== null) h.update(bytes);
    h.update(Uint8Array.of(0xff));
  }
  return hex(h.digest());
}

/**
 * The deep scan's walk: `base` and every directory below it, each with its
 * path relative to `base`, its metadata key (relative to `metadataRoot`,
 * or absolute outside it) and both change hashes.
 */
export function walkProjectTree(
  host: SystemHost,
  base: string,
  metadataRoot: string,
  o: ProjectScanOptions,
): Dict[] {
  const gitignore = gitignoreOf(host, base, o);
  return [base, ...walkDirectories(host, base, o)].map((dir) =>
    Dict.of({
      path: relativePosix(base, dir),
      dir: relativePosix(metadataRoot, dir),
      structure_hash: structureHash(host, base, dir, gitignore, o),
      content_hash: contentHash(host, base, dir, gitignore, o),
    }),
  );
}
