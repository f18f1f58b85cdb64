// The `config` evidence tier: facts read out of manifests and build files
// of one directory — the package name, declared npm scripts, Dockerfile
// RUN/CMD/ENTRYPOINT commands, Makefile targets, README code-fence
// languages — and the build commands they imply.

import { parse as parseToml } from "smol-toml";
import type { SystemHost } from "../system/host.ts";
import { joinPath } from "../system/path-text.ts";
import { readFirstText, readJsonObject, readTextIfPresent } from "./project-fs.ts";

export interface ConfigEvidence {
  packageName: string | null;
  declaredScripts: Map<string, string>;
  dockerfileCommands: string[];
  makefileTargets: string[];
  readmeCodeFences: string[];
}

export function pushUnique(items: string[], value: string): void {
  if (!items.includes(value)) items.push(value);
}

function tomlFile(host: SystemHost, path: string): Record<string, unknown> | null {
  const text = readTextIfPresent(host, path);
  if (text === null) return null;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The value at a dotted path of nested tables, or undefined. */
export function lookup(root: unknown, path: readonly string[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function stringAt(root: unknown, path: readonly string[]): string | null {
  const v = lookup(root, path);
  return typeof v === "string" ? v : null;
}

/** pyproject (`project.name`, then poetry's), package.json, go.mod's module tail, Cargo's package. */
export function detectPackageName(host: SystemHost, dir: string): string | null {
  const pyproject = tomlFile(host, joinPath(dir, "pyproject.toml"));
  const fromPy = stringAt(pyproject, ["project", "name"]) ?? stringAt(pyproject, ["tool", "poetry", "name"]);
  if (fromPy !== null) return fromPy;
  const pkg = readJsonObject(host, joinPath(dir, "package.json"));
  if (typeof pkg?.name === "string") return pkg.name;
  const goMod = readTextIfPresent(host, joinPath(dir, "go.mod"));
  if (goMod !== null) {
    for (const line of goMod.split("\n")) {
      const trimmed = line.trim();
      if (trimmed.startsWith("module ")) return trimmed.slice("module ".length).split("/").pop() ?? null;
    }
  }
  return stringAt(tomlFile(host, joinPath(dir, "Cargo.toml")), ["package", "name"]);
}

export function readmeCodeFences(readme: string): string[] {
  const fences: string[] = [];
  for (const line of readme.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("```")) continue;
    const lang = trimmed.slice(3).trim().split(/\s+/)[0] ?? "";
    if (lang !== "") pushUnique(fences, lang);
  }
  return fences;
}

/** RUN/CMD/ENTRYPOINT arguments, with backslash continuations joined. */
export function dockerfileCommands(dockerfile: string): string[] {
  const commands: string[] = [];
  let pending = "";
  for (const raw of dockerfile.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    pending = pending === "" ? line : `${pending} ${line}`;
    if (pending.endsWith("\\")) {
      pending = pending.slice(0, -1).trimEnd();
      continue;
    }
    const upper = pending.toUpperCase();
    for (const keyword of ["RUN ", "CMD ", "ENTRYPOINT "]) {
      if (upper.startsWith(keyword)) {
        pushUnique(commands, pending.slice(keyword.length).trim());
        break;
      }
    }
    pending = "";
  }
  return commands;
}

/** Plain `name:` rule targets (no variables, patterns or special `.targets`). */
export function makefileTargets(makefile: string): string[] {
  const targets: string[] = [];
  for (const line of makefile.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(".") || trimmed.includes("="))
      continue;
    const colon = trimmed.indexOf(":");
    if (colon < 0) continue;
    const target = trimmed.slice(0, colon);
    if (target === "" || target.includes("%") || target.includes(" ")) continue;
    if (/^[A-Za-z0-9_.-]+$/.test(target)) pushUnique(targets, target);
  }
  return targets;
}

/** Collects the config tier of `dir`, appending the build commands it implies to `buildCommands`. */
export function collectConfig(host: SystemHost, dir: string, buildCommands: string[]): ConfigEvidence {
  const out: ConfigEvidence = {
    packageName: detectPackageName(host, dir),
    declaredScripts: new Map(),
    dockerfileCommands: [],
    makefileTargets: [],
    readmeCodeFences: [],
  };
  const scripts = readJsonObject(host, joinPath(dir, "package.json"))?.scripts;
  if (typeof scripts === "object" && scripts !== null && !Array.isArray(scripts)) {
    const entries = scripts as Record<string, unknown>;
    for (const [name, command] of Object.entries(entries)) {
      if (typeof command === "string") out.declaredScripts.set(name, command);
    }
    for (const key of ["build", "test", "lint", "dev", "start"]) {
      if (key in entries) pushUnique(buildCommands, key === "test" ? "npm test" : `npm run ${key}`);
    }
  }
  const dockerfile = readTextIfPresent(host, joinPath(dir, "Dockerfile"));
  if (dockerfile !== null) out.dockerfileCommands = dockerfileCommands(dockerfile);
  const makefile = readFirstText(host, dir, ["GNUmakefile", "Makefile", "makefile"]);
  if (makefile !== null) {
    out.makefileTargets = makefileTargets(makefile);
    for (const key of ["build", "test"])
      if (out.makefileTargets.includes(key)) pushUnique(buildCommands, `make ${key}`);
  }
  const readme = readFirstText(host, dir, ["README.md", "README.MD", "README", "Readme.md"]);
  if (readme !== null) out.readmeCodeFences = readmeCodeFences(readme);
  return out;
}
