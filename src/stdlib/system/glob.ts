// Directory walking and glob matching for `walk_dir` and `glob`. The walk
// is depth-first, parents before children, entries in name order, and it
// yields the root itself at depth 0; unreadable directories are skipped
// rather than failing the walk (the reference's walkdir behaves the same).
// Globs follow the reference's globset defaults: `*` and `?` also match
// `/`, `**/` at the start, `/**/` inside and `/**` at the end cross any
// number of directories, `[...]`/`[!...]` classes, `{a,b}` alternatives and
// `\` escapes; the pattern must match the whole path relative to the base.

import { compareKeys } from "../../vm/values.ts";
import type { SystemHost } from "./host.ts";
import { joinPath } from "./path-text.ts";

export interface WalkEntry {
  /** The walk root joined with the relative path (not normalized). */
  readonly path: string;
  /** Path below the root with `/` separators; `""` for the root. */
  readonly rel: string;
  readonly isDir: boolean;
  readonly isFile: boolean;
  readonly depth: number;
}

export interface WalkOptions {
  readonly maxDepth?: number;
  readonly followSymlinks?: boolean;
}

export function walkTree(host: SystemHost, root: string, options: WalkOptions = {}): WalkEntry[] {
  const out: WalkEntry[] = [];
  let rootInfo: { isDir: boolean; isFile: boolean };
  try {
    rootInfo = host.stat(root);
  } catch {
    return out;
  }
  out.push({ path: root, rel: "", isDir: rootInfo.isDir, isFile: rootInfo.isFile, depth: 0 });
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const descend = (dir: string, rel: string, depth: number, ancestors: readonly string[]): void => {
    if (depth > maxDepth) return;
    const chain = options.followSymlinks ? [...ancestors, host.realPath(dir) ?? dir] : ancestors;
    let entries: ReturnType<SystemHost["listDir"]>;
    try {
      entries = host.listDir(dir);
    } catch {
      return;
    }
    entries.sort((a, b) => compareKeys(a.name, b.name));
    for (const e of entries) {
      const path = joinPath(dir, e.name);
      const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
      let isDir = e.isDir;
      let isFile = e.isFile;
      if (e.isSymlink && options.followSymlinks) {
        try {
          const info = host.stat(path);
          isDir = info.isDir;
          isFile = info.isFile;
        } catch {
          continue;
        }
        // A link back to an enclosing directory would loop forever; walkdir reports it as an error entry.
        if (isDir && chain.includes(host.realPath(path) ?? path)) continue;
      }
      out.push({ path, rel: childRel, isDir, isFile, depth });
      if (isDir) descend(path, childRel, depth + 1, chain);
    }
  };
  if (rootInfo.isDir) descend(root, "", 1, []);
  return out;
}

// ---- glob patterns ---------------------------------------------------------

/** Thrown for a malformed pattern; the message is globset's. */
export class GlobError extends Error {}

const SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

function literal(text: string): string {
  return text.replace(SYNTAX, "\\$&");
}

function classLiteral(ch: string): string {
  return /[\\\]^[-]/.test(ch) ? `\\${ch}` : ch;
}

/** Translates a glob into an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  const fail = (why: string): never => {
    throw new GlobError(`error parsing glob '${pattern}': ${why}`);
  };
  const chars = Array.from(pattern);
  let i = 0;
  let inAlternates = false;
  let out = "";
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === "\\") {
      if (i + 1 >= chars.length) fail("dangling '\\'");
      out += literal(chars[i + 1]!);
      i += 2;
    } else if (c === "*") {
      let stars = 1;
      while (chars[i + stars] === "*") stars++;
      const prefix = i === 0 || (inAlternates && /[{,]/.test(chars[i - 1]!));
      const next = chars[i + stars];
      if (stars === 2 && (prefix || chars[i - 1] === "/") && (next === undefined || next === "/")) {
        out = recursive(out, prefix, next === undefined);
        i += next === "/" ? 3 : 2;
      } else {
        out += "[^]*";
        i += stars;
      }
    } else if (c === "?") {
      out += "[^]";
      i++;
    } else if (c === "[") {
      i = charClass(chars, i, fail, (re) => {
        out += re;
      });
    } else if (c === "{") {
      if (inAlternates) fail("nested alternate groups are not allowed");
      inAlternates = true;
      out += "(?:";
      i++;
    } else if (c === "," && inAlternates) {
      out += "|";
      i++;
    } else if (c === "}" && inAlternates) {
      inAlternates = false;
      out += ")";
      i++;
    } else {
      out += literal(c);
      i++;
    }
  }
  if (inAlternates) fail("unclosed alternate group; missing '}' (maybe escape '{' with '[{]'?)");
  return new RegExp(`^${out}$`, "u");
}

/** `**` between separators: `**​/x` (prefix), `a/**​/b` (zero or more dirs), `a/**` (suffix), `**` (all). */
function recursive(out: string, atPatternStart: boolean, atEnd: boolean): string {
  if (atPatternStart) return atEnd ? ".*" : `${out}(?:[^]*/)?`;
  // The separator before `**` is already in `out`.
  const before = out.endsWith("/") ? out.slice(0, -2) : out;
  return atEnd ? `${before}/[^]*` : `${before}(?:/|/[^]*/)`;
}

function charClass(
  chars: string[],
  start: number,
  fail: (why: string) => never,
  emit: (re: string) => void,
): number {
  let i = start + 1;
  let negated = false;
  if (chars[i] === "!" || chars[i] === "^") {
    negated = true;
    i++;
  }
  const items: string[] = [];
  let first = true;
  while (i < chars.length && (chars[i] !== "]" || first)) {
    const lo = chars[i]!;
    first = false;
    if (chars[i + 1] === "-" && chars[i + 2] !== undefined && chars[i + 2] !== "]") {
      const hi = chars[i + 2]!;
      if (lo.codePointAt(0)! > hi.codePointAt(0)!) fail(`invalid range; '${lo}' > '${hi}'`);
      items.push(`${classLiteral(lo)}-${classLiteral(hi)}`);
      i += 3;
    } else {
      items.push(classLiteral(lo));
      i++;
    }
  }
  if (i >= chars.length) fail("unclosed character class; missing ']'");
  emit(`[${negated ? "^" : ""}${items.join("")}]`);
  return i + 1;
}

/** Absolute paths under `base` (the base itself excluded) whose relative path matches, sorted. */
export function globMatches(host: SystemHost, pattern: string, base: string): string[] {
  const re = globToRegExp(pattern);
  return walkTree(host, base)
    .filter((e) => e.rel !== "" && re.test(e.rel))
    .map((e) => e.path)
    .sort(compareKeys);
}
