// Which files `project_enrich` shows the model: operator context (CI
// workflows, hooks, CODEOWNERS, CONTRIBUTING), the evidence's anchors and
// lock files, well-known manifests and READMEs, then up to 8 source files
// of the detected languages — at most 12 files, 4 000 characters each and
// 24 000 in total, so a prompt stays within a predictable budget.

import { sha256 } from "@noble/hashes/sha2.js";
import { Dict, type Value } from "../../vm/values.ts";
import { display } from "../../vm/display.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { isFile, readTextIfPresent, relativePosix, sortedEntries } from "./project-fs.ts";
import { VENDOR_DIRS } from "./project-options.ts";

const MAX_CONTEXT_FILES = 12;
const MAX_SOURCE_FILES = 8;
const MAX_FILE_CHARS = 4000;
const MAX_TOTAL_CHARS = 24000;

const WELL_KNOWN = [
  "README.md",
  "README.MD",
  "README",
  "Readme.md",
  "Dockerfile",
  "GNUmakefile",
  "Makefile",
  "makefile",
  "package.json",
  "Cargo.toml",
  "pyproject.toml",
  "go.mod",
  "tsconfig.json",
  "next.config.js",
  "next.config.mjs",
  "next.config.ts",
  "setup.py",
  "requirements.txt",
  "Gemfile",
];

const SOURCE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  rust: ["rs"],
  go: ["go"],
  python: ["py"],
  typescript: ["ts", "tsx"],
  javascript: ["js", "jsx", "mjs", "cjs"],
  ruby: ["rb"],
};

export interface RelevantFile {
  readonly path: string;
  readonly content: string;
  readonly truncated: boolean;
  /** sha256 of the whole file, so truncated tails still invalidate caches. */
  readonly digest: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return Array.from(sha256(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Files directly in `root/dir` (sorted, relative to root), optionally limited to extensions. */
export function filesIn(
  host: SystemHost,
  root: string,
  dir: string,
  extensions: readonly string[],
): string[] {
  return sortedEntries(host, joinPath(root, dir))
    .filter((e) => e.isFile)
    .filter((e) => extensions.length === 0 || extensions.some((x) => e.name.endsWith(`.${x}`)))
    .map((e) => `${dir}/${e.name}`);
}

/** CI, hook and ownership files operators care about, sorted. */
export function operatorContextFiles(host: SystemHost, root: string): string[] {
  const fixed = [
    ".github/CODEOWNERS",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    "CONTRIBUTING.md",
    ".pre-commit-config.yaml",
    "lefthook.yml",
  ];
  const files = [
    ...fixed.filter((p) => isFile(host, joinPath(root, p))),
    ...filesIn(host, root, ".github/workflows", ["yml", "yaml"]),
    ...filesIn(host, root, ".githooks", []),
    ...filesIn(host, root, ".husky", []).filter((p) => !p.slice(p.lastIndexOf("/") + 1).startsWith("_")),
  ];
  return [...new Set(files)].sort();
}

function sourceFiles(host: SystemHost, root: string, languages: readonly string[]): string[] {
  const extensions = [...new Set(languages.flatMap((l) => SOURCE_EXTENSIONS[l] ?? []))];
  if (extensions.length === 0) return [];
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const e of sortedEntries(host, dir)) {
      if (out.length >= MAX_SOURCE_FILES) return;
      const path = joinPath(dir, e.name);
      if (e.isDir) {
        if (!e.name.startsWith(".") && !VENDOR_DIRS.has(e.name)) visit(path);
      } else {
        const dot = e.name.lastIndexOf(".");
        if (dot > 0 && extensions.includes(e.name.slice(dot + 1))) out.push(relativePosix(root, path));
      }
    }
  };
  visit(root);
  return out.sort().slice(0, MAX_SOURCE_FILES);
}

function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.map(display) : [];
}

export function relevantFiles(host: SystemHost, root: string, evidence: Dict): RelevantFile[] {
  const selected = new Set<string>(operatorContextFiles(host, root));
  for (const key of ["anchors", "lockfiles"]) {
    for (const raw of strings(evidence.map.get(key))) {
      const name = raw.replace(/\/+$/, "");
      if (name !== "" && isFile(host, joinPath(root, name))) selected.add(name);
    }
  }
  for (const name of WELL_KNOWN) if (isFile(host, joinPath(root, name))) selected.add(name);
  for (const path of sourceFiles(host, root, strings(evidence.map.get("languages")))) selected.add(path);
  const files: RelevantFile[] = [];
  let total = 0;
  for (const path of [...selected].slice(0, MAX_CONTEXT_FILES)) {
    const content = readTextIfPresent(host, joinPath(root, path));
    if (content === null) continue;
    if (total >= MAX_TOTAL_CHARS) break;
    const chars = Array.from(content);
    const kept = chars.length > MAX_FILE_CHARS ? chars.slice(0, MAX_FILE_CHARS).join("") : content;
    total += Math.min(chars.length, MAX_FILE_CHARS);
    files.push({ path, content: kept, truncated: chars.length > MAX_FILE_CHARS, digest: sha256Hex(content) });
  }
  return files;
}

export function filesValue(files: readonly RelevantFile[]): Dict[] {
  return files.map((f) => Dict.of({ path: f.path, content: f.content, truncated: f.truncated }));
}
