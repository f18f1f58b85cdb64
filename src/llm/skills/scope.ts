// What an active skill changes in an agent turn (spec: "Skills:
// lifecycle"): an "## Active skills" section appended to the system prompt
// (description, when to use, scoped tools, the skill's prompt), and a
// narrower tool surface when skills declare `allowed_tools`. Entries are
// exact tool names, `namespace:<tag>` (every tool declared with that
// namespace) or `*` (no narrowing). The runtime's own tools — the
// synthetic `__harn_*` search tool and `load_skill` — always stay.

import { display } from "../../vm/display.ts";
import type { Dict, Value } from "../../vm/values.ts";
import { isJsonObject, type JsonObject } from "../json.ts";
import { isDisabledForModel } from "./match.ts";
import { fieldText } from "./registry.ts";

export interface ActiveSkill {
  readonly name: string;
  readonly description: string;
  readonly whenToUse: string;
  /** The skill's prompt body, when non-empty. */
  readonly prompt: string | null;
  readonly paths: readonly string[];
  readonly allowedTools: readonly string[];
  /** `mcp` and `requires_mcp`, merged. */
  readonly mcpServers: readonly string[];
  readonly model: string | null;
  readonly effort: string | null;
  readonly disableModelInvocation: boolean;
}

function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => display(x)) : [];
}

export function activeSkillFromEntry(entry: Dict): ActiveSkill {
  const servers = strings(entry.map.get("mcp"));
  for (const s of strings(entry.map.get("requires_mcp"))) if (!servers.includes(s)) servers.push(s);
  const opt = (key: string): string | null => {
    const t = fieldText(entry, key);
    return t === "" ? null : t;
  };
  return {
    name: fieldText(entry, "name"),
    description: fieldText(entry, "description"),
    whenToUse: fieldText(entry, "when_to_use"),
    prompt: opt("prompt"),
    paths: strings(entry.map.get("paths")),
    allowedTools: strings(entry.map.get("allowed_tools")),
    mcpServers: servers,
    model: opt("model"),
    effort: opt("effort"),
    disableModelInvocation: isDisabledForModel(entry),
  };
}

/** The system-prompt block for the active skills, or null when none is active. */
export function activeSkillsSection(active: readonly ActiveSkill[]): string | null {
  if (active.length === 0) return null;
  let out = "\n\n## Active skills\n";
  for (const s of active) {
    out += `\n### ${s.name}\n`;
    if (s.description !== "") out += `${s.description.trim()}\n`;
    if (s.whenToUse !== "") out += `When to use: ${s.whenToUse.trim()}\n`;
    if (s.allowedTools.length > 0) out += `Scoped tools: ${s.allowedTools.join(", ")}\n`;
    const body = s.prompt?.trim() ?? "";
    if (body !== "") out += `\n${body}\n`;
  }
  return out;
}

/** The union of the active skills' `allowed_tools`; null when nothing narrows the surface. */
export function allowedToolScope(active: readonly ActiveSkill[]): ReadonlySet<string> | null {
  const all = new Set(active.flatMap((s) => s.allowedTools));
  return all.size === 0 || all.has("*") ? null : all;
}

function allowedByScope(name: string, namespace: unknown, scope: ReadonlySet<string>): boolean {
  if (scope.has(name)) return true;
  return typeof namespace === "string" && namespace !== "" && scope.has(`namespace:${namespace}`);
}

/** Registry tool entries inside the scope (all of them when `scope` is null). */
export function scopeToolEntries(entries: readonly Dict[], scope: ReadonlySet<string> | null): Dict[] {
  if (scope === null) return [...entries];
  return entries.filter((e) => allowedByScope(fieldText(e, "name"), e.map.get("namespace"), scope));
}

/** Provider-shaped tools inside the scope; runtime scaffolding tools always stay. */
export function scopeNativeTools(
  tools: readonly JsonObject[],
  scope: ReadonlySet<string> | null,
): JsonObject[] {
  if (scope === null) return [...tools];
  return tools.filter((t) => {
    const fn = isJsonObject(t.function) ? t.function : null;
    const name = typeof t.name === "string" ? t.name : typeof fn?.name === "string" ? fn.name : "";
    if (name.startsWith("__harn_") || name === "load_skill") return true;
    return allowedByScope(name, t.namespace ?? fn?.namespace, scope);
  });
}
