// What `@step(...)` and `@persona(...)` declare, parsed from the metadata
// dicts the compiler passes to `__register_step` / `__register_persona`.
// Only the fields the runtime acts on are kept; the rest (approval,
// receipt, retry, ...) is static metadata for tooling.

import { thrown } from "../../vm/errors.ts";
import { Dict, HFloat, type Value } from "../../vm/values.ts";

export type ErrorBoundary = "fail" | "continue" | "escalate";

export interface StepDefinition {
  readonly name: string;
  readonly fn: string;
  /** Default model for `llm_call`s made while the step runs. */
  readonly model: string | null;
  readonly maxTokens: number | null;
  readonly maxUsd: number | null;
  /** As declared (`null` when absent); anything but continue/escalate acts as fail. */
  readonly errorBoundary: string | null;
}

export interface StageDecl {
  readonly name: string;
  /** null: inherit the ambient tool ceiling. */
  readonly allowedTools: readonly string[] | null;
  readonly sideEffectLevel: string | null;
  readonly maxIterations: number | null;
}

export interface PersonaDefinition {
  readonly name: string;
  readonly fn: string;
  readonly stages: readonly StageDecl[];
  readonly outputStyle: Value;
}

export function boundaryOf(def: StepDefinition): ErrorBoundary {
  return def.errorBoundary === "continue" || def.errorBoundary === "escalate" ? def.errorBoundary : "fail";
}

function num(v: Value): number | null {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof HFloat) return v.v;
  return null;
}

function text(v: Value | undefined): string | null {
  return typeof v === "string" ? v : null;
}

function registration(args: Value[], fn: string): { name: string; meta: Dict } {
  const name = args[0];
  if (typeof name !== "string") throw thrown(`${fn}: expected (function_name, metadata_dict)`);
  const meta = args[1];
  if (!(meta instanceof Dict)) throw thrown(`${fn}: metadata argument must be a dict`);
  return { name, meta };
}

export function parseStepRegistration(args: Value[]): StepDefinition {
  const { name: fn, meta } = registration(args, "__register_step");
  let maxTokens: number | null = null;
  let maxUsd: number | null = null;
  const budget = meta.get("budget");
  if (budget instanceof Dict) {
    const tokens = num(budget.get("max_tokens"));
    if (tokens !== null && Number.isFinite(tokens) && tokens > 0) maxTokens = Math.trunc(tokens);
    const usd = num(budget.get("max_usd"));
    if (usd !== null && Number.isFinite(usd) && usd >= 0) maxUsd = usd;
  }
  const model = text(meta.get("model"));
  return {
    name: text(meta.get("name")) ?? fn,
    fn,
    model: model === "" ? null : model,
    maxTokens,
    maxUsd,
    errorBoundary: text(meta.get("error_boundary")),
  };
}

function parseStage(entry: Value): StageDecl {
  if (!(entry instanceof Dict)) throw thrown("__register_persona: each stage entry must be a dict");
  const name = text(entry.get("name"));
  if (name === null) throw thrown("__register_persona: stage dict missing required 'name'");
  const tools = entry.get("allowed_tools");
  let allowedTools: string[] | null = null;
  if (Array.isArray(tools)) {
    allowedTools = tools.map((t) => {
      if (typeof t !== "string")
        throw thrown("__register_persona: stage allowed_tools entries must be strings");
      return t;
    });
  } else if (tools !== null) {
    throw thrown("__register_persona: stage allowed_tools must be a list of strings");
  }
  const level = text(entry.get("side_effect_level"));
  const iterations = num(entry.get("max_iterations"));
  return {
    name,
    allowedTools,
    sideEffectLevel: level === "" ? null : level,
    maxIterations:
      iterations !== null && Number.isFinite(iterations) && iterations >= 0 ? Math.trunc(iterations) : null,
  };
}

export function parsePersonaRegistration(args: Value[]): PersonaDefinition {
  const { name: fn, meta } = registration(args, "__register_persona");
  const stages = meta.get("stages");
  if (stages !== null && !Array.isArray(stages)) {
    throw thrown("__register_persona: stages argument must be a list of dicts");
  }
  const style = meta.get("output_style");
  return {
    name: text(meta.get("name")) ?? fn,
    fn,
    stages: (stages ?? []).map(parseStage),
    outputStyle: style,
  };
}
