// Filesystem skill discovery (spec: "Skills: discovery"). Skills live in
// `<root>/<name>/SKILL.md` (or `<root>/SKILL.md` for a single-skill root)
// across ordered layers: cli, env, project (`.harn/skills`), manifest
// (`[skills] paths` in harn.toml), user (`~/.harn/skills`), package,
// system, host. For each id the highest layer wins; a layer can be
// disabled or reordered. Listing reads only frontmatter, producing compact
// cards; the body is read when a skill is loaded.

import { Dict, type Value } from "../../vm/values.ts";
import { type SkillManifest, parseFrontmatter, splitFrontmatter } from "./frontmatter.ts";

export const SKILL_LAYERS = [
  "cli",
  "env",
  "project",
  "manifest",
  "user",
  "package",
  "system",
  "host",
] as const;
export type SkillLayer = (typeof SKILL_LAYERS)[number];

export function isSkillLayer(label: string): label is SkillLayer {
  return (SKILL_LAYERS as readonly string[]).includes(label);
}

/** The file access discovery needs, supplied by the host. */
export interface SkillFs {
  readText(path: string): string;
  readBytes(path: string): Uint8Array;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  /** Names of the directory's entries (unsorted). */
  listDir(path: string): string[];
  join(...parts: string[]): string;
  basename(path: string): string;
}

export interface SkillRoot {
  readonly path: string;
  readonly layer: SkillLayer;
  readonly namespace?: string;
}

/** One discovered skill before its body is read. */
export interface SkillCard {
  readonly id: string;
  readonly manifest: SkillManifest;
  readonly layer: SkillLayer;
  readonly namespace: string | null;
  /** The skill's directory. */
  readonly dir: string;
  readonly unknownFields: readonly string[];
}

/** A skill with its (unsubstituted) body. */
export interface LoadedSkillFile extends SkillCard {
  readonly body: string;
}

export interface DiscoveryOptions {
  readonly disabled: readonly SkillLayer[];
  readonly lookupOrder?: readonly SkillLayer[];
}

function skillDirs(fs: SkillFs, root: string): string[] {
  if (!fs.isDir(root)) return [];
  if (fs.isFile(fs.join(root, "SKILL.md"))) return [root];
  return fs
    .listDir(root)
    .sort()
    .map((name) => fs.join(root, name))
    .filter((dir) => fs.isDir(dir) && fs.isFile(fs.join(dir, "SKILL.md")));
}

function readSkill(fs: SkillFs, root: SkillRoot, dir: string): LoadedSkillFile {
  const file = fs.join(dir, "SKILL.md");
  let source: string;
  try {
    source = fs.readText(file);
  } catch (e) {
    throw new Error(`failed to read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const [yaml, body] = splitFrontmatter(source);
  let parsed: ReturnType<typeof parseFrontmatter>;
  try {
    parsed = parseFrontmatter(yaml);
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const manifest = parsed.manifest;
  if (manifest.name === "") manifest.name = fs.basename(dir);
  if (manifest.name === "")
    throw new Error(`${file}: SKILL.md has no \`name\` field and directory has no basename`);
  if (manifest.short.trim() === "") throw new Error(`${file}: SKILL.md requires a non-empty \`short\` field`);
  const ns = root.namespace !== undefined && root.namespace !== "" ? root.namespace : null;
  return {
    id: ns === null ? manifest.name : `${ns}/${manifest.name}`,
    manifest,
    layer: root.layer,
    namespace: ns,
    dir,
    unknownFields: parsed.unknownFields,
    body,
  };
}

/** Layered discovery over a fixed list of roots. */
export class SkillDiscovery {
  /** Problems met while listing (unreadable or malformed SKILL.md files). */
  readonly warnings: string[] = [];

  constructor(
    private readonly fs: SkillFs,
    private readonly roots: readonly SkillRoot[],
    private readonly options: DiscoveryOptions = { disabled: [] },
  ) {}

  private enabled(layer: SkillLayer): boolean {
    return !this.options.disabled.includes(layer);
  }

  /** Layers in precedence order: explicitly ordered ones first, then the default order. */
  private order(): SkillLayer[] {
    const out: SkillLayer[] = [];
    for (const layer of [...(this.options.lookupOrder ?? []), ...SKILL_LAYERS]) {
      if (this.enabled(layer) && !out.includes(layer)) out.push(layer);
    }
    return out;
  }

  /** The winning card for each id, sorted by id. */
  list(): SkillCard[] {
    const byLayer = new Map<SkillLayer, SkillCard[]>();
    for (const root of this.roots) {
      if (!this.enabled(root.layer)) continue;
      const cards = byLayer.get(root.layer) ?? [];
      for (const dir of skillDirs(this.fs, root.path)) {
        try {
          const { body: _body, ...card } = readSkill(this.fs, root, dir);
          cards.push(card);
        } catch (e) {
          this.warnings.push(`skills: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      byLayer.set(root.layer, cards);
    }
    const winners = new Map<string, SkillCard>();
    for (const layer of this.order()) {
      for (const card of byLayer.get(layer) ?? []) if (!winners.has(card.id)) winners.set(card.id, card);
    }
    return [...winners.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The winning skill `id` with its body; throws "skill '<id>' not found". */
  fetch(id: string): LoadedSkillFile {
    const card = this.list().find((c) => c.id === id);
    if (card === undefined) throw new Error(`skill '${id}' not found`);
    const root = this.roots.find(
      (r) => r.layer === card.layer && skillDirs(this.fs, r.path).includes(card.dir),
    );
    if (root === undefined) throw new Error(`skill '${id}' not found`);
    return readSkill(this.fs, root, card.dir);
  }
}

/** Manifest fields both entry shapes carry (compact card and full entry). */
function manifestFields(m: SkillManifest, full: boolean): Map<string, Value> {
  const out = new Map<string, Value>([
    ["name", m.name],
    ["short", m.short],
    ["description", m.description === "" ? m.short : m.description],
  ]);
  if (m.whenToUse !== null) out.set("when_to_use", m.whenToUse);
  if (m.disableModelInvocation) out.set("disable_model_invocation", true);
  if (m.allowedTools.length > 0) out.set("allowed_tools", [...m.allowedTools]);
  if (m.userInvocable) out.set("user_invocable", true);
  if (m.paths.length > 0) out.set("paths", [...m.paths]);
  if (m.context !== null) out.set("context", m.context);
  if (m.agent !== null) out.set("agent", m.agent);
  if (m.hooks.size > 0) out.set("hooks", new Dict(new Map(m.hooks)));
  if (m.model !== null) out.set("model", m.model);
  if (m.effort !== null) out.set("effort", m.effort);
  if (full && m.requireSignature) out.set("require_signature", true);
  if (full && m.trustedSigners.length > 0) out.set("trusted_signers", [...m.trustedSigners]);
  if (m.shell !== null) out.set("shell", m.shell);
  if (m.argumentHint !== null) out.set("argument_hint", m.argumentHint);
  return out;
}

/** The compact registry entry for a card: no body, so startup registries stay small. */
export function cardEntry(card: SkillCard): Dict {
  const m = manifestFields(card.manifest, false);
  m.set("source", card.layer);
  if (card.namespace !== null) m.set("namespace", card.namespace);
  return new Dict(m);
}

/** The full entry for a loaded skill: body, directory and signing fields included. */
export function loadedEntry(skill: LoadedSkillFile): Dict {
  const m = manifestFields(skill.manifest, true);
  m.set("body", skill.body);
  m.set("skill_dir", skill.dir);
  m.set("source", skill.layer);
  if (skill.namespace !== null) m.set("namespace", skill.namespace);
  return new Dict(m);
}
