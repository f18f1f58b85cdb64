// Where `render(...)`, `render_prompt(...)` and `{{ include }}` find their
// files. Plain paths are relative to an anchor directory (the calling
// source file's, or the including template's). Two package-root forms stay
// valid however deeply the caller is nested:
//   `@/<rel>`        from the project root, the nearest ancestor holding harn.toml;
//   `@<alias>/<rel>` from the directory `[asset_roots] <alias> = "..."` of that harn.toml names.
// Both refuse `..` and absolute parts, so they cannot leave the project.

import { parse as parseToml } from "smol-toml";
import type { StdlibHost } from "../host-api.ts";

export type AssetRef =
  | { readonly kind: "root"; readonly rel: string }
  | { readonly kind: "alias"; readonly alias: string; readonly rel: string };

/** A path that cannot be resolved; its message is what users see. */
export class AssetPathError extends Error {}

/** The package-root form of `path`, or undefined for a plain path (also for `@name` without a `/`). */
export function parseAssetRef(path: string): AssetRef | undefined {
  if (!path.startsWith("@")) return undefined;
  if (path.startsWith("@/")) return { kind: "root", rel: path.slice(2) };
  const slash = path.indexOf("/");
  if (slash < 0) return undefined;
  return { kind: "alias", alias: path.slice(1, slash), rel: path.slice(slash + 1) };
}

/** Resolves a package-root reference from `anchorDir`; throws `AssetPathError`. */
export function resolveAssetRef(host: StdlibHost, ref: AssetRef, anchorDir: string): string {
  const root = findProjectRoot(host, anchorDir);
  if (root === undefined) {
    throw new AssetPathError(
      `package-root prompt path '${showRef(ref)}' has no project root: no harn.toml found above ${anchorDir}`,
    );
  }
  if (ref.kind === "root") {
    const rel = safeRelative(ref.rel);
    if (rel === undefined) throw new AssetPathError(`invalid project-root asset path '@/${ref.rel}'`);
    return host.resolvePath(root, rel);
  }
  const rel = safeRelative(ref.rel);
  if (rel === undefined) throw new AssetPathError(`invalid asset path '${showRef(ref)}'`);
  const manifest = host.resolvePath(root, "harn.toml");
  const assetRoot = lookupAlias(host, manifest, ref.alias);
  if (assetRoot === undefined) {
    throw new AssetPathError(`asset alias '${ref.alias}' is not defined in [asset_roots] of ${manifest}`);
  }
  const safeRoot = safeRelative(assetRoot);
  if (safeRoot === undefined) {
    throw new AssetPathError(
      `asset alias '${ref.alias}' resolves to an unsafe path '${assetRoot}' ` +
        "(must be a project-relative directory without `..` segments)",
    );
  }
  return host.resolvePath(host.resolvePath(root, safeRoot), rel);
}

/** Any asset path: package-root forms as above, others against `anchorDir` (absolute paths as they are). */
export function resolveAssetPath(host: StdlibHost, path: string, anchorDir: string): string {
  const ref = parseAssetRef(path);
  return ref === undefined ? host.resolvePath(anchorDir, path) : resolveAssetRef(host, ref, anchorDir);
}

/** The nearest directory at or above `dir` that holds a harn.toml. */
export function findProjectRoot(host: StdlibHost, dir: string): string | undefined {
  for (let current = dir; ; ) {
    if (host.fileExists(host.resolvePath(current, "harn.toml"))) return current;
    const parent = host.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** `rel` with `.` parts dropped, or undefined when empty, absolute, or using `..` or backslashes. */
function safeRelative(rel: string): string | undefined {
  if (rel === "" || rel.includes("\\") || rel.startsWith("/")) return undefined;
  const parts: string[] = [];
  for (const part of rel.split("/")) {
    if (part === "..") return undefined;
    if (part !== "" && part !== ".") parts.push(part);
  }
  return parts.length > 0 ? parts.join("/") : undefined;
}

/** `[asset_roots] <alias>` of the manifest; undefined when the file, table or string entry is missing. */
function lookupAlias(host: StdlibHost, manifest: string, alias: string): string | undefined {
  try {
    const roots = parseToml(host.readFile(manifest))["asset_roots"];
    if (typeof roots !== "object" || roots === null || Array.isArray(roots)) return undefined;
    if (!Object.hasOwn(roots, alias)) return undefined;
    const entry = (roots as Record<string, unknown>)[alias];
    return typeof entry === "string" ? entry : undefined;
  } catch {
    return undefined;
  }
}

function showRef(ref: AssetRef): string {
  return ref.kind === "root" ? `@/${ref.rel}` : `@${ref.alias}/${ref.rel}`;
}
