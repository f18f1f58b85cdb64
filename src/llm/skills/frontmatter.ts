// SKILL.md files: an optional `---` YAML frontmatter block, then the
// Markdown body. Field names are accepted with hyphens or underscores
// (`when-to-use` == `when_to_use`); unknown fields are reported, not
// fatal, so newer skill specs still load. A frontmatter block must carry a
// non-empty `short` card: it is what the always-on catalog shows.

import { parse as parseYaml } from "yaml";

export interface SkillManifest {
  name: string;
  short: string;
  description: string;
  whenToUse: string | null;
  disableModelInvocation: boolean;
  allowedTools: string[];
  userInvocable: boolean;
  paths: string[];
  context: string | null;
  agent: string | null;
  hooks: Map<string, string>;
  model: string | null;
  effort: string | null;
  requireSignature: boolean;
  trustedSigners: string[];
  shell: string | null;
  argumentHint: string | null;
}

export interface ParsedFrontmatter {
  readonly manifest: SkillManifest;
  /** Keys present but not recognised, as written. */
  readonly unknownFields: string[];
}

export function emptyManifest(): SkillManifest {
  return {
    name: "",
    short: "",
    description: "",
    whenToUse: null,
    disableModelInvocation: false,
    allowedTools: [],
    userInvocable: false,
    paths: [],
    context: null,
    agent: null,
    hooks: new Map(),
    model: null,
    effort: null,
    requireSignature: false,
    trustedSigners: [],
    shell: null,
    argumentHint: null,
  };
}

/** Splits a SKILL.md into its frontmatter YAML ("" when absent or unterminated) and body. */
export function splitFrontmatter(source: string): [string, string] {
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  let yamlStart = -1;
  for (let pos = 0; pos < text.length; ) {
    const nl = text.indexOf("\n", pos);
    const next = nl < 0 ? text.length : nl + 1;
    const line = text.slice(pos, nl < 0 ? text.length : nl).trim();
    if (yamlStart < 0) {
      // Blank lines may precede the opener; anything else means no frontmatter.
      if (line === "---") yamlStart = next;
      else if (line !== "") return ["", text];
    } else if (line === "---") {
      return [text.slice(yamlStart, pos), text.slice(next)];
    }
    pos = next;
  }
  return ["", text];
}

const STRING_FIELDS = ["name", "short", "description"] as const;
const OPTIONAL_STRING_FIELDS: Readonly<Record<string, keyof SkillManifest>> = {
  when_to_use: "whenToUse",
  context: "context",
  agent: "agent",
  model: "model",
  effort: "effort",
  shell: "shell",
  argument_hint: "argumentHint",
};
const BOOL_FIELDS: Readonly<Record<string, keyof SkillManifest>> = {
  disable_model_invocation: "disableModelInvocation",
  user_invocable: "userInvocable",
  require_signature: "requireSignature",
};
const LIST_FIELDS: Readonly<Record<string, keyof SkillManifest>> = {
  allowed_tools: "allowedTools",
  paths: "paths",
  trusted_signers: "trustedSigners",
};
const KNOWN = new Set<string>([
  ...STRING_FIELDS,
  ...Object.keys(OPTIONAL_STRING_FIELDS),
  ...Object.keys(BOOL_FIELDS),
  ...Object.keys(LIST_FIELDS),
  "hooks",
]);

function shapeError(key: string, expected: string): Error {
  return new Error(
    `SKILL.md frontmatter is well-formed YAML but doesn't match the expected field shapes: \`${key}\` must be ${expected}`,
  );
}

/** YAML scalars that serde would read as strings (numbers and bools print as written). */
function scalarText(v: unknown, key: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw shapeError(key, "a string");
}

/** Hooks come as a map or as a list of `{event|name, command|run}` entries. */
function hooksOf(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (Array.isArray(v)) {
    for (const item of v) {
      if (typeof item !== "object" || item === null) continue;
      const rec = item as Record<string, unknown>;
      const event = rec.event ?? rec.name;
      const command = rec.command ?? rec.run;
      if (typeof event === "string" && typeof command === "string") out.set(event, command);
    }
  } else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) out.set(k, scalarText(x, "hooks"));
  } else if (v !== null && v !== undefined) {
    throw shapeError("hooks", "a map");
  }
  return out;
}

function assign(m: SkillManifest, key: string, v: unknown): void {
  if (v === null || v === undefined) return;
  const record = m as unknown as Record<string, unknown>;
  if ((STRING_FIELDS as readonly string[]).includes(key)) record[key] = scalarText(v, key);
  else if (key in OPTIONAL_STRING_FIELDS) record[OPTIONAL_STRING_FIELDS[key]!] = scalarText(v, key);
  else if (key in BOOL_FIELDS) {
    if (typeof v !== "boolean") throw shapeError(key, "a bool");
    record[BOOL_FIELDS[key]!] = v;
  } else if (key in LIST_FIELDS) {
    if (!Array.isArray(v)) throw shapeError(key, "a list");
    record[LIST_FIELDS[key]!] = v.map((x) => scalarText(x, key));
  } else if (key === "hooks") m.hooks = hooksOf(v);
}

/** Parses frontmatter YAML; throws an Error with the reason when it cannot be used. */
export function parseFrontmatter(yaml: string): ParsedFrontmatter {
  if (yaml.trim() === "") return { manifest: emptyManifest(), unknownFields: [] };
  let raw: unknown;
  try {
    raw = parseYaml(yaml);
  } catch (e) {
    throw new Error(`invalid SKILL.md YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (raw === null || raw === undefined) return { manifest: emptyManifest(), unknownFields: [] };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(
      `SKILL.md frontmatter must be a YAML mapping, got ${Array.isArray(raw) ? "sequence" : typeof raw}`,
    );
  }
  const manifest = emptyManifest();
  const unknownFields: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const canonical = key.trim().replace(/-/g, "_");
    if (!KNOWN.has(canonical)) {
      unknownFields.push(key);
      continue;
    }
    assign(manifest, canonical, value);
  }
  if (manifest.short.trim() === "")
    throw new Error("SKILL.md frontmatter requires a non-empty `short` field");
  return { manifest, unknownFields };
}
