// Skill registries as Harn values (spec: "Skills"): `{_type:
// "skill_registry", skills: [entry, ...]}`. An entry is `{name,
// description, ...}` plus whatever the definition carried (when_to_use,
// paths, allowed_tools, prompt, lifecycle hooks, ...). `skill NAME { ... }`
// declarations and `skill_define` build the same entries; the filesystem
// loader builds compact cards of the same shape. Registries are immutable:
// every change returns a new dict.

import { display } from "../../vm/display.ts";
import { thrown } from "../../vm/errors.ts";
import { BuiltinRef, Closure, Dict, type Value } from "../../vm/values.ts";

export const SKILL_REGISTRY_TYPE = "skill_registry";

export function emptySkillRegistry(skills: readonly Value[] = []): Dict {
  return Dict.of({ _type: SKILL_REGISTRY_TYPE, skills: [...skills] });
}

export function isSkillRegistry(v: Value | undefined): v is Dict {
  return v instanceof Dict && v.get("_type") === SKILL_REGISTRY_TYPE;
}

/** `v` as a registry, or the builtin's error (`fallback` for non-dicts). */
export function requireSkillRegistry(builtin: string, v: Value | undefined, fallback: string): Dict {
  if (!(v instanceof Dict)) throw thrown(`${builtin}: ${fallback}`);
  if (v.get("_type") !== SKILL_REGISTRY_TYPE) {
    throw thrown(`${builtin}: argument must be a skill registry (created with skill_registry())`);
  }
  return v;
}

/** The entries of a registry (non-dict items skipped). */
export function skillEntries(registry: Value | undefined): Dict[] {
  const list = registry instanceof Dict ? registry.get("skills") : null;
  return Array.isArray(list) ? list.filter((s): s is Dict => s instanceof Dict) : [];
}

/** The display text of `entry[key]`, or "" when missing. */
export function fieldText(entry: Dict, key: string): string {
  const v = entry.map.get(key);
  return v === undefined ? "" : display(v);
}

/** `namespace/name` when the entry has a namespace, else its name. */
export function skillEntryId(entry: Dict): string {
  const name = fieldText(entry, "name");
  const ns = fieldText(entry, "namespace");
  return ns === "" ? name : `${ns}/${name}`;
}

export function findSkill(registry: Value | undefined, name: string): Dict | null {
  for (const s of skillEntries(registry)) if (s.get("name") === name) return s;
  return null;
}

/** An entry without closures (lifecycle hooks), for listings that must serialize. */
export function publicSkillEntry(entry: Dict): Dict {
  const m = new Map<string, Value>();
  for (const [k, v] of entry.map) if (!(v instanceof Closure || v instanceof BuiltinRef)) m.set(k, v);
  return new Dict(m);
}

/** Keys whose values must be strings, and keys whose values must be lists. */
const STRING_KEYS = ["short", "description", "when_to_use", "prompt", "invocation", "model", "effort"];
const LIST_KEYS = ["paths", "allowed_tools", "mcp", "requires_mcp"];

function validateConfig(config: Dict): void {
  for (const key of STRING_KEYS) {
    const v = config.map.get(key);
    if (v !== undefined && v !== null && typeof v !== "string")
      throw thrown(`skill_define: '${key}' must be a string`);
  }
  for (const key of LIST_KEYS) {
    const v = config.map.get(key);
    if (v !== undefined && v !== null && !Array.isArray(v))
      throw thrown(`skill_define: '${key}' must be a list`);
  }
  // `allowed_tools` entries are exact names, "*", or `namespace:<tag>`; any
  // other colon is a typo that would silently scope the skill to nothing.
  const tools = config.map.get("allowed_tools");
  for (const item of Array.isArray(tools) ? tools : []) {
    const text = display(item);
    if (text.startsWith("namespace:")) {
      if (text === "namespace:") {
        throw thrown("skill_define: 'allowed_tools' entry 'namespace:' missing a tag after the colon");
      }
    } else if (text.includes(":")) {
      throw thrown(
        `skill_define: 'allowed_tools' entry '${text}' contains ':' — only the \`namespace:<tag>\` prefix is recognized`,
      );
    }
  }
}

/** `skill_define(registry, name, config)`: the registry with the skill added or replaced in place. */
export function defineSkill(args: readonly Value[]): Dict {
  if (args.length < 3) throw thrown("skill_define: requires registry, name, and config dict");
  const registry = requireSkillRegistry("skill_define", args[0], "first argument must be a skill registry");
  const name = display(args[1]!);
  if (name === "") throw thrown("skill_define: skill name must be a non-empty string");
  const raw = args[2];
  if (raw !== null && !(raw instanceof Dict))
    throw thrown("skill_define: third argument must be a config dict");
  const config = raw ?? new Dict();
  validateConfig(config);
  const m = new Map<string, Value>([["name", name]]);
  // A stable `description` key, falling back to the short card.
  if (!config.map.has("description"))
    m.set("description", config.map.has("short") ? fieldText(config, "short") : "");
  for (const [k, v] of config.map) m.set(k, v);
  const entry = new Dict(m);
  const current = registry.get("skills");
  const list = Array.isArray(current) ? [...current] : [];
  const at = list.findIndex((s) => s instanceof Dict && s.get("name") === name);
  if (at >= 0) list[at] = entry;
  else list.push(entry);
  return registry.with("skills", list);
}

/** `skill_describe`: "Available skills:" then one line (plus `when:`) per skill, by name. */
export function describeSkills(registry: Dict): string {
  const skills = skillEntries(registry);
  if (skills.length === 0) return "Available skills:\n(none)";
  const rows = skills
    .map((s) => [fieldText(s, "name"), fieldText(s, "description"), fieldText(s, "when_to_use")] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lines = ["Available skills:"];
  for (const [name, desc, when] of rows) {
    lines.push(desc === "" ? `- ${name}` : `- ${name}: ${desc}`);
    if (when !== "") lines.push(`  when: ${when}`);
  }
  return lines.join("\n");
}

/**
 * The entry a name refers to: an exact id (`ns/name`) first, else the one
 * entry with that bare name; several bare matches are ambiguous.
 */
export function resolveSkillEntry(registry: Value, target: string, builtin: string): Dict {
  if (!(registry instanceof Dict)) throw new Error(`${builtin}: bound skill registry is not a dict`);
  if (!Array.isArray(registry.get("skills")))
    throw new Error(`${builtin}: bound skill registry is malformed`);
  const bare: Dict[] = [];
  for (const entry of skillEntries(registry)) {
    if (skillEntryId(entry) === target) return entry;
    if (entry.map.has("name") && fieldText(entry, "name") === target) bare.push(entry);
  }
  if (bare.length === 1) return bare[0]!;
  if (bare.length === 0) throw new Error(`skill '${target}' not found`);
  throw new Error(`skill '${target}' is ambiguous; use the fully qualified id from the catalog`);
}
