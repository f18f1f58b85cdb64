// Evidence about one directory (`project_scan`): which catalog ecosystems
// it belongs to and how sure we are. An ecosystem counts when one of its
// anchor or lock files is present; its score combines the anchor's weight,
// whether matching sources exist nearby (not crossing into nested
// projects), and a lock file. Languages/frameworks scoring at least 0.5
// are reported, most confident first; the `config` tier adds manifest facts.

import { Dict, HFloat, type Value } from "../../vm/values.ts";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { type CatalogEntry, PROJECT_CATALOG, sourceGlobMatches } from "./project-catalog.ts";
import { type ConfigEvidence, collectConfig, pushUnique } from "./project-config.ts";
import { detectVcs, exists, isDir, isFile, relativePosix, sortedEntries } from "./project-fs.ts";
import { type ProjectScanOptions, VENDOR_DIRS } from "./project-options.ts";

export interface ProjectEvidence {
  readonly path: string;
  readonly languageScores: Map<string, number>;
  readonly frameworkScores: Map<string, number>;
  readonly buildSystems: Set<string>;
  readonly vcs: string | null;
  readonly lockfiles: Set<string>;
  readonly anchors: Set<string>;
  readonly buildCommands: string[];
  readonly config: ConfigEvidence | null;
}

/** A directory that starts its own project: VCS root, Harn manifest, or any catalog anchor/lock file. */
export function isProjectRootCandidate(host: SystemHost, dir: string): boolean {
  if (exists(host, joinPath(dir, ".git")) || isFile(host, joinPath(dir, "harn.toml"))) return true;
  return PROJECT_CATALOG.some((e) =>
    [...e.anchors, ...e.lockfiles].some((n) => exists(host, joinPath(dir, n))),
  );
}

/** Is there a source file of `entry` below `root`, without entering nested projects? */
function hasSource(
  host: SystemHost,
  root: string,
  dir: string,
  entry: CatalogEntry,
  o: ProjectScanOptions,
  depth: number,
): boolean {
  if (o.depth !== null && depth > o.depth + 2) return false;
  for (const child of sortedEntries(host, dir)) {
    if (!o.includeHidden && child.name.startsWith(".")) continue;
    const path = joinPath(dir, child.name);
    if (child.isDir) {
      if (!o.includeVendor && VENDOR_DIRS.has(child.name)) continue;
      if (isProjectRootCandidate(host, path)) continue;
      if (hasSource(host, root, path, entry, o, depth + 1)) return true;
      continue;
    }
    const rel = relativePosix(root, path);
    if (entry.sourceGlobs.some((g) => sourceGlobMatches(g, rel))) return true;
  }
  return false;
}

function confidence(entry: CatalogEntry, anchor: boolean, lockfile: boolean, source: boolean): number {
  let score = 0;
  if (anchor) score = Math.max(score, entry.anchorScore);
  if (source) score = Math.max(score, 0.5);
  if (lockfile) score = source ? 1 : Math.min(score + 0.45, 1);
  return score;
}

function recordScore(scores: Map<string, number>, label: string, score: number): void {
  scores.set(label, Math.max(scores.get(label) ?? score, score));
}

export function scanExactDirectory(host: SystemHost, dir: string, o: ProjectScanOptions): ProjectEvidence {
  const ev: ProjectEvidence = {
    path: dir,
    languageScores: new Map(),
    frameworkScores: new Map(),
    buildSystems: new Set(),
    vcs: detectVcs(host, dir),
    lockfiles: new Set(),
    anchors: new Set(),
    buildCommands: [],
    config: null,
  };
  for (const entry of PROJECT_CATALOG) {
    const anchors = entry.anchors.filter((n) => exists(host, joinPath(dir, n)));
    const lockfiles = entry.lockfiles.filter((n) => exists(host, joinPath(dir, n)));
    if (anchors.length === 0 && lockfiles.length === 0) continue;
    const score = confidence(
      entry,
      anchors.length > 0,
      lockfiles.length > 0,
      hasSource(host, dir, dir, entry, o, 0),
    );
    if (score <= 0) continue;
    for (const a of anchors) ev.anchors.add(isDir(host, joinPath(dir, a)) ? `${a}/` : a);
    for (const l of lockfiles) ev.lockfiles.add(l);
    for (const language of entry.languages) recordScore(ev.languageScores, language, score);
    for (const framework of entry.frameworks) recordScore(ev.frameworkScores, framework, score);
    if (score >= 0.5) {
      for (const system of entry.buildSystems) ev.buildSystems.add(system);
      if (entry.defaultBuildCmd !== null) pushUnique(ev.buildCommands, entry.defaultBuildCmd);
      if (entry.defaultTestCmd !== null) pushUnique(ev.buildCommands, entry.defaultTestCmd);
    }
  }
  return o.config ? { ...ev, config: collectConfig(host, dir, ev.buildCommands) } : ev;
}

const sorted = (items: Iterable<string>): string[] => [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Labels scoring at least 0.5, highest first, ties by name. */
function confidentLabels(scores: Map<string, number>): string[] {
  return [...scores]
    .filter(([, s]) => s >= 0.5)
    .sort(([a, x], [b, y]) => (x !== y ? y - x : a < b ? -1 : a > b ? 1 : 0))
    .map(([label]) => label);
}

export function evidenceValue(ev: ProjectEvidence): Dict {
  const confidenceMap = new Map<string, Value>();
  for (const [label, s] of [...ev.languageScores, ...ev.frameworkScores])
    confidenceMap.set(label, new HFloat(s));
  const c = ev.config;
  return Dict.of({
    path: ev.path,
    languages: confidentLabels(ev.languageScores),
    frameworks: confidentLabels(ev.frameworkScores),
    build_systems: sorted(ev.buildSystems),
    vcs: ev.vcs,
    lockfiles: sorted(ev.lockfiles),
    anchors: sorted(ev.anchors),
    confidence: new Dict(confidenceMap),
    package_name: c?.packageName ?? null,
    build_commands: [...ev.buildCommands],
    declared_scripts: new Dict(new Map(c?.declaredScripts ?? [])),
    readme_code_fences: [...(c?.readmeCodeFences ?? [])],
    dockerfile_commands: [...(c?.dockerfileCommands ?? [])],
    makefile_targets: [...(c?.makefileTargets ?? [])],
  });
}
