// The `thinking` and `reasoning_effort` options (spec: "Extended thinking").
// Accepted shapes: `true`/`false`, a mode string ("enabled", "adaptive",
// "low" | "medium" | "high"), or `{mode, budget_tokens?, level?}` (a dict
// without `mode` means enabled; `{enabled: false}` disables). A standalone
// `reasoning_effort` is effort-mode thinking and cannot be combined with it.

import { truthy, typeName } from "../vm/display.ts";
import { thrown } from "../vm/errors.ts";
import { Dict, type Value } from "../vm/values.ts";
import { asInt, type Options, optValue } from "./option-values.ts";
import type { ThinkingConfig } from "./provider.ts";

type Level = "low" | "medium" | "high";

function level(field: string, raw: string): Level {
  if (raw === "low" || raw === "medium" || raw === "high") return raw;
  throw thrown(`${field}: expected "low" | "medium" | "high", got "${raw}"`);
}

function budget(v: Value | undefined): number | null {
  if (v === undefined || v === null) return null;
  const n = asInt(v);
  if (n === undefined || n < 0 || n > 0xffffffff)
    throw thrown("thinking.budget_tokens: expected a non-negative int");
  return n;
}

function fromString(s: string): ThinkingConfig {
  switch (s) {
    case "disabled":
    case "off":
    case "none":
      return { mode: "disabled" };
    case "enabled":
    case "on":
    case "true":
      return { mode: "enabled", budgetTokens: null };
    case "adaptive":
      return { mode: "adaptive" };
    case "low":
    case "medium":
    case "high":
      return { mode: "effort", level: s };
    default:
      throw thrown(
        `thinking: expected bool, dict, or one of "enabled" | "adaptive" | "low" | "medium" | "high", got "${s}"`,
      );
  }
}

function fromDict(d: Dict): ThinkingConfig {
  const enabled = d.map.get("enabled");
  if (enabled !== undefined && !truthy(enabled)) return { mode: "disabled" };
  const modeValue = d.map.get("mode");
  const mode = typeof modeValue === "string" ? modeValue : "enabled";
  switch (mode) {
    case "disabled":
    case "off":
    case "none":
      return { mode: "disabled" };
    case "enabled":
      return { mode: "enabled", budgetTokens: budget(d.map.get("budget_tokens")) };
    case "adaptive":
      return { mode: "adaptive" };
    case "effort": {
      const l = d.map.get("level");
      if (typeof l !== "string") throw thrown('thinking.level is required when thinking.mode is "effort"');
      return { mode: "effort", level: level("thinking.level", l) };
    }
    default:
      throw thrown(`thinking.mode: expected "disabled" | "enabled" | "adaptive" | "effort", got "${mode}"`);
  }
}

export function parseThinking(o: Options): { config: ThinkingConfig; fromReasoningEffort: boolean } {
  const raw = optValue(o, "thinking");
  const effort = optValue(o, "reasoning_effort");
  if (effort !== undefined && effort !== false) {
    if (typeof effort !== "string") {
      throw thrown(`reasoning_effort: expected "low" | "medium" | "high", got ${typeName(effort)}`);
    }
    if (raw !== undefined && truthy(raw)) {
      throw thrown("reasoning_effort cannot be combined with a non-disabled thinking option");
    }
    return {
      config: { mode: "effort", level: level("reasoning_effort", effort) },
      fromReasoningEffort: true,
    };
  }
  if (raw === undefined || raw === false) return { config: { mode: "disabled" }, fromReasoningEffort: false };
  if (raw === true) return { config: { mode: "enabled", budgetTokens: null }, fromReasoningEffort: false };
  if (typeof raw === "string") return { config: fromString(raw), fromReasoningEffort: false };
  if (raw instanceof Dict) return { config: fromDict(raw), fromReasoningEffort: false };
  return {
    config: truthy(raw) ? { mode: "enabled", budgetTokens: null } : { mode: "disabled" },
    fromReasoningEffort: false,
  };
}
