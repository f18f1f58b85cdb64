// The `skills` global: skills discovered for the program being run (spec:
// "Skills: discovery"). Roots come from `$HARN_SKILLS_PATH`, the project
// (nearest harn.toml above the entry file: `.harn/skills`, `[skills]
// paths`, `[[skill.source]]`, `.harn/packages/<name>/skills`), the user's
// `~/.harn/skills` and the system directories; `[skills] disable` and
// `lookup_order` adjust the layers. Each winning card carries its
// signature provenance, and the discovery stays bound to the VM so
// `load_skill` can read full bodies later.

import {
  cardEntry,
  type DiscoveryOptions,
  isSkillLayer,
  SkillDiscovery,
  type SkillFs,
  type SkillLayer,
  type SkillRoot,
} from "../../llm/skills/discovery.ts";
import { bindSkills } from "../../llm/skills/load.ts";
import { provenanceValue, verifySkill } from "../../llm/skills/provenance.ts";
import { emptySkillRegistry } from "../../llm/skills/registry.ts";
import type { Dict } from "../../vm/values.ts";
import type { Vm } from "../../vm/vm.ts";
import type { CryptoProvider } from "../data/crypto-api.ts";
import type { SystemHost } from "../system/host.ts";
import { isAbsolutePath, joinPath, pathBasename } from "../system/path-text.ts";
import { projectRootOf, readManifestAt } from "./project-manifest.ts";

export interface SkillsHost {
  readonly system: SystemHost;
  readonly crypto: Pick<CryptoProvider, "ed25519Verify">;
}

export function skillFsOf(system: SystemHost): SkillFs {
  const info = (p: string) => {
    try {
      return system.exists(p) ? system.stat(p) : null;
    } catch {
      return null;
    }
  };
  return {
    readText: (p) => system.readText(p),
    readBytes: (p) => system.readBytes(p),
    isFile: (p) => info(p)?.isFile === true,
    isDir: (p) => info(p)?.isDir === true,
    listDir: (p) => {
      try {
        return system.listDir(p).map((e) => e.name);
      } catch {
        return [];
      }
    },
    join: (...parts) => parts.reduce((a, b) => joinPath(a, b)),
    basename: pathBasename,
  };
}

interface SkillsConfig {
  readonly manifestDir: string;
  readonly paths: string[];
  readonly sources: { path: string; namespace?: string }[];
  readonly disable: string[];
  readonly lookupOrder: string[];
  readonly signerRegistry: string | null;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The `[skills]` and `[[skill.source]]` tables of the project's harn.toml, paths resolved. */
function readSkillsConfig(system: SystemHost, root: string): SkillsConfig | null {
  const manifest = readManifestAt(system, root);
  if (manifest === null) return null;
  const doc = manifest.doc;
  const skills = (doc.skills ?? {}) as Record<string, unknown>;
  const skill = (doc.skill ?? {}) as Record<string, unknown>;
  const abs = (p: string): string => (isAbsolutePath(p) ? p : joinPath(root, p));
  const registry = typeof skills.signer_registry_url === "string" ? skills.signer_registry_url : null;
  const sources = (Array.isArray(skill.source) ? skill.source : [])
    .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null && s.type === "fs")
    .filter((s) => typeof s.path === "string")
    .map((s) => ({
      path: abs(s.path as string),
      ...(typeof s.namespace === "string" && { namespace: s.namespace }),
    }));
  return {
    manifestDir: root,
    paths: stringList(skills.paths).map(abs),
    sources,
    disable: stringList(skills.disable),
    lookupOrder: stringList(skills.lookup_order),
    // URLs are fetched by hosts that support it; relative paths sit next to harn.toml.
    signerRegistry:
      registry === null || registry === ""
        ? null
        : /^https?:\/\//.test(registry)
          ? registry
          : abs(registry.replace(/^file:\/\//, "")),
  };
}

/** Expands `*` path segments (the documented "packages, any name, skills" form). */
function expandStars(fs: SkillFs, path: string): string[] {
  if (!path.includes("*")) return [path];
  let results = [path.startsWith("/") ? "/" : ""];
  for (const seg of path.split("/").filter((s) => s !== "")) {
    const next: string[] = [];
    for (const parent of results) {
      if (seg === "*") {
        for (const name of fs.listDir(parent === "" ? "." : parent)) {
          const child = joinPath(parent, name);
          if (fs.isDir(child)) next.push(child);
        }
      } else {
        next.push(parent === "" ? seg : joinPath(parent, seg));
      }
    }
    results = next;
  }
  return results;
}

function systemDirs(system: SystemHost): string[] {
  const xdg = system.env("XDG_CONFIG_HOME");
  const home = system.env("HOME");
  const out: string[] = [];
  if (xdg !== undefined) {
    if (xdg !== "") out.push(joinPath(xdg, "harn/skills"));
  } else if (home) out.push(joinPath(home, ".config/harn/skills"));
  out.push("/etc/harn/skills");
  return out;
}

function layerList(labels: readonly string[]): SkillLayer[] {
  return labels.filter(isSkillLayer);
}

/** The discovery roots, in layer order, for a program at `sourceFile`. */
function skillRoots(
  fs: SkillFs,
  system: SystemHost,
  root: string | null,
  config: SkillsConfig | null,
): SkillRoot[] {
  const roots: SkillRoot[] = [];
  const envPath = system.env("HARN_SKILLS_PATH");
  for (const dir of (envPath ?? "").split(":").filter((d) => d !== ""))
    roots.push({ path: dir, layer: "env" });
  if (root !== null) roots.push({ path: joinPath(root, ".harn/skills"), layer: "project" });
  for (const p of config?.paths ?? [])
    for (const dir of expandStars(fs, p)) roots.push({ path: dir, layer: "manifest" });
  for (const s of config?.sources ?? [])
    roots.push({ path: s.path, layer: "manifest", ...(s.namespace && { namespace: s.namespace }) });
  const home = system.env("HOME");
  if (home) roots.push({ path: joinPath(home, ".harn/skills"), layer: "user" });
  if (root !== null) {
    const packages = joinPath(root, ".harn/packages");
    for (const name of fs.listDir(packages).sort()) {
      const dir = joinPath(joinPath(packages, name), "skills");
      if (fs.isDir(dir)) roots.push({ path: dir, layer: "package" });
    }
  }
  for (const dir of systemDirs(system)) roots.push({ path: dir, layer: "system" });
  return roots;
}

export interface ProjectSkills {
  readonly registry: Dict;
  readonly discovery: SkillDiscovery;
  readonly warnings: readonly string[];
}

/** Discovers the skills visible to a program at `sourceFile` (registry of compact cards). */
export function discoverProjectSkills(host: SkillsHost, sourceFile: string): ProjectSkills {
  const fs = skillFsOf(host.system);
  const root = projectRootOf(host.system, sourceFile);
  const config = root === null ? null : readSkillsConfig(host.system, root);
  const options: DiscoveryOptions = {
    disabled: layerList(config?.disable ?? []),
    ...(config && config.lookupOrder.length > 0 && { lookupOrder: layerList(config.lookupOrder) }),
  };
  const discovery = new SkillDiscovery(fs, skillRoots(fs, host.system, root, config), options);
  const home = host.system.env("HOME");
  const registryDir =
    config?.signerRegistry && !/^https?:/.test(config.signerRegistry) ? config.signerRegistry : null;
  const warnings: string[] = [];
  const entries = discovery.list().map((card) => {
    if (card.unknownFields.length > 0) {
      warnings.push(`skills: ${card.id} has unknown frontmatter fields: ${card.unknownFields.join(", ")}`);
    }
    const report = verifySkill(fs, joinPath(card.dir, "SKILL.md"), {
      trustedSignersDir: home ? joinPath(home, ".harn/trusted-signers") : null,
      registryDir,
      allowedSigners: card.manifest.trustedSigners,
      ed25519Verify: (k, m, s) => host.crypto.ed25519Verify(k, m, s),
    });
    if (
      report.status === "invalid_signature" ||
      report.status === "missing_signer" ||
      report.status === "untrusted_signer"
    ) {
      warnings.push(`skills: ${card.id} provenance check: ${report.error ?? report.status}`);
    }
    return cardEntry(card).with("provenance", provenanceValue(report));
  });
  return { registry: emptySkillRegistry(entries), discovery, warnings: [...discovery.warnings, ...warnings] };
}

/**
 * Sets the `skills` global (and the fetcher `load_skill` uses) for a program
 * at `sourceFile`; loader warnings go to stderr. Safe with no project: the
 * global stays an empty registry.
 */
export function installProjectSkills(vm: Vm, host: SkillsHost, sourceFile: string): void {
  const found = discoverProjectSkills(host, sourceFile);
  for (const w of found.warnings) vm.writeError(`warning: ${w}\n`);
  vm.globals.set("skills", found.registry);
  bindSkills(vm, { registry: found.registry, fetch: (id) => found.discovery.fetch(id) });
}
