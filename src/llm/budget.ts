// Spending limits checked before a request leaves (spec: "LLM budgets").
// A call may carry an envelope (`budget: {max_cost_usd, total_budget_usd,
// max_input_tokens, max_output_tokens}`, or the same keys at the top level
// of its options) and the VM may have a session budget (`llm_budget`).
// Input tokens are estimated at four UTF-8 bytes each, output tokens at
// `max_tokens`; a projection over a limit throws the reference's
// `budget_exceeded` dict without calling the provider.

import { typeName } from "../vm/display.ts";
import { thrown, type VmError } from "../vm/errors.ts";
import { Dict, HFloat, type Value } from "../vm/values.ts";
import { callCost } from "./catalog/pricing.ts";
import { type JsonValue, utf8Length } from "./json.ts";
import type { Options } from "./option-values.ts";
import type { LlmRequest } from "./provider.ts";

export interface BudgetEnvelope {
  maxCostUsd?: number;
  totalBudgetUsd?: number;
  maxInputTokens?: number;
  maxOutputTokens?: number;
}

const FIELDS = ["max_cost_usd", "total_budget_usd", "max_input_tokens", "max_output_tokens"] as const;

function numberField(v: Value, key: string, integer: boolean): number {
  const n =
    typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : v instanceof HFloat ? v.v : Number.NaN;
  if (integer ? !Number.isInteger(n) || n < 0 : !Number.isFinite(n) || n < 0) {
    const what = integer ? "a non-negative integer" : "a non-negative finite number";
    throw thrown(`budget.${key}: expected ${what}`);
  }
  return n;
}

function readFields(d: Dict, into: BudgetEnvelope): void {
  for (const key of FIELDS) {
    const v = d.map.get(key);
    if (v === undefined) continue;
    const integer = key.endsWith("tokens");
    const n = numberField(v, key, integer);
    if (key === "max_cost_usd") into.maxCostUsd = n;
    else if (key === "total_budget_usd") into.totalBudgetUsd = n;
    else if (key === "max_input_tokens") into.maxInputTokens = n;
    else into.maxOutputTokens = n;
  }
}

/** The envelope a call's options describe, or null when they set no limit. */
export function parseBudget(o: Options): BudgetEnvelope | null {
  if (!o) return null;
  const envelope: BudgetEnvelope = {};
  const nested = o.map.get("budget");
  if (nested instanceof Dict) readFields(nested, envelope);
  else if (nested !== undefined && nested !== null) {
    throw thrown(
      `budget: expected a dict {max_cost_usd?, total_budget_usd?, max_input_tokens?, max_output_tokens?}, got ${typeName(nested)}`,
    );
  }
  readFields(o, envelope);
  return Object.keys(envelope).length > 0 ? envelope : null;
}

const estimateText = (s: string): number => (s === "" ? 0 : Math.ceil(utf8Length(s) / 4));

function estimateJson(j: JsonValue): number {
  if (typeof j === "string") return estimateText(j);
  if (j === null || typeof j !== "object") return 1;
  if (Array.isArray(j)) return j.reduce<number>((n, x) => n + estimateJson(x), 0);
  return Object.entries(j).reduce<number>((n, [k, x]) => n + estimateText(k) + estimateJson(x), 0);
}

export interface Projection {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

export function projectRequest(request: LlmRequest): Projection {
  const system = request.system === null ? 0 : estimateText(request.system);
  const messages = request.messages.reduce((n, m) => n + estimateJson(m), 0);
  const tools = (request.tools ?? []).reduce((n, t) => n + estimateText(JSON.stringify(t)), 0);
  const inputTokens = system + messages + tools;
  const outputTokens = Math.max(request.maxTokens, 0);
  return {
    inputTokens,
    outputTokens,
    costUsd: callCost(request.provider, request.model, inputTokens, outputTokens),
  };
}

type Limit = "max_cost_usd" | "total_budget_usd" | "max_input_tokens" | "max_output_tokens";

function exceeded(request: LlmRequest, p: Projection, spent: number, limit: Limit, value: number): VmError {
  const what: Record<Limit, string> = {
    max_cost_usd: `projected cost $${p.costUsd.toFixed(6)}`,
    total_budget_usd: `projected session cost $${(spent + p.costUsd).toFixed(6)}`,
    max_input_tokens: `projected input tokens ${p.inputTokens}`,
    max_output_tokens: `projected output tokens ${p.outputTokens}`,
  };
  return thrown(
    Dict.of({
      category: "budget_exceeded",
      kind: "terminal",
      reason: "budget_exceeded",
      limit,
      limit_value: new HFloat(value),
      projected_cost_usd: new HFloat(p.costUsd),
      session_cost_usd: new HFloat(spent),
      projected_input_tokens: p.inputTokens,
      projected_output_tokens: p.outputTokens,
      provider: request.provider,
      model: request.model,
      message: `LLM budget exceeded before provider call: ${what[limit]} would exceed ${limit}`,
    }),
  );
}

/** Throws when `request` would break its envelope or the session budget, given `spent` so far. */
export function checkPreflight(
  request: LlmRequest,
  envelope: BudgetEnvelope | null,
  sessionBudget: number | null,
  spent: number,
): void {
  const p = projectRequest(request);
  const over = (limit: Limit, value: number): never => {
    throw exceeded(request, p, spent, limit, value);
  };
  if (envelope) {
    const e = envelope;
    if (e.maxInputTokens !== undefined && p.inputTokens > e.maxInputTokens)
      over("max_input_tokens", e.maxInputTokens);
    if (e.maxOutputTokens !== undefined && p.outputTokens > e.maxOutputTokens) {
      over("max_output_tokens", e.maxOutputTokens);
    }
    if (e.maxCostUsd !== undefined && p.costUsd > e.maxCostUsd) over("max_cost_usd", e.maxCostUsd);
    if (e.totalBudgetUsd !== undefined && spent + p.costUsd > e.totalBudgetUsd) {
      over("total_budget_usd", e.totalBudgetUsd);
    }
  }
  if (sessionBudget !== null && spent + p.costUsd > sessionBudget) over("total_budget_usd", sessionBudget);
}
