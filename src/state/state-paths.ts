// String-level helpers for the absolute `/`-separated paths the state
// backends work with. The state layer may not import the stdlib's path
// module, and needs only these three operations.

/** `base` and relative `/`-separated segments joined with single slashes. */
export function joinPath(base: string, ...parts: string[]): string {
  let out = base;
  for (const part of parts) {
    if (part === "") continue;
    out = out.endsWith("/") ? out + part : `${out}/${part}`;
  }
  return out;
}

/** The directory part of a path (`/a/b` → `/a`, `/a` → `/`). */
export function parentPath(path: string): string {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : trimmed.slice(0, i);
}

/** The last segment of a path. */
export function baseName(path: string): string {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}
