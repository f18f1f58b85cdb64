// Pure string-level path manipulation behind the `path_*` builtins. Every
// function accepts `\` or `/` and emits `/`, and a `C:` drive prefix is
// understood, so results do not depend on the machine the program runs on
// (the reference's std path helpers work the same way). Nothing here touches
// the filesystem except workspace classification, which takes an `exists`
// callback.

export function toPosix(p: string): string {
  return p.replaceAll("\\", "/");
}

function hasDrive(p: string): boolean {
  return p.length >= 2 && /[A-Za-z]/.test(p[0]!) && p[1] === ":";
}

/** A leading `/`, or a drive root `X:/` (`X:foo` is drive-relative, not absolute). */
export function isAbsolutePath(p: string): boolean {
  const posix = toPosix(p);
  return posix.startsWith("/") || (hasDrive(posix) && posix[2] === "/");
}

interface Split {
  readonly absolute: boolean;
  readonly drive: string;
  readonly segments: string[];
}

export function splitSegments(p: string): Split {
  const posix = toPosix(p);
  const drive = hasDrive(posix) ? posix.slice(0, 2) : "";
  const rest = posix.slice(drive.length);
  return {
    absolute: rest.startsWith("/"),
    drive,
    segments: rest.split("/").filter((s) => s !== ""),
  };
}

function assemble(drive: string, absolute: boolean, segments: readonly string[]): string {
  return `${drive}${absolute ? "/" : ""}${segments.join("/")}`;
}

/** Collapses `.` and `..` (a `..` above an absolute root is dropped), duplicate and trailing slashes. */
export function normalizePath(p: string): string {
  if (p === "") return "";
  const { absolute, drive, segments } = splitSegments(p);
  const stack: string[] = [];
  for (const seg of segments) {
    if (seg === ".") continue;
    if (seg === "..") {
      if (stack.length > 0 && stack[stack.length - 1] !== "..") stack.pop();
      else if (!absolute) stack.push("..");
      continue;
    }
    stack.push(seg);
  }
  const out = assemble(drive, absolute, stack);
  return out === "" ? "." : out;
}

export function pathBasename(p: string): string {
  return splitSegments(p).segments.at(-1) ?? "";
}

/** Everything before the last segment: `""` for a lone relative name, `/` at the root. */
export function pathParent(p: string): string {
  const { absolute, drive, segments } = splitSegments(p);
  if (segments.length <= 1 && !absolute) return "";
  const out = assemble(drive, absolute, segments.slice(0, -1));
  return out === "" && absolute ? "/" : out;
}

/** The extension with its dot (`.gz` for `a.tar.gz`); a leading dot is a hidden file, not an extension. */
export function pathExtension(p: string): string {
  const name = pathBasename(p);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot);
}

export function pathStem(p: string): string {
  const name = pathBasename(p);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? name : name.slice(0, dot);
}

function inParent(p: string, name: string): string {
  const dir = pathParent(p);
  if (dir === "") return name;
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

export function pathWithExtension(p: string, ext: string): string {
  const dotted = ext === "" || ext.startsWith(".") ? ext : `.${ext}`;
  return inParent(p, `${pathStem(p)}${dotted}`);
}

export function pathWithStem(p: string, stem: string): string {
  return inParent(p, `${stem}${pathExtension(p)}`);
}

/** The relative path from `base` to `p`, or null when they differ in rootedness or drive. */
export function pathRelativeTo(p: string, base: string): string | null {
  const a = splitSegments(normalizePath(p));
  const b = splitSegments(normalizePath(base));
  if (a.absolute !== b.absolute || a.drive !== b.drive) return null;
  let common = 0;
  while (
    common < a.segments.length &&
    common < b.segments.length &&
    a.segments[common] === b.segments[common]
  )
    common++;
  const out = [...Array<string>(b.segments.length - common).fill(".."), ...a.segments.slice(common)];
  return out.length === 0 ? "." : out.join("/");
}

/**
 * Appends `part` like Rust's `PathBuf::push` on Unix: an absolute part
 * replaces the path, otherwise one `/` separates them (`path_join`, and how
 * relative paths are resolved against a directory, without normalizing).
 */
export function joinPath(base: string, part: string): string {
  if (part.startsWith("/") || base === "") return part;
  return base.endsWith("/") ? `${base}${part}` : `${base}/${part}`;
}

/** `p` against directory `base` unless already absolute (Unix rules). */
export function resolveAgainst(base: string, p: string): string {
  return p.startsWith("/") ? p : joinPath(base, p);
}

// ---- workspace classification (path_workspace_info) ------------------------

export type WorkspacePathKind = "workspace_relative" | "host_absolute" | "invalid";

export interface WorkspacePathInfo {
  readonly input: string;
  readonly kind: WorkspacePathKind;
  readonly normalized: string;
  readonly workspacePath: string | null;
  readonly hostPath: string | null;
  readonly recoveredRootDrift: boolean;
  readonly reason: string | null;
}

function escapesWorkspace(p: string): boolean {
  return p === ".." || p.startsWith("../");
}

function underRoot(p: string, root: string): string | null {
  const a = splitSegments(p);
  const r = splitSegments(root);
  if (!a.absolute || !r.absolute || a.drive !== r.drive || a.segments.length < r.segments.length) return null;
  if (r.segments.some((s, i) => a.segments[i] !== s)) return null;
  const rest = a.segments.slice(r.segments.length);
  return rest.length === 0 ? "." : rest.join("/");
}

/**
 * A `/packages/x` that does not exist on the host but does (or whose
 * parent does) under the workspace root was meant workspace-relative: a
 * model dropped the root. Returns the recovered relative path.
 */
function recoverRootDrift(input: string, root: string, exists: (p: string) => boolean): string | null {
  const posix = toPosix(input);
  if (!posix.startsWith("/")) return null;
  const stripped = posix.replace(/^\/+/, "");
  if (stripped === "") return null;
  const rel = normalizePath(stripped);
  if (rel === "." || escapesWorkspace(rel) || exists(input)) return null;
  const candidate = joinPath(root, rel);
  return exists(candidate) || exists(pathParent(candidate)) ? rel : null;
}

function invalid(
  input: string,
  normalized: string,
  reason: string,
  hostPath: string | null = null,
): WorkspacePathInfo {
  return {
    input,
    kind: "invalid",
    normalized,
    workspacePath: null,
    hostPath,
    recoveredRootDrift: false,
    reason,
  };
}

/** Classifies `input` relative to an absolute workspace `root`. */
export function classifyWorkspacePath(
  input: string,
  root: string,
  exists: (p: string) => boolean,
): WorkspacePathInfo {
  const trimmed = input.trim();
  if (trimmed === "") return invalid(input, "", "path is empty");
  if (trimmed.includes("\0")) return invalid(input, toPosix(trimmed), "path contains NUL bytes");
  const normalized = normalizePath(trimmed);
  const rootNorm = normalizePath(root);
  const hostFor = (rel: string): string => normalizePath(joinPath(root, rel));
  const base = { input, recoveredRootDrift: false, reason: null };
  if (!isAbsolutePath(trimmed)) {
    if (escapesWorkspace(normalized)) {
      return invalid(
        input,
        normalized,
        "workspace-relative path escapes the workspace root",
        hostFor(normalized),
      );
    }
    const hostPath = hostFor(normalized);
    return { ...base, kind: "workspace_relative", normalized, workspacePath: normalized, hostPath };
  }
  const inside = underRoot(normalized, rootNorm);
  if (inside !== null) {
    return { ...base, kind: "host_absolute", normalized, workspacePath: inside, hostPath: normalized };
  }
  const recovered = recoverRootDrift(trimmed, root, exists);
  if (recovered !== null) {
    return {
      ...base,
      kind: "workspace_relative",
      normalized: recovered,
      workspacePath: recovered,
      hostPath: hostFor(recovered),
      recoveredRootDrift: true,
    };
  }
  return { ...base, kind: "host_absolute", normalized, workspacePath: null, hostPath: normalized };
}
