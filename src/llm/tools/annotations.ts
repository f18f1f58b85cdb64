// Tool annotations: what a tool does, declared once per tool (on its
// registry entry or in a policy's `tool_annotations`) so policy checks,
// approval and concurrency decisions never guess from tool names. `kind`
// follows the Agent Client Protocol's tool-kind vocabulary; unknown or
// missing values fall back to the fail-safe defaults ("other", "none").

import { display } from "../../vm/display.ts";
import { Dict, type Value } from "../../vm/values.ts";

export const TOOL_KINDS = [
  "read",
  "edit",
  "delete",
  "move",
  "search",
  "execute",
  "think",
  "fetch",
  "other",
] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

export const SIDE_EFFECT_LEVELS = [
  "none",
  "read_only",
  "workspace_write",
  "process_exec",
  "network",
] as const;
export type SideEffectLevel = (typeof SIDE_EFFECT_LEVELS)[number];

export interface ToolArgSchema {
  /** Argument keys holding workspace-relative paths. */
  readonly pathParams: readonly string[];
  /** alias -> canonical argument key. */
  readonly argAliases: Readonly<Record<string, string>>;
  readonly required: readonly string[];
}

export interface ToolAnnotations {
  readonly kind: ToolKind;
  readonly sideEffectLevel: SideEffectLevel;
  readonly argSchema: ToolArgSchema;
  /** capability -> operations. */
  readonly capabilities: Readonly<Record<string, readonly string[]>>;
  readonly emitsArtifacts: boolean;
  readonly resultReaders: readonly string[];
  readonly inlineResult: boolean;
}

/** Read-only kinds may run concurrently; "other" deliberately is not one. */
export function isReadOnlyKind(kind: ToolKind): boolean {
  return kind === "read" || kind === "search" || kind === "think" || kind === "fetch";
}

function oneOf<T extends string>(v: Value | undefined, allowed: readonly T[], fallback: T): T | null {
  if (v === undefined || v === null) return fallback;
  return typeof v === "string" && (allowed as readonly string[]).includes(v) ? (v as T) : null;
}

function strings(v: Value | undefined): string[] {
  return Array.isArray(v) ? v.map((x) => display(x)) : [];
}

/**
 * Parses an annotations dict; null when `v` is not a dict or names an
 * unknown kind (the reference then treats the tool as unannotated).
 * Unknown side-effect levels read as "none", the conservative default.
 */
export function parseAnnotations(v: Value | undefined): ToolAnnotations | null {
  if (!(v instanceof Dict)) return null;
  const kind = oneOf(v.map.get("kind"), TOOL_KINDS, "other");
  if (kind === null) return null;
  const level = oneOf(v.map.get("side_effect_level"), SIDE_EFFECT_LEVELS, "none") ?? "none";
  const schema = v.get("arg_schema");
  const aliases: Record<string, string> = {};
  const rawAliases = schema instanceof Dict ? schema.get("arg_aliases") : null;
  if (rawAliases instanceof Dict) for (const k of rawAliases.keys()) aliases[k] = display(rawAliases.get(k));
  const capabilities: Record<string, string[]> = {};
  const rawCaps = v.get("capabilities");
  if (rawCaps instanceof Dict) for (const k of rawCaps.keys()) capabilities[k] = strings(rawCaps.get(k));
  return {
    kind,
    sideEffectLevel: level,
    argSchema: {
      pathParams: schema instanceof Dict ? strings(schema.map.get("path_params")) : [],
      argAliases: aliases,
      required: schema instanceof Dict ? strings(schema.map.get("required")) : [],
    },
    capabilities,
    emitsArtifacts: v.get("emits_artifacts") === true,
    resultReaders: strings(v.map.get("result_readers")),
    inlineResult: v.get("inline_result") === true,
  };
}
