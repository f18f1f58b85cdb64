// Read-only file helpers for project scanning over a SystemHost: sorted
// directory listings and "read if present" access. Scanning inspects what
// it can and skips what it cannot read, like the reference, so every
// helper here turns host failures into "absent" rather than an error.

import type { DirEntry, SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";

/** Entries of `dir` sorted by name (byte order), or [] when unreadable. */
export function sortedEntries(host: SystemHost, dir: string): DirEntry[] {
  try {
    return host.listDir(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

export function exists(host: SystemHost, path: string): boolean {
  try {
    return host.exists(path);
  } catch {
    return false;
  }
}

function info(host: SystemHost, path: string): ReturnType<SystemHost["stat"]> | null {
  try {
    return host.stat(path);
  } catch {
    return null;
  }
}

export function isDir(host: SystemHost, path: string): boolean {
  return info(host, path)?.isDir ?? false;
}

export function isFile(host: SystemHost, path: string): boolean {
  return info(host, path)?.isFile ?? false;
}

export function readTextIfPresent(host: SystemHost, path: string): string | null {
  try {
    return host.readText(path);
  } catch {
    return null;
  }
}

export function readBytesIfPresent(host: SystemHost, path: string): Uint8Array | null {
  try {
    return host.readBytes(path);
  } catch {
    return null;
  }
}

/** The first of `names` in `dir` that can be read, as text. */
export function readFirstText(host: SystemHost, dir: string, names: readonly string[]): string | null {
  for (const name of names) {
    const text = readTextIfPresent(host, joinPath(dir, name));
    if (text !== null) return text;
  }
  return null;
}

/** A JSON object file as a plain object, or null when missing, malformed or not an object. */
export function readJsonObject(host: SystemHost, path: string): Record<string, unknown> | null {
  const text = readTextIfPresent(host, path);
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Nearest ancestor-or-self version control system: `git`, `hg`, or null. */
export function detectVcs(host: SystemHost, dir: string): string | null {
  let current = dir;
  for (;;) {
    if (exists(host, joinPath(current, ".git"))) return "git";
    if (exists(host, joinPath(current, ".hg"))) return "hg";
    const i = current.lastIndexOf("/");
    if (i < 0 || current === "/") return null;
    current = i === 0 ? "/" : current.slice(0, i);
  }
}

/** `path` relative to `base` (`.` for base itself), or `path` when outside it. */
export function relativePosix(base: string, path: string): string {
  if (path === base) return ".";
  const prefix = base.endsWith("/") ? base : `${base}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}
