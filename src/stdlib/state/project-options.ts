// Options shared by the project scanning builtins: which evidence tiers to
// collect (`ambient` always-cheap facts, `config` parsed manifests), how
// deep to walk (default 3; nil walks everything), and whether hidden
// entries, vendor directories and `.gitignore`d paths are included.

import { Dict } from "../../vm/values.ts";
import { display } from "../../vm/display.ts";

export interface ProjectScanOptions {
  readonly ambient: boolean;
  readonly config: boolean;
  /** Maximum walk depth below the scanned directory; null is unlimited. */
  readonly depth: number | null;
  readonly includeHidden: boolean;
  readonly includeVendor: boolean;
  readonly respectGitignore: boolean;
}

/** Directories skipped unless `include_vendor` is set (build output, dependencies, VCS data). */
export const VENDOR_DIRS: ReadonlySet<string> = new Set([
  ".git",
  ".hg",
  ".svn",
  ".venv",
  "__pycache__",
  "build",
  "dist",
  "node_modules",
  "target",
  "venv",
]);

export const DEFAULT_SCAN_OPTIONS: ProjectScanOptions = {
  ambient: true,
  config: false,
  depth: 3,
  includeHidden: false,
  includeVendor: false,
  respectGitignore: true,
};

function bool(d: Dict, key: string, fallback: boolean): boolean {
  const v = d.map.get(key);
  return typeof v === "boolean" ? v : fallback;
}

export function parseScanOptions(v: unknown): ProjectScanOptions {
  if (!(v instanceof Dict)) return DEFAULT_SCAN_OPTIONS;
  let { ambient, config, depth } = DEFAULT_SCAN_OPTIONS;
  if (v.map.has("depth")) {
    const raw = v.map.get("depth");
    // A non-integer depth means "no limit", as in the reference.
    depth = typeof raw === "number" || typeof raw === "bigint" ? Math.max(0, Number(raw)) : null;
  }
  const tiers = v.map.get("tiers");
  if (Array.isArray(tiers)) {
    const names = tiers.map((t) => display(t));
    ambient = names.includes("ambient");
    config = names.includes("config");
    if (!ambient && !config) ambient = true;
  }
  return {
    ambient,
    config,
    depth,
    includeHidden: bool(v, "include_hidden", DEFAULT_SCAN_OPTIONS.includeHidden),
    includeVendor: bool(v, "include_vendor", DEFAULT_SCAN_OPTIONS.includeVendor),
    respectGitignore: bool(v, "respect_gitignore", DEFAULT_SCAN_OPTIONS.respectGitignore),
  };
}
