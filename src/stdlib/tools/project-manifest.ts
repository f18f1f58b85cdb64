// The project manifest: the nearest `harn.toml` above a program's entry
// file, parsed once per reader. Skills (`[skills]`, `[[skill.source]]`),
// MCP servers (`[[mcp]]`) and runtime hooks (`[[hooks]]`) are all read
// from it at run start, so they share this lookup instead of each
// walking the directories and parsing the file on its own.

import { parse as parseToml } from "smol-toml";
import type { SystemHost } from "../system/host.ts";
import { findProjectRoot } from "../system/locations.ts";
import { joinPath, pathParent } from "../system/path-text.ts";

export interface ProjectManifest {
  /** The directory holding harn.toml (the project root). */
  readonly root: string;
  /** The parsed TOML document. */
  readonly doc: Record<string, unknown>;
}

/**
 * The parsed harn.toml in `root`, or null when it cannot be read or is not
 * valid TOML (callers treat that as "no configuration", as the reference
 * loader does for the sections it does not own).
 */
export function readManifestAt(system: SystemHost, root: string): ProjectManifest | null {
  try {
    const doc = parseToml(system.readText(joinPath(root, "harn.toml"))) as Record<string, unknown>;
    return { root, doc };
  } catch {
    return null;
  }
}

/** The project root above `sourceFile` (nearest harn.toml), or null. */
export function projectRootOf(system: SystemHost, sourceFile: string): string | null {
  return sourceFile === "" ? null : findProjectRoot(system, pathParent(sourceFile) || ".");
}

/** The manifest of the project holding `sourceFile`, or null when there is none. */
export function readProjectManifest(system: SystemHost, sourceFile: string): ProjectManifest | null {
  const root = projectRootOf(system, sourceFile);
  return root === null ? null : readManifestAt(system, root);
}
